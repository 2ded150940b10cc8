"""Running a canned query: bound parameters only, on a connection that cannot write, within limits.

The query text comes from a reviewed file and user input arrives only as bound values; still, the runner
re-checks the SQL and opens the connection read-only (SQLite ``query_only``, PostgreSQL
``SET TRANSACTION READ ONLY``), because a statistics command must never be able to change the records it
reports on. A time limit (SQLite progress handler, PostgreSQL ``statement_timeout``) and a row limit
keep one careless request from tying up the bot; hitting either is reported in the result, never
silently.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Date, Integer, String, bindparam, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.types import TypeEngine

from commands.rules.query_catalogue import CannedQuery, check_sql
from commands.rules.result_table import QueryResult, is_number
from commands.rules.stat_labels import POLICEUK_ATTRIBUTION
from storage.analytics.coverage import category_notices, coverage_notices, policeuk_area
from storage.analytics.schema import data_sources

__all__ = ["QueryResult", "QueryRunError", "build_statement", "readonly_connection", "run_query"]

#: SQLite VM instructions between checks of the clock (small enough to stop within milliseconds).
_PROGRESS_STEPS = 2_000

#: Which command loads the data a missing table would have held.
_TABLE_HINTS = {
    "crime_records": "no crime extract loaded yet: run `foi-bot data import --format extract FILE` or `foi-bot data demo`",
    "policeuk_street": "no police.uk data loaded yet: run `foi-bot data import --format policeuk DIR`",
    "policeuk_outcomes": "no police.uk data loaded yet: run `foi-bot data import --format policeuk DIR`",
    "policeuk_stop_search": "no police.uk stop and search data loaded yet: run `foi-bot data import --format policeuk "
                            "DIR` on a folder holding *-stop-and-search.csv files",
    "ho_outcome_types": "the statistics store is not initialised: run `foi-bot data import` or `foi-bot data demo`",
    "cases": "the case register has no cases table: run `foi-bot db upgrade`",
    "case_exemptions": "the case register has no case_exemptions table: run `foi-bot db upgrade`",
}


class QueryRunError(RuntimeError):
    """The query could not run (missing data, bad SQL); the message is one line for the user."""


class _TimedOut(Exception):
    pass


@contextmanager
def readonly_connection(engine: Engine, *, timeout_s: float | None = None) -> Iterator[Connection]:
    """A connection on which writes fail and statements stop after ``timeout_s`` seconds.

    SQLite: ``PRAGMA query_only=ON`` (restored afterwards, so a shared read-write engine is left as it
    was) and a progress handler that interrupts once the deadline passes. PostgreSQL: a read-only
    transaction with ``SET LOCAL statement_timeout``. DuckDB: the file is opened read-only by the engine
    and a timer interrupts the statement. The transaction is always rolled back.
    """
    with engine.connect() as conn:
        dialect = conn.dialect.name
        if dialect == "sqlite":
            raw = conn.connection.driver_connection
            previous = raw.execute("PRAGMA query_only").fetchone()[0]
            raw.execute("PRAGMA query_only=ON")
            if timeout_s is not None:
                deadline = time.monotonic() + timeout_s
                raw.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, _PROGRESS_STEPS)
            try:
                yield conn
            finally:
                raw.set_progress_handler(None, 0)
                if conn.in_transaction():
                    conn.rollback()
                raw.execute(f"PRAGMA query_only={'ON' if previous else 'OFF'}")
            return
        if dialect == "duckdb":
            # The engine opened the file read_only (store.open_store); DuckDB has no statement timeout,
            # so a timer interrupts the connection at the deadline.
            raw = conn.connection.driver_connection
            timer = threading.Timer(timeout_s, raw.interrupt) if timeout_s is not None else None
            if timer is not None:
                timer.daemon = True
                timer.start()
            try:
                yield conn
            finally:
                if timer is not None:
                    timer.cancel()
                if conn.in_transaction():
                    conn.rollback()
            return
        if dialect == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            if timeout_s is not None:
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {max(1, int(timeout_s * 1000))}")
        try:
            yield conn
        finally:
            if conn.in_transaction():
                conn.rollback()


def build_statement(query: CannedQuery) -> TextClause:
    """The query's SQL with a typed bind for each parameter (expanding for lists and list choices)."""
    binds = []
    for p in query.params:
        binds.append(bindparam(p.name, type_=_bind_type(p.type, p.choices), expanding=p.expanding))
    return text(query.sql).bindparams(*binds)


def run_query(
    engine: Engine,
    query: CannedQuery,
    params: Mapping[str, object],
    *,
    timeout_s: float,
    row_limit: int,
) -> QueryResult:
    """Run ``query`` with ``params`` (typed values from ``parse_params``) and return the figures.

    Stops at ``row_limit`` rows (``truncated``, totals omitted) or after ``timeout_s`` seconds
    (``timed_out``, no rows). Raises :class:`QueryRunError` when the data it needs is not there or the
    SQL fails, with a message saying what to do.
    """
    check_sql(query.sql, [p.name for p in query.params])
    statement = build_statement(query)
    binds = query.bind_values(params)
    shown = query.shown_params(params)
    declared = {c.name: c for c in query.columns}
    started = time.perf_counter()
    timed_out = truncated = False
    keys: list[str] = [c.name for c in query.columns]
    rows: list[tuple[object, ...]] = []
    try:
        with readonly_connection(engine, timeout_s=None) as conn:
            freshness, synthetic = _freshness(conn, query)
            area = policeuk_area(conn) if query.dataset == "policeuk" else ""
            notices = [*coverage_notices(conn, query, params), *category_notices(conn, query, binds)]
    except DBAPIError as exc:  # unreachable server, not a database file, ...
        raise QueryRunError(_explain(query, exc)) from None
    try:
        with readonly_connection(engine, timeout_s=timeout_s) as conn:
            started = time.perf_counter()
            try:
                result = conn.execute(statement, binds)
                keys = list(result.keys())
                fetched = result.fetchmany(row_limit + 1)
                result.close()
            except DBAPIError as exc:
                if _is_timeout(exc):
                    raise _TimedOut from None
                raise QueryRunError(_explain(query, exc)) from None
    except _TimedOut:
        timed_out = True
    except DBAPIError as exc:  # connecting or preparing the connection failed
        raise QueryRunError(_explain(query, exc)) from None
    else:
        truncated = len(fetched) > row_limit
        rows = [tuple(_plain(v) for v in row) for row in fetched[:row_limit]]
    elapsed = time.perf_counter() - started
    missing = [name for name in declared if name not in keys]
    if missing and not timed_out:
        raise QueryRunError(
            f"query {query.name}: column(s) {', '.join(missing)} declared in the file but the SQL returns {', '.join(keys)}"
        )
    row_title = query.row_title(params)
    totals = None
    flags = [declared[k].totals if k in declared else False for k in keys]
    if rows and any(flags) and not truncated:
        sums: list[object] = []
        # rows a cross-tab keeps apart (anti-social behaviour) are never added into the totals
        apart_at = keys.index(query.pivot.rows) if query.pivot and query.pivot.apart and query.pivot.rows in keys else None
        counted = [row for row in rows if apart_at is None or row[apart_at] not in query.pivot.apart]  # type: ignore[union-attr]
        for i, flag in enumerate(flags):
            values = [row[i] for row in counted if is_number(row[i])]
            sums.append(_plain(sum(values)) if flag else None)  # type: ignore[arg-type]
        if not flags[0]:
            sums[0] = "Total"
        totals = tuple(sums)
    return QueryResult(
        name=query.name,
        title=query.display_title(params, area=area),
        title_without_period=query.display_title(params, area=area, with_period=False),
        columns=tuple((row_title if query.pivot and k == query.pivot.rows and row_title else declared[k].title)
                      if k in declared else k for k in keys),
        keys=tuple(keys),
        rows=tuple(rows),
        totals=totals,
        params_shown=shown,
        row_count=len(rows),
        elapsed_s=elapsed,
        truncated=truncated,
        timed_out=timed_out,
        row_limit=row_limit,
        timeout_s=timeout_s,
        freshness=freshness,
        synthetic=synthetic,
        caveat=query.caveat,
        note=query.note,
        description=query.description,
        pivot=query.pivot,
        time_keys=tuple(c.name for c in query.columns if c.time),
        value_labels=tuple((c.name, c.labels) for c in query.columns if c.labels),
        params_words=query.params_in_words(params),
        attribution=POLICEUK_ATTRIBUTION if query.dataset == "policeuk" else "",
        notices=tuple(notices),
    )


def _bind_type(kind: str, choices: Mapping[str, object] | None) -> TypeEngine[object]:
    if kind == "date":
        return Date()
    if kind == "integer":
        return Integer()
    if choices:
        values = [v for c in choices.values() for v in (c if isinstance(c, list) else [c])]
        if values and all(isinstance(v, int) for v in values):
            return Integer()
    return String()


def _freshness(conn: Connection, query: CannedQuery) -> tuple[str, bool]:
    """The 'Data: ...' line under an answer and whether any of the data is synthetic."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if query.source == "cases":
        return f"Data: the live case register as at {now}.", False
    if not inspect(conn).has_table(data_sources.name):
        return "Data: nothing has been loaded into the statistics store yet.", False
    c = data_sources.c
    stmt = select(
        func.min(c.period_start), func.max(c.period_end), func.max(c.loaded_at), func.sum(c.rows),
        func.count(), func.max(c.synthetic.cast(Integer)),
    )
    if query.dataset:
        stmt = stmt.where(c.kind == query.dataset)
    start, end, loaded, rows, files, synthetic = conn.execute(stmt).one()
    if not files:
        what = {"extract": "crime extract", "policeuk": "police.uk data"}.get(query.dataset or "", "data")
        return f"Data: no {what} loaded yet.", False
    synthetic = bool(synthetic)
    loaded_text = loaded.strftime("%Y-%m-%d %H:%M UTC") if isinstance(loaded, datetime) else str(loaded)
    label = {"policeuk": "police.uk open data", "extract": "crime extract"}.get(query.dataset or "", "statistics store")
    if synthetic:
        label = f"SYNTHETIC demo {label} (not real records)"
    if query.dataset == "policeuk":
        what = f"{label} (Open Government Licence v3.0), {_month(start)} to {_month(end)}, {files} file(s)"
    else:
        what = f"{label} covering {_day(start)} to {_day(end)}"
    return f"Data: {what}, {int(rows or 0):,} rows, loaded {loaded_text}.", synthetic


def _day(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _month(value: object) -> str:
    return _day(value)[:7]


def _plain(value: object) -> object:
    """Database numbers as plain Python numbers (PostgreSQL returns Decimal for averages and sums)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _is_timeout(exc: DBAPIError) -> bool:
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "57014":  # PostgreSQL query_canceled (statement_timeout)
        return True
    if type(orig).__name__ == "InterruptException":  # DuckDB, interrupted by the timer
        return True
    return isinstance(exc, OperationalError) and "interrupted" in str(orig).lower()


def _explain(query: CannedQuery, exc: DBAPIError) -> str:
    message = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    lowered = message.lower()
    for table, hint in _TABLE_HINTS.items():
        if (f"no such table: {table}" in lowered or f'relation "{table}" does not exist' in lowered
                or f"table with name {table} does not exist" in lowered):
            return hint
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return f"query {query.name} tried to write, which statistics queries may not do"
    return f"query {query.name} failed in the database: {message}"
