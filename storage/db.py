"""Engines, sessions and units of work for the case register.

SQLite is the embedded default (a file in the per-user data directory); PostgreSQL is used when
`DATABASE_URL` says so. Three properties matter more than speed here:

- **Bounded waits.** Every engine has a connect timeout and a statement timeout (PostgreSQL: libpq's
  ``connect_timeout``, TCP keepalives and ``tcp_user_timeout`` so a network partition is noticed within
  seconds, plus ``statement_timeout`` and ``lock_timeout``; SQLite: the busy timeout). A dead database
  becomes an error a person can be told about, never a request that hangs.
- **One transaction per unit of work.** A job (a slash command, a click) runs inside `unit_of_work`; every
  `session_scope` opened while it runs joins that transaction as a SAVEPOINT, so the command's changes,
  the Slack messages it owes (the outbox) and the job's completion marker commit together or not at all.
- **Serialisable writes on SQLite.** pysqlite normally starts a transaction only at the first write, so
  two workers can read the same state and both act on it. Here every SQLite transaction is begun
  explicitly (``BEGIN IMMEDIATE`` for units that may write): writers queue on the file's lock instead of
  racing, and SAVEPOINTs work (SQLAlchemy's documented pysqlite recipe).

SQL parameters never reach logs or tracebacks (``hide_parameters``): they hold requesters' details.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session, create_engine

import storage.limits  # noqa: F401 - every session checks what the database can hold before flushing

T = TypeVar("T")

#: Seconds a statement may run, and a connection attempt may take, before the database counts as down.
DEFAULT_STATEMENT_TIMEOUT = 10.0
DEFAULT_CONNECT_TIMEOUT = 2.0

_unit: ContextVar[Session | None] = ContextVar("foi_bot_unit_of_work", default=None)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached; commands turn this into a 'try again' reply, never a traceback."""


def make_engine(url: str, *, statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT,
                connect_timeout: float = DEFAULT_CONNECT_TIMEOUT, sqlite_begin: str = "IMMEDIATE",
                **kwargs: Any) -> Engine:
    """An engine with bounded waits. ``sqlite_begin`` is how SQLite transactions start: ``IMMEDIATE`` takes
    the write lock at the first statement (no two writers act on the same read), ``DEFERRED`` is for
    engines that only read or only append."""
    parsed = make_url(url)
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"check_same_thread": False, "timeout": statement_timeout, **kwargs.pop("connect_args", {})}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        busy_ms = int(statement_timeout * 1000)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL survives a killed process (only power loss can cost the last
            # commits) and makes each commit cheap, which the acknowledgement path relies on.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
            mode = connection.get_execution_options().get("sqlite_begin", sqlite_begin)
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    connect_args = dict(kwargs.pop("connect_args", {}))
    if parsed.get_backend_name() == "postgresql":
        timeout_ms = int(statement_timeout * 1000)
        connect_args.setdefault("connect_timeout", max(2, int(round(connect_timeout))))
        connect_args.setdefault("keepalives", 1)
        connect_args.setdefault("keepalives_idle", 5)
        connect_args.setdefault("keepalives_interval", 2)
        connect_args.setdefault("keepalives_count", 2)
        # Unacknowledged data for this long drops the connection: a partition is noticed in seconds.
        connect_args.setdefault("tcp_user_timeout", timeout_ms)
        connect_args.setdefault("options", f"-c statement_timeout={timeout_ms} -c lock_timeout={timeout_ms} "
                                           f"-c idle_in_transaction_session_timeout={timeout_ms * 6}")
    kwargs.setdefault("pool_timeout", max(1.0, connect_timeout))
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _same_database(session: Session, engine: Engine) -> bool:
    bind = session.get_bind()
    return bind is engine or str(getattr(bind, "url", "")) == str(engine.url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error so nothing is half-written.

    Inside a running `unit_of_work` on the same database this is a SAVEPOINT in that unit's transaction:
    an error rolls back only this scope, and nothing is committed until the unit is.
    """
    outer = _unit.get()
    if outer is not None and _same_database(outer, engine):
        with outer.begin_nested():
            yield outer
        return
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """The transaction a job runs in: every `session_scope` on this engine joins it until it commits."""
    if _unit.get() is not None:
        raise RuntimeError("units of work do not nest")
    session = Session(engine, expire_on_commit=False)
    token = _unit.set(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _unit.reset(token)
        session.close()


def current_unit() -> Session | None:
    return _unit.get()


_LOCKED = re.compile(r"database is locked|database table is locked|could not serialize|deadlock detected", re.I)


def is_lock_conflict(exc: BaseException) -> bool:
    """A conflict that goes away if the whole unit of work is tried again (SQLite's busy lock, a PostgreSQL
    serialisation failure or deadlock)."""
    return isinstance(exc, OperationalError | DBAPIError) and bool(_LOCKED.search(str(getattr(exc, "orig", exc))))


def is_unavailable(exc: BaseException) -> bool:
    """The database is down, unreachable or timing out (as opposed to refusing this particular write)."""
    return isinstance(exc, OperationalError | PoolTimeout | DatabaseUnavailable) and not is_lock_conflict(exc)


def retry_on_lock(work: Callable[[], T], *, within: float = 30.0, sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``work`` (a whole unit of work) again while it loses a lock conflict, for at most ``within`` seconds.

    Safe only because ``work`` is one transaction that rolled back completely when it failed.
    """
    deadline = time.monotonic() + within
    delay = 0.01
    while True:
        try:
            return work()
        except (OperationalError, DBAPIError) as exc:
            if not is_lock_conflict(exc) or time.monotonic() + delay > deadline:
                raise
        sleep(delay)
        delay = min(delay * 2, 0.5)


def probe(engine: Engine, *, write: bool = True) -> None:
    """Raise unless the database answers (and, on SQLite with ``write``, its write lock can be taken):
    a file locked by another writer is as unusable for the bot as a server that is down."""
    with engine.connect() as connection:
        if is_sqlite(engine) and write:
            connection.exec_driver_sql("SELECT 1")
            connection.commit()  # ends the implicit BEGIN IMMEDIATE: the lock was obtainable
        else:
            connection.execute(text("SELECT 1"))
