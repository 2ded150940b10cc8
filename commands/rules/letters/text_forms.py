"""The letter's structure read back from its text, and the forms made from it: Markdown, plain text, Slack.

The letter text is "Markdown-ish" so that one stored string can be reviewed in Slack, edited in a form and
turned into a Word letter:

- blocks are separated by blank lines; the first block is the letterhead;
- ``## Heading`` lines are headings (``### `` a sub-heading), ``> `` lines quote the request, ``- `` lines are
  bullets; a first block starting "[EXAMPLE PROFILE" is the not-for-sending banner;
- fenced blocks (three backticks) hold tables and pre-formatted answers, kept as they were typed;
- ``**bold**`` marks question labels; ``[ANSWER NEEDED: Q3]`` marks a gap that blocks approval.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from commands.rules.letters.wording import pluralise

# -- answers that hold tables ------------------------------------------------------------------------------

_RULE = re.compile(r"^\s*-{2,}(?:\s+-{2,})*\s*$")


def _is_table_block(lines: Sequence[str]) -> bool:
    if len(lines) < 2:
        return False
    if all(line.lstrip().startswith("|") for line in lines):
        return True
    if sum(1 for line in lines if "\t" in line) >= 2:
        return True
    return any(_RULE.match(line) for line in lines[1:3])


def fence_tables(text: str) -> str:
    """Wrap table-like runs of lines (pipe tables, tab-separated rows, aligned tables with a dashed rule, as
    the statistics answers are) in fences, so every form of the letter keeps their columns."""
    if "```" in text:
        return text
    paragraphs = re.split(r"\n\s*\n", text.strip("\n"))
    out = []
    for paragraph in paragraphs:
        lines = paragraph.split("\n")
        out.append("```\n" + paragraph + "\n```" if _is_table_block(lines) else paragraph)
    return "\n\n".join(out)


def table_rows(lines: Sequence[str]) -> list[list[str]] | None:
    """Cells of a fenced table: pipe-separated, tab-separated, or columns aligned under a dashed rule."""
    lines = [line for line in lines if line.strip()]
    if not lines:
        return None
    if all(line.lstrip().startswith("|") for line in lines):
        rows = []
        for line in lines:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            rows.append(cells)
        return rows
    if sum(1 for line in lines if "\t" in line) >= 2:
        return [[c.strip() for c in line.split("\t")] for line in lines]
    rule_index = next((i for i, line in enumerate(lines) if _RULE.match(line)), None)
    if rule_index is None:
        return None
    spans = [m.span() for m in re.finditer(r"-+", lines[rule_index])]
    rows = []
    for line in lines:
        if _RULE.match(line):
            continue
        cells = []
        for i, (start, end) in enumerate(spans):
            stop = spans[i + 1][0] if i + 1 < len(spans) else len(line)
            begin = start if i else 0
            cells.append(line[begin : max(stop, end)].strip())
        rows.append(cells)
    return rows


# -- other forms of the letter -------------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Block:
    """One block of the letter: kind is banner, letterhead, heading (level 1 or 2), quote, bullets, table, pre
    or paragraph."""

    kind: str
    lines: tuple[str, ...]
    level: int = 0


def blocks(text: str) -> list[Block]:
    """The letter's structure, read back from its text (so edited letters keep their shape)."""
    out: list[Block] = []
    current: list[str] = []
    fence: list[str] | None = None

    def flush() -> None:
        if current:
            first = not out or (len(out) == 1 and out[0].kind == "banner")
            if not out and current[0].startswith("[EXAMPLE PROFILE"):
                out.append(Block("banner", tuple(current)))
            else:
                out.append(_classify(current, first=first))
            current.clear()

    for line in text.split("\n"):
        if fence is not None:
            if line.startswith("```"):
                rows = table_rows(fence)
                out.append(Block("table" if rows and len(rows[0]) > 1 else "pre", tuple(fence)))
                fence = None
            else:
                fence.append(line)
            continue
        if line.startswith("```"):
            flush()
            fence = []
            continue
        if not line.strip():
            flush()
            continue
        if line.startswith(("## ", "### ")):
            flush()
            level = 2 if line.startswith("### ") else 1
            out.append(Block("heading", (line[level + 2 :].strip(),), level=level))
            continue
        current.append(line)
    if fence is not None:
        out.append(Block("pre", tuple(fence)))
    flush()
    return out


def _classify(lines: list[str], *, first: bool) -> Block:
    if first:
        return Block("letterhead", tuple(lines))
    if all(line.startswith(">") for line in lines):
        return Block(
            "quote", tuple(line[1:].lstrip() if line.startswith("> ") else line[1:] for line in lines)
        )
    if all(line.startswith("- ") for line in lines):
        return Block("bullets", tuple(line[2:] for line in lines))
    return Block("paragraph", tuple(lines))


def to_markdown(text: str) -> str:
    """The .md attachment: the same text, with hard line breaks where a letter has separate lines (address,
    quoted request) so Markdown viewers do not run them together."""
    out: list[str] = []
    lines = text.rstrip("\n").split("\n")
    in_fence = False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            in_fence = not in_fence
            out.append(line)
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        joins_next = (
            not in_fence
            and line.strip()
            and following.strip()
            and not following.startswith("```")
            and not line.startswith(("## ", "### ", "- ", "|"))
            and not following.startswith(("- ", "|"))
        )
        out.append(line + "  " if joins_next else line)
    return "\n".join(out) + "\n"


def to_plain_text(text: str) -> str:
    """The letter without Markdown marks: for email bodies and `foi-bot draft --format txt`."""
    out: list[str] = []
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("```"):
            continue
        if line.startswith("### "):
            line = line[4:]
        elif line.startswith("## "):
            line = line[3:]
        elif line.startswith("> ") or line == ">":
            line = "    " + line[2:]
        out.append(_BOLD.sub(r"\1", line))
    return "\n".join(out) + "\n"


_ESCAPED_LINK = re.compile(r"&lt;(https?://[^\s&]+)&gt;")
#: A web address in running text, without the full stop or bracket that ends its sentence.
URL = re.compile(r"https?://[^\s<>]*[^\s<>.,;:)\]]")


def _slack_escape(text: str) -> str:
    """Slack's three control characters escaped; a web address becomes a Slack link."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _ESCAPED_LINK.sub(r"\1", escaped)
    return URL.sub(lambda m: f"<{m.group(0)}>", escaped)


def to_slack_mrkdwn(text: str) -> list[str]:
    """The letter as Slack mrkdwn paragraphs (headings bold, the request quoted, tables in code blocks)."""
    out: list[str] = []
    for block in blocks(text):
        if block.kind == "heading":
            out.append(f"*{_slack_escape(block.lines[0])}*")
        elif block.kind == "quote":
            out.append("\n".join(">" + _slack_escape(line) for line in block.lines))
        elif block.kind in ("table", "pre"):
            out.append("```" + "\n".join(block.lines) + "```")
        elif block.kind == "bullets":
            out.append("\n".join("• " + _BOLD.sub(r"*\1*", _slack_escape(line)) for line in block.lines))
        else:
            out.append("\n".join(_BOLD.sub(r"*\1*", _slack_escape(line)) for line in block.lines))
    return out


def split_sections(paragraphs: Sequence[str], limit: int = 2900) -> list[str]:
    """Pack paragraphs into sections of at most ``limit`` characters (Slack: 3,000 per section), splitting
    an over-long paragraph on lines, then on words."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        fenced = paragraph.startswith("```") and paragraph.endswith("```")
        body = paragraph[3:-3] if fenced else paragraph
        chunk = ""
        for line in body.split("\n"):
            while len(line) > limit - 8:
                cut = line.rfind(" ", 0, limit - 8)
                cut = cut if cut > 0 else limit - 8
                if chunk:
                    pieces.append(f"```{chunk}```" if fenced else chunk)
                    chunk = ""
                pieces.append(f"```{line[:cut]}```" if fenced else line[:cut])
                line = line[cut:].lstrip()
            candidate = f"{chunk}\n{line}" if chunk else line
            if len(candidate) > limit - 8:
                pieces.append(f"```{chunk}```" if fenced else chunk)
                chunk = line
            else:
                chunk = candidate
        if chunk:
            pieces.append(f"```{chunk}```" if fenced else chunk)
    sections: list[str] = []
    for piece in pieces:
        if sections and len(sections[-1]) + 2 + len(piece) <= limit:
            sections[-1] += "\n\n" + piece
        else:
            sections.append(piece)
    return sections


def split_messages(
    sections: Sequence[str], *, max_blocks: int = 40, max_chars: int = 11000
) -> list[list[str]]:
    """Group sections into messages that stay well inside Slack's 50 blocks and its total size limit."""
    messages: list[list[str]] = [[]]
    size = 0
    for section in sections:
        if messages[-1] and (len(messages[-1]) >= max_blocks or size + len(section) > max_chars):
            messages.append([])
            size = 0
        messages[-1].append(section)
        size += len(section)
    return messages


def summarise_changes(old: str, new: str, *, examples: int = 3) -> str:
    """What changed between two versions, in one or two lines: counts and the first changed lines."""
    old_lines = [line for line in old.splitlines() if line.strip()]
    new_lines = [line for line in new.splitlines() if line.strip()]
    added: list[str] = []
    removed: list[str] = []
    for line in difflib.ndiff(old_lines, new_lines):
        if line.startswith("+ "):
            added.append(line[2:])
        elif line.startswith("- "):
            removed.append(line[2:])
    if not added and not removed:
        return "No change to the text."

    def clip(line: str) -> str:
        line = _BOLD.sub(r"\1", line.strip())
        return line if len(line) <= 90 else line[:89] + "…"

    parts = [f"{len(added)} {pluralise(len(added), 'line')} added, {len(removed)} removed"]
    shown = [f"+ {clip(line)}" for line in added[:examples]] + [
        f"− {clip(line)}" for line in removed[:examples]
    ]
    return parts[0] + (": " + "; ".join(shown) if shown else "") + "."
