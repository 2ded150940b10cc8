"""The real Bolt app over real HTTP on loopback, talking to the local Slack stand-in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.runtime import build_context
from bot.slack.app import build_app
from bot.slack.server import make_server, make_wsgi_app
from commands.base import CommandContext
from tests.support.signing import SlackSender
from tests.support.slack_standin import SlackStandIn

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM_CHANNEL = "C_TEAM"


@dataclass
class RunningBot:
    url: str
    standin: SlackStandIn
    ctx: CommandContext
    sender: SlackSender


@pytest.fixture
def slack_env(clean_env: Path, monkeypatch: pytest.MonkeyPatch, standin: SlackStandIn) -> Path:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_API_URL", standin.api_url)
    monkeypatch.setenv("FOI_TEAM_CHANNEL", TEAM_CHANNEL)
    return clean_env


@pytest.fixture
def bot(slack_env: Path, standin: SlackStandIn) -> Iterator[RunningBot]:
    settings = load_settings()
    ctx = build_context(settings)
    executor = ThreadPoolExecutor(max_workers=8)
    app = build_app(ctx, settings, listener_executor=executor)
    server = make_server(make_wsgi_app(app, ctx.engine), host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}/slack/events"
    yield RunningBot(url=url, standin=standin, ctx=ctx, sender=SlackSender(url, SECRET, standin))
    executor.shutdown(wait=True)  # lazy listeners finish before the database goes away
    server.close()
    ctx.engine.dispose()
