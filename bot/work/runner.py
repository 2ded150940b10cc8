"""Running one job: its effects, the Slack messages it owes and its completion marker in one transaction.

Exactly once: the unit of work first inserts the job's `AppliedJob` marker, then runs the handler (whose
`session_scope`s join the unit), then commits. A job run a second time (its worker died after the commit,
or its lease ran out while it was still running) finds the marker, or collides on it, and changes nothing.

Failures are sorted into what the person should hear:
- a lock conflict (SQLite's busy lock, a PostgreSQL deadlock) is retried at once, within a bound;
- the database being down: a person waiting is told at once that nothing was changed and the job is
  dropped (they can repeat the command when it is back); work nobody waits for (a message event) is
  retried later with backoff, so a request posted during an outage is still read;
- anything else is a bug: the job is kept as dead for `foi-bot jobs list`, the person is told, and the
  traceback is logged without SQL parameters.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot import metrics
from commands.base import CommandContext
from storage.db import is_unavailable, retry_on_lock, session_scope, unit_of_work
from storage.jobs import ClaimedJob, JobQueue
from storage.models import AppliedJob

log = logging.getLogger(__name__)

#: How long work nobody waits for keeps being retried while the database is down (attempts, backoff cap).
BACKGROUND_ATTEMPTS = 40
BACKGROUND_BACKOFF_CAP = 120.0


@dataclass
class JobRun:
    """What a handler gets: the job, the transaction to write in, and when the work was acknowledged."""

    ctx: CommandContext
    job: ClaimedJob
    session: Session
    acknowledged_at: datetime

    @property
    def payload(self) -> dict[str, Any]:
        return self.job.payload


Handler = Callable[[JobRun], None]


class JobRunner:
    """Runs claimed jobs with ``handler`` (chosen by the Slack layer from the job's kind and payload)."""

    def __init__(self, ctx: CommandContext, queue: JobQueue, handler: Handler, *,
                 tell_unavailable: Callable[[ClaimedJob], None] | None = None,
                 tell_failed: Callable[[JobRun], None] | None = None,
                 interactive: Callable[[ClaimedJob], bool] = lambda _job: True,
                 on_done: Callable[[], None] | None = None) -> None:
        self.ctx = ctx
        self.queue = queue
        self.handler = handler
        self.tell_unavailable = tell_unavailable
        self.tell_failed = tell_failed
        self.interactive = interactive
        self.on_done = on_done

    def run(self, job: ClaimedJob) -> str:
        """Run the job to an end state; returns "done", "already", "retry", "dropped" or "dead"."""
        acknowledged = _acknowledged_at(job)
        outcome = "done"
        try:
            outcome = retry_on_lock(lambda: self._attempt(job, acknowledged))
        except Exception as exc:  # noqa: BLE001 - every failure ends in a decision below
            outcome = self._failed(job, acknowledged, exc)
        else:
            self.queue.finish(job.id)
            metrics.ACK_TO_DONE.observe(max(0.0, time.time() - acknowledged.timestamp()))
            if self.on_done is not None:
                self.on_done()
        metrics.COMMANDS.labels(kind=job.kind, outcome=outcome).inc()
        return outcome

    def _attempt(self, job: ClaimedJob, acknowledged: datetime) -> str:
        try:
            with unit_of_work(self.ctx.engine) as session:
                if session.get(AppliedJob, job.key) is not None:
                    return "already"
                session.add(AppliedJob(key=job.key))
                session.flush()  # on PostgreSQL a twin of this job now waits here until we commit
                self.handler(JobRun(self.ctx, job, session, acknowledged))
            return "done"
        except IntegrityError:
            if _applied(self.ctx, job.key):
                return "already"
            raise

    def _failed(self, job: ClaimedJob, acknowledged: datetime, exc: Exception) -> str:
        if is_unavailable(exc):
            if self.interactive(job):
                log.warning("case register unavailable for %s job %s (%s); the person was told",
                            job.kind, job.id, type(exc).__name__)
                if self.tell_unavailable is not None:
                    self.tell_unavailable(job)
                self.queue.finish(job.id)
                return "dropped"
            if job.attempts < BACKGROUND_ATTEMPTS:
                delay = min(2.0 ** job.attempts, BACKGROUND_BACKOFF_CAP)
                log.warning("case register unavailable for %s job %s (%s); retrying in %.0f s",
                            job.kind, job.id, type(exc).__name__, delay)
                self.queue.retry_later(job.id, f"database unavailable: {type(exc).__name__}", delay=delay)
                return "retry"
        log.error("%s job %s failed (%s)", job.kind, job.id, type(exc).__name__, exc_info=exc)
        self.queue.bury(job.id, f"{type(exc).__name__}")
        if self.tell_failed is not None:
            try:
                with unit_of_work(self.ctx.engine) as session:
                    self.tell_failed(JobRun(self.ctx, job, session, acknowledged))
            except Exception as again:  # noqa: BLE001 - telling is best effort once the work itself failed
                log.warning("could not tell the person that %s job %s failed (%s)", job.kind, job.id,
                            type(again).__name__)
        return "dead"


def _applied(ctx: CommandContext, key: str) -> bool:
    with session_scope(ctx.engine) as session:
        return session.get(AppliedJob, key) is not None


def _acknowledged_at(job: ClaimedJob) -> datetime:
    try:
        return datetime.fromisoformat(job.payload["at"])
    except (KeyError, TypeError, ValueError):
        return datetime.now(timezone.utc)
