"""The real Bolt app over real HTTP on loopback, talking to the local Slack stand-in.

The bot runs as in production: acknowledgements on the request thread, jobs in the durable queue, workers
and the outbox deliverer in background threads. Tests wait for what they expect to see (a call reaching
the stand-in, a row in the database) with generous ceilings, never for a fixed time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.runtime import build_context
from bot.slack.app import SlackBot, build_bot
from bot.slack.server import make_server, make_wsgi_app, run_until_closed
from commands.base import CommandContext
from tests.support.signing import SlackSender
from tests.support.slack_standin import SlackStandIn

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM_CHANNEL = "C_TEAM"
#: The information-rights team in these tests (FOI_TEAM_USERS): the named officers and the numbered users the
#: load tests send as. U_DAVE and U_EVE are not in it: they are the outsiders.
TEAM = ["U_ALICE", "U_BOB", "U_CAROL", "U_REQ", "U_BOSS"] + [f"U_{n}" for n in range(60)] + \
    [f"U_S{n}" for n in range(10)] + [f"U_Q{n}" for n in range(30)]


@dataclass
class RunningBot:
    url: str
    standin: SlackStandIn
    ctx: CommandContext
    sender: SlackSender
    slack: SlackBot

    def idle(self, timeout: float = 60.0) -> None:
        """Wait until every queued job has run and everything owed to Slack is delivered (or waiting)."""
        from tests.support.waiting import wait_until

        wait_until(lambda: self.slack.queue.depth() == 0 and self.slack.deliverer.pending() == 0
                   and (self.slack.pool is None or self.slack.pool.busy == 0), timeout=timeout)


@pytest.fixture
def slack_env(clean_env: Path, monkeypatch: pytest.MonkeyPatch, standin: SlackStandIn) -> Path:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_API_URL", standin.api_url)
    monkeypatch.setenv("FOI_TEAM_CHANNEL", TEAM_CHANNEL)
    monkeypatch.setenv("FOI_TEAM_USERS", ",".join(TEAM))
    monkeypatch.setenv("FOI_OUTBOX_BACKOFF", "0.05")
    return clean_env


def start_bot(standin: SlackStandIn) -> tuple[RunningBot, object]:
    settings = load_settings()
    ctx = build_context(settings)
    slack = build_bot(ctx, settings).start()
    wsgi = make_wsgi_app(slack.app, ctx.engine, signing_secret=settings.slack_signing_secret,
                         queue_engine=slack.queue.engine, max_body=settings.max_body_bytes)
    server = make_server(wsgi, host="127.0.0.1", port=0, threads=8, max_body=settings.max_body_bytes)
    threading.Thread(target=run_until_closed, args=(server,), daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/slack/events"
    return RunningBot(url=url, standin=standin, ctx=ctx, sender=SlackSender(url, SECRET, standin), slack=slack), server


def stop_bot(bot: RunningBot, server: object) -> None:
    server.close()  # type: ignore[attr-defined]
    bot.slack.drain(timeout=30)
    bot.ctx.engine.dispose()


@pytest.fixture
def bot(slack_env: Path, standin: SlackStandIn) -> Iterator[RunningBot]:
    running, server = start_bot(standin)
    yield running
    stop_bot(running, server)
