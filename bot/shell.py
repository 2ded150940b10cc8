"""The local shell: the errbot/Hubot-style text surface over the same command layer as Slack.

Interactive with a prompt on a terminal; when stdin is not a terminal it reads one command per line and
prints each reply, so the whole bot can be driven (and tested) with `printf '/foi new …\n' | foi-bot shell`.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from bot.text_render import render_reply
from commands.base import CommandContext, Invocation
from commands.registry import dispatch

PROMPT = "foi> "
BANNER = "foi-bot shell — type /foi help for the commands, quit to leave."


def _command_text(line: str) -> str | None:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    for prefix in ("/foi", "foi"):
        if stripped.lower() == prefix:
            return ""
        if stripped.lower().startswith(prefix + " "):
            return stripped[len(prefix) + 1 :]
    return stripped


def run_shell(
    ctx: CommandContext,
    *,
    user: str,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    interactive: bool | None = None,
    files_dir: Path | None = None,
) -> int:
    """Returns 0, or 1 when a scripted (non-interactive) session had a command that failed."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if interactive is None:
        interactive = stdin.isatty()
    failures = 0
    if interactive:
        print(BANNER, file=stdout)
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        if line.strip().lower() in ("quit", "exit"):
            break
        text = _command_text(line)
        if text is None:
            continue
        invocation = Invocation(user=user, text=text, now=datetime.now(timezone.utc), surface="shell")
        reply = dispatch(ctx, invocation)
        if reply.is_error:
            failures += 1
            print("error: " + render_reply(reply), file=stdout)
        else:
            print(render_reply(reply), file=stdout)
        if files_dir is not None:
            for post in reply.thread_posts:
                for attachment in post.attachments:
                    files_dir.mkdir(parents=True, exist_ok=True)
                    path = files_dir / attachment.filename
                    path.write_bytes(attachment.content)
                    print(f"  saved {path}", file=stdout)
        stdout.flush()
    return 1 if failures and not interactive else 0
