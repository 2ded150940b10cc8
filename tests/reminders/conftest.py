"""Fixtures for reminder tests: a migrated database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set),
settings with a team channel and a lead, cases inserted with the real clock, and a recording sender."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import func, update
from sqlmodel import select

from bot.config import Settings, load_settings
from bot.reminders import ReminderSweeper, SweepReport
from bot.slack.delivery import Deliverer
from commands.base import CommandContext
from commands.case_clock import apply_clock
from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Case, OutboxItem, Reminder

TEAM = "C_TEAM"
LEAD = "U_LEAD"
ALICE = "U_ALICE"
LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc


def at(day: date | str, hour: int = 9, minute: int = 0) -> datetime:
    """A London wall-clock time as an aware datetime (09:00 is 08:00 or 09:00 UTC depending on the season)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def reminder_env(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOI_TEAM_CHANNEL", TEAM)
    monkeypatch.setenv("FOI_LEAD", LEAD)
    return clean_env


@pytest.fixture
def reminder_settings(reminder_env: Path) -> Settings:
    return load_settings()


def context_for(url: str, settings: Settings) -> CommandContext:
    engine = make_engine(url)
    upgrade(engine)
    return CommandContext(engine=engine, settings=settings)


@pytest.fixture
def rctx(database_url: str, reminder_settings: Settings) -> Iterator[CommandContext]:
    """The command context on each database (SQLite always; PostgreSQL when TEST_DATABASE_URL is set)."""
    ctx = context_for(database_url, reminder_settings)
    yield ctx
    ctx.engine.dispose()


@pytest.fixture
def sqlite_ctx(tmp_path: Path, reminder_settings: Settings) -> Iterator[CommandContext]:
    ctx = context_for(f"sqlite:///{tmp_path / 'reminders.sqlite3'}", reminder_settings)
    yield ctx
    ctx.engine.dispose()


_numbers = itertools.count(1)


def add_case(ctx: CommandContext, *, received: date, assignee: str | None = ALICE, thread: bool = True,
             regime: str = "foia", reference: str | None = None, created: datetime | None = None,
             **fields: Any) -> int:
    """Insert a case whose dates come from the real clock (apply_clock), as registration would store them."""
    with session_scope(ctx.engine) as session:
        n = int(session.exec(select(func.count()).select_from(Case)).one()) + 1
        case = Case(
            reference=reference or f"FOI{received.year}/{n:05d}", regime=regime, received=received,
            subject=f"Use of force statistics {n}", request_text="(request text)", assignee=assignee,
            channel_id=TEAM if thread else None, thread_ts=f"1700000000.{n:06d}" if thread else None,
            created_at=created or at(received, 8).astimezone(UTC), **fields,
        )
        apply_clock(case, ctx.settings)
        session.add(case)
        session.flush()
        assert case.id is not None
        return case.id


def update_case(ctx: CommandContext, case_id: int, **fields: Any) -> Case:
    """Change facts and let the clock recompute the stored dates (as the lifecycle commands do)."""
    with session_scope(ctx.engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        for name, value in fields.items():
            setattr(case, name, value)
        apply_clock(case, ctx.settings)
        session.add(case)
        return case


def ledger(ctx: CommandContext) -> list[Reminder]:
    with session_scope(ctx.engine) as session:
        return list(session.exec(select(Reminder).order_by(Reminder.id)).all())


@dataclass
class Post:
    channel: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None
    ts: str
    at: datetime

    @property
    def blob(self) -> str:
        import json

        return self.text + json.dumps(self.blocks)


class FakeSender:
    """A stand-in for Slack's client as the outbox deliverer uses it, recording every message.

    ``fail(channel, code, gone=…, refused=…)`` makes the next post to a channel fail with that Slack error
    (``gone``/``refused`` only document what the code means to the deliverer). It also builds thread links
    for the sweep, as the real `SlackThreadLinks` does.
    """

    timeout = 5

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.failures: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)

    def fail(self, channel: str, code: str = "internal_error", *, gone: bool = False, refused: bool = False,
             times: int = 1) -> None:
        del gone, refused
        self.failures.setdefault(channel, []).extend([code] * times)

    def chat_postMessage(self, *, channel: str, text: str, blocks: list[dict[str, Any]] | None = None,  # noqa: N802
                         thread_ts: str | None = None, **_extra: Any) -> dict[str, Any]:
        with self._lock:
            queue = self.failures.get(channel)
            if queue:
                code = queue.pop(0)
                raise SlackApiError(code, SlackResponse(client=None, http_verb="POST", api_url="chat.postMessage",
                                                        req_args={}, data={"ok": False, "error": code}, headers={},
                                                        status_code=200))
            ts = f"1800000000.{next(self._ts):06d}"
            self.posts.append(Post(channel, text, blocks or [], thread_ts, ts, datetime.now(UTC)))
        return {"ok": True, "channel": "D" + channel[1:] if channel.startswith("U") else channel, "ts": ts}

    def thread_link(self, channel: str, ts: str) -> str | None:
        return f"https://example.slack.com/archives/{channel}/p{ts.replace('.', '')}"

    def to(self, channel: str, *, thread: bool | None = None) -> list[Post]:
        return [p for p in self.posts if p.channel == channel and (thread is None or bool(p.thread_ts) == thread)]


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


class SweepAndDeliver:
    """A sweep followed by delivery of what it queued, as the bot does minutes apart.

    Rows waiting for a retry are made due first: the next sweep comes at least five minutes later, longer
    than the first backoffs, so "the next sweep" is when a failed message is tried again.
    """

    def __init__(self, ctx: CommandContext, sender: FakeSender, name: str) -> None:
        self.ctx = ctx
        self.sweeper = ReminderSweeper(ctx, sender, name=name)
        self.deliverer = Deliverer(ctx, sender, max_attempts=10, backoff=60.0, name=f"{name}-deliver")  # type: ignore[arg-type]

    def run(self, now: datetime | None = None) -> SweepReport:
        report = self.sweeper.run(now)
        with session_scope(self.ctx.engine) as session:
            session.execute(update(OutboxItem).where(OutboxItem.state.in_(("pending", "unknown")))  # type: ignore[attr-defined]
                            .values(available_at=datetime.now(UTC)))
        before = (self.deliverer.report.retried, self.deliverer.report.dead)
        delivered = self.deliverer.run_until_idle()
        report.failed += (delivered.retried - before[0]) + (delivered.dead - before[1])
        with session_scope(self.ctx.engine) as session:
            report.fallbacks = len(session.exec(select(Reminder).where(Reminder.last_error.like("fallback:%"))).all())  # type: ignore[union-attr]
        return report


def sweeper(ctx: CommandContext, sender: FakeSender, name: str = "test") -> SweepAndDeliver:
    return SweepAndDeliver(ctx, sender, name)
