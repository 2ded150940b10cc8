"""The durable work queue: what was acknowledged to Slack and is still owed.

The acknowledgement writes one row (`enqueue`) and answers; workers claim rows (`claim`), run them and
delete them (`finish`). A worker holds a *lease* that it renews while it works; a row whose lease ran out
(its process was killed) is claimed again by any worker, so nothing acknowledged is lost. Running a job
twice is harmless because its effects carry an `AppliedJob` marker (see `bot.work`).

Where the queue lives: on PostgreSQL in the case register (claims use ``FOR UPDATE SKIP LOCKED``, so any
number of workers and replicas share it); on SQLite in a file of its own beside the register
(``foi-bot.queue.sqlite3``). SQLite has one writer per file: with the queue in the register, every
acknowledgement would wait for whatever command held the register's write lock. Writes to the SQLite
queue are also serialised in-process by a lock, so concurrent acknowledgements queue on a mutex instead
of sleeping in SQLite's busy handler.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.db import is_postgres, make_engine
from storage.models import Job, utcnow

QUEUED = "queued"
RUNNING = "running"
DEAD = "dead"

_J = Job.__table__.c  # type: ignore[attr-defined]

#: Seconds an acknowledgement may wait for the queue before it tells the person the bot is unavailable.
ENQUEUE_TIMEOUT = 1.5


def queue_url_for(register_url: str) -> str:
    """The queue's database: the register itself on PostgreSQL, a sibling file on SQLite."""
    url = make_url(register_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return register_url
    database = url.database
    stem = database[:-len(".sqlite3")] if database.endswith(".sqlite3") else database
    return url.set(database=f"{stem}.queue.sqlite3").render_as_string(hide_password=False)


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    key: str
    kind: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class JobRow:
    """A queued, running or dead job as `foi-bot jobs list` shows it (never the payload: it holds user text)."""

    id: int
    key: str
    kind: str
    state: str
    attempts: int
    created_at: datetime
    available_at: datetime
    last_error: str | None


class JobQueue:
    """The queue on its own engine (its own connection pool, short timeouts), shared by acks and workers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local_writes = threading.Lock() if not is_postgres(engine) else None
        self.wakeup = threading.Event()  # set on enqueue: in-process workers start at once

    @classmethod
    def open(cls, register_url: str, queue_url: str | None = None, *, timeout: float = ENQUEUE_TIMEOUT) -> JobQueue:
        url = queue_url or queue_url_for(register_url)
        engine = make_engine(url, statement_timeout=timeout, connect_timeout=timeout)
        queue = cls(engine)
        if not is_postgres(engine) and url != register_url:
            Job.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]
        return queue

    @contextmanager
    def _session(self) -> Iterator[Session]:
        lock = self._local_writes
        if lock is not None:
            lock.acquire()
        try:
            session = Session(self.engine, expire_on_commit=False)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        finally:
            if lock is not None:
                lock.release()

    # -- the acknowledgement's side -------------------------------------------------------------------
    def enqueue(self, kind: str, payload: dict[str, Any], *, key: str) -> tuple[int | None, bool]:
        """Store a job; returns (id, created). A key already queued (Slack retried an event) is not added twice."""
        now = utcnow()
        try:
            with self._session() as session:
                job = Job(key=key, kind=kind, payload=payload, state=QUEUED, available_at=now, created_at=now)
                session.add(job)
                session.flush()
                job_id = job.id
        except IntegrityError:
            return None, False
        self.wakeup.set()
        return job_id, True

    def depth(self) -> int:
        """Jobs waiting or running (the backlog a new command joins)."""
        with Session(self.engine) as session:
            return int(session.execute(select(func.count()).select_from(Job.__table__)
                                       .where(_J.state.in_((QUEUED, RUNNING)))).scalar_one())

    # -- the workers' side ----------------------------------------------------------------------------
    def claim(self, worker: str, *, limit: int = 1, lease: float = 30.0,
              kinds: Sequence[str] | None = None) -> list[ClaimedJob]:
        """Take up to ``limit`` jobs that are due: queued ones, and running ones whose lease ran out."""
        now = utcnow()
        due = ((_J.state == QUEUED) & (_J.available_at <= now)) | ((_J.state == RUNNING) & (_J.leased_until < now))
        if kinds:
            due = due & _J.kind.in_(list(kinds))
        with self._session() as session:
            pick = select(_J.id).where(due).order_by(_J.id).limit(limit)
            if is_postgres(self.engine):
                pick = pick.with_for_update(skip_locked=True)
            ids = [row[0] for row in session.execute(pick)]
            if not ids:
                return []
            rows = session.execute(
                update(Job.__table__).where(_J.id.in_(ids), due)
                .values(state=RUNNING, leased_until=now + timedelta(seconds=lease), leased_by=worker[:80],
                        attempts=_J.attempts + 1)
                .returning(_J.id, _J.key, _J.kind, _J.payload, _J.attempts)
            ).all()
        return sorted((ClaimedJob(r.id, r.key, r.kind, r.payload, r.attempts) for r in rows), key=lambda j: j.id)

    def renew(self, ids: Sequence[int], worker: str, *, lease: float = 30.0) -> None:
        if not ids:
            return
        with self._session() as session:
            session.execute(update(Job.__table__).where(_J.id.in_(list(ids)), _J.leased_by == worker[:80],
                                                        _J.state == RUNNING)
                            .values(leased_until=utcnow() + timedelta(seconds=lease)))

    def finish(self, job_id: int) -> None:
        with self._session() as session:
            session.execute(delete(Job.__table__).where(_J.id == job_id))

    def retry_later(self, job_id: int, error: str, *, delay: float) -> None:
        with self._session() as session:
            session.execute(update(Job.__table__).where(_J.id == job_id).values(
                state=QUEUED, available_at=utcnow() + timedelta(seconds=delay), leased_until=None,
                leased_by=None, last_error=error[:300]))

    def bury(self, job_id: int, error: str) -> None:
        """Give up on a job (it failed in a way retrying cannot mend); kept for `foi-bot jobs list`."""
        with self._session() as session:
            session.execute(update(Job.__table__).where(_J.id == job_id).values(
                state=DEAD, leased_until=None, last_error=error[:300]))

    def release(self, worker: str) -> int:
        """Hand back the jobs this worker holds (a draining process that cannot finish them)."""
        with self._session() as session:
            result = session.execute(update(Job.__table__).where(_J.leased_by == worker[:80], _J.state == RUNNING)
                                     .values(state=QUEUED, leased_until=None, leased_by=None))
            return int(result.rowcount or 0)

    def prune(self, older_than: timedelta) -> int:
        """Delete dead jobs past their use (their payloads hold what people typed)."""
        with self._session() as session:
            result = session.execute(delete(Job.__table__).where(_J.state == DEAD,
                                                                 _J.created_at < utcnow() - older_than))
            return int(result.rowcount or 0)

    def rows(self, states: Sequence[str] = (QUEUED, RUNNING, DEAD), limit: int = 200) -> list[JobRow]:
        with Session(self.engine) as session:
            found = session.execute(select(_J.id, _J.key, _J.kind, _J.state, _J.attempts, _J.created_at,
                                           _J.available_at, _J.last_error)
                                    .where(_J.state.in_(list(states))).order_by(_J.id).limit(limit))
            return [JobRow(*row) for row in found]

    def dispose(self) -> None:
        self.engine.dispose()
