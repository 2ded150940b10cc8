"""When to look for reminders: APScheduler decides *when* to sweep; the database decides *what* to send.

Two jobs run the same sweep: a cron trigger at FOI_REMINDER_HOUR:00 in FOI_TIMEZONE (APScheduler follows
the zone's daylight-saving rules, so 09:00 London fires at 08:00 UTC in summer and 09:00 UTC in winter),
and a frequent sweep every FOI_REMINDER_SWEEP_MINUTES minutes that also runs once at start, catching up
on anything missed while the bot was down and retrying what Slack refused.

Several `foi-bot run` processes may share one PostgreSQL database. APScheduler 3.x schedulers cannot share
a job store, so every process keeps its own; on PostgreSQL a session advisory lock elects one of them per
sweep (the others skip that run), and the ledger still guarantees each reminder is sent once whatever
happens to the lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.reminders import ReminderSender, ReminderSweeper, SlackReminderSender, SweepReport
from commands.base import CommandContext
from storage.db import is_postgres

log = logging.getLogger(__name__)

#: pg_advisory_lock key for "one sweeper at a time" ("FOIR" in ASCII).
ADVISORY_LOCK_KEY = 0x464F4952
DAILY_JOB = "reminders-daily"
SWEEP_JOB = "reminders-sweep"


def daily_trigger(settings: Settings) -> CronTrigger:
    """Every day at the reminder hour, local time; the sweep itself skips non-working days per calendar."""
    return CronTrigger(hour=settings.reminder_hour, minute=0, second=0, timezone=settings.tz)


def sweep_trigger(settings: Settings, minutes: int | None = None) -> IntervalTrigger:
    return IntervalTrigger(minutes=minutes or settings.reminder_sweep_minutes, timezone=settings.tz)


@contextmanager
def elected(engine: Engine) -> Iterator[bool]:
    """Whether this process may sweep now: always on SQLite; on PostgreSQL, if it holds the advisory lock.

    The lock is a session lock on a connection kept for the sweep and released after it, so a process that
    dies mid-sweep frees it with its connection.
    """
    if not is_postgres(engine):
        yield True
        return
    with engine.connect() as connection:
        got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar())
        connection.commit()
        try:
            yield got
        finally:
            if got:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                connection.commit()


class SweepJob:
    """The scheduled callable: one sweep at a time per process, elected across processes, never raising."""

    def __init__(self, ctx: CommandContext, sweeper: ReminderSweeper) -> None:
        self.ctx = ctx
        self.sweeper = sweeper
        self._busy = threading.Lock()
        self.last_report: SweepReport | None = None

    def __call__(self) -> SweepReport | None:
        if not self._busy.acquire(blocking=False):
            return None  # the daily job and the frequent sweep fired together: one is enough
        try:
            with elected(self.ctx.engine) as leader:
                if not leader:
                    log.debug("another process is sweeping reminders; skipping this run")
                    return None
                self.last_report = self.sweeper.run()
                return self.last_report
        except Exception as exc:  # noqa: BLE001 - a failed sweep is retried by the next one; keep the scheduler alive
            log.exception("reminder sweep failed (%s); the next sweep will retry", type(exc).__name__)
            return None
        finally:
            self._busy.release()


def start_scheduler(ctx: CommandContext, client: WebClient, *, sender: ReminderSender | None = None,
                    sweep_minutes: int | None = None, run_at_start: bool = True) -> BackgroundScheduler:
    """Start the reminder jobs in a background thread and return the scheduler (shut it down on exit).

    ``sender`` replaces Slack (tests); ``run_at_start`` runs a catch-up sweep straight away.
    """
    settings = ctx.settings
    sweeper = ReminderSweeper(ctx, sender or SlackReminderSender(client))
    job = SweepJob(ctx, sweeper)
    scheduler = BackgroundScheduler(
        timezone=settings.tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    scheduler.add_job(job, daily_trigger(settings), id=DAILY_JOB, name="daily reminders and digest")
    extra = {"next_run_time": datetime.now(settings.tz)} if run_at_start else {}
    scheduler.add_job(job, sweep_trigger(settings, sweep_minutes), id=SWEEP_JOB, name="reminder sweep", **extra)
    scheduler.start()
    log.info("reminders scheduled: daily at %02d:00 %s, sweep every %d min", settings.reminder_hour,
             settings.timezone, sweep_minutes or settings.reminder_sweep_minutes)
    return scheduler
