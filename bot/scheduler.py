"""When to look for reminders: APScheduler decides *when* to sweep; the database decides *what* to send.

Two jobs run the same sweep: a cron trigger at FOI_REMINDER_HOUR:00 in FOI_TIMEZONE (APScheduler follows
the zone's daylight-saving rules, so 09:00 London fires at 08:00 UTC in summer and 09:00 UTC in winter),
and a frequent sweep every FOI_REMINDER_SWEEP_MINUTES minutes that also runs once at start, catching up
on anything missed while the bot was down and retrying what Slack refused.

Several `foi-bot run` processes may share one database. APScheduler 3.x schedulers cannot share a job
store, so every process keeps its own, and only the elected leader (`bot.leader.Leadership`: a PostgreSQL
advisory lock, or a lock file beside SQLite) sweeps; another process takes over when the leader dies. The
ledger still guarantees each reminder is sent once whatever happens to the election.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient
from sqlalchemy import delete

from bot import metrics
from bot.config import Settings
from bot.leader import Leadership
from bot.reminders import ReminderSweeper, SlackThreadLinks, SweepReport, ThreadLinks
from commands.base import CommandContext
from storage import outbox
from storage.db import session_scope
from storage.jobs import JobQueue
from storage.models import AppliedJob, utcnow

log = logging.getLogger(__name__)

DAILY_JOB = "reminders-daily"
SWEEP_JOB = "reminders-sweep"
MAINTENANCE_JOB = "maintenance"
#: How long delivered outbox rows, applied-job markers and dead jobs are kept (they hold message text).
KEEP_DELIVERED = timedelta(days=7)
KEEP_MARKERS = timedelta(days=30)


def daily_trigger(settings: Settings) -> CronTrigger:
    """Every day at the reminder hour, local time; the sweep itself skips non-working days per calendar."""
    return CronTrigger(hour=settings.reminder_hour, minute=0, second=0, timezone=settings.tz)


def sweep_trigger(settings: Settings, minutes: int | None = None) -> IntervalTrigger:
    return IntervalTrigger(minutes=minutes or settings.reminder_sweep_minutes, timezone=settings.tz)


class SweepJob:
    """The scheduled callable: one sweep at a time per process, elected across processes, never raising."""

    def __init__(self, ctx: CommandContext, sweeper: ReminderSweeper, leadership: Leadership | None = None) -> None:
        self.ctx = ctx
        self.sweeper = sweeper
        self.leadership = leadership
        self._busy = threading.Lock()
        self.last_report: SweepReport | None = None

    def __call__(self) -> SweepReport | None:
        if not self._busy.acquire(blocking=False):
            return None  # the daily job and the frequent sweep fired together: one is enough
        try:
            if self.leadership is not None and not self.leadership.is_leader():
                log.debug("another process runs the scheduled work; skipping this sweep")
                return None
            started = time.perf_counter()
            self.last_report = self.sweeper.run()
            metrics.SWEEP_SECONDS.observe(time.perf_counter() - started)
            return self.last_report
        except Exception as exc:  # noqa: BLE001 - a failed sweep is retried by the next one; keep the scheduler alive
            log.exception("reminder sweep failed (%s); the next sweep will retry", type(exc).__name__)
            return None
        finally:
            self._busy.release()


def maintenance(ctx: CommandContext, leadership: Leadership | None, queue: JobQueue | None = None) -> None:
    """Daily, on the leader: delete what has served its purpose and holds people's words."""
    if leadership is not None and not leadership.is_leader():
        return
    try:
        with session_scope(ctx.engine) as session:
            sent = outbox.prune(session, KEEP_DELIVERED)
            markers = session.execute(delete(AppliedJob).where(
                AppliedJob.applied_at < utcnow() - KEEP_MARKERS)).rowcount  # type: ignore[arg-type]
        dead = queue.prune(KEEP_MARKERS) if queue is not None else 0
        log.info("maintenance: %s delivered outbox rows, %s job markers, %s dead jobs removed", sent, markers, dead)
    except Exception as exc:  # noqa: BLE001 - tomorrow's run tries again
        log.warning("maintenance failed (%s)", type(exc).__name__)


def start_scheduler(ctx: CommandContext, client: WebClient, *, links: ThreadLinks | None = None,
                    sweep_minutes: int | None = None, run_at_start: bool = True,
                    leadership: Leadership | None = None, queue: JobQueue | None = None) -> BackgroundScheduler:
    """Start the reminder jobs in a background thread and return the scheduler (shut it down on exit).

    ``links`` builds thread links (tests pass their own); ``run_at_start`` runs a catch-up sweep straight
    away. Sweeps only queue messages: the outbox deliverer sends them.
    """
    settings = ctx.settings
    sweeper = ReminderSweeper(ctx, links or SlackThreadLinks(client))
    job = SweepJob(ctx, sweeper, leadership)
    scheduler = BackgroundScheduler(
        timezone=settings.tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    scheduler.add_job(job, daily_trigger(settings), id=DAILY_JOB, name="daily reminders and digest")
    extra = {"next_run_time": datetime.now(settings.tz)} if run_at_start else {}
    scheduler.add_job(job, sweep_trigger(settings, sweep_minutes), id=SWEEP_JOB, name="reminder sweep", **extra)
    scheduler.add_job(maintenance, CronTrigger(hour=3, minute=30, timezone=settings.tz), id=MAINTENANCE_JOB,
                      name="prune delivered messages and markers", args=(ctx, leadership, queue))
    scheduler.start()
    log.info("reminders scheduled: daily at %02d:00 %s, sweep every %d min", settings.reminder_hour,
             settings.timezone, sweep_minutes or settings.reminder_sweep_minutes)
    return scheduler
