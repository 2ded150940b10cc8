"""Opening the analytics store, read-only for queries and tuned for bulk loads for imports.

Queries get a connection that cannot write (SQLite ``mode=ro`` plus ``PRAGMA query_only``; PostgreSQL
read-only transactions in the runner), so a canned query file cannot damage the data however it is
written. Importers get a connection whose transactions really cover DDL as well as DML (pysqlite would
otherwise commit silently before ``DROP INDEX``), and whose pragmas trade crash durability for speed:
the store is derived data that is re-imported from the source files, so a crash costs a re-run, never
records.
"""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import column, create_engine, delete, event, insert, table
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import NullPool

from storage.analytics.schema import data_sources


class StoreNotFound(RuntimeError):
    """The analytics store does not exist yet; the message says how to create it."""


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser()


def open_store(url: str, *, readonly: bool = True) -> Engine:
    """An engine on the store at ``url`` (``DATA_URL`` or ``DATABASE_URL``).

    ``readonly=True`` is for running queries: a SQLite file is opened with ``mode=ro`` and
    ``query_only`` (and must exist: :class:`StoreNotFound` otherwise). ``readonly=False`` is for imports:
    the file and its directory are created, transactions are explicit and bulk-load pragmas are set.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "duckdb":
        return _duckdb_engine(url, parsed.database, readonly=readonly)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    path = sqlite_path(url)
    if readonly:
        if path is None:
            return create_engine("sqlite://")  # in-memory: nothing to protect, nothing to read either
        if not path.exists():
            raise StoreNotFound(
                f"no statistics data at {path}; load some with `foi-bot data import` or `foi-bot data demo`"
            )
        uri = path.resolve().as_uri() + "?mode=ro"
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30),
            poolclass=NullPool,
        )

        @event.listens_for(engine, "connect")
        def _readonly(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.execute("PRAGMA query_only=ON")

        return engine
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60}, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _bulk(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below) so DDL is transactional
        for pragma in ("synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY", "busy_timeout=60000"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _duckdb_engine(url: str, database: str | None, *, readonly: bool) -> Engine:
    """DuckDB (duckdb-engine): one writer process or many readers, so connections are not pooled - a
    query holds the file only while it runs, and ``foi-bot data import`` can load between queries."""
    try:
        import duckdb_engine  # noqa: F401
    except ImportError:  # pragma: no cover - the duckdb extra is not installed
        raise StoreNotFound("DATA_URL is a DuckDB URL but duckdb-engine is not installed: "
                            "pip install 'foi-bot[duckdb]'") from None
    # create_all asks for index reflection, which duckdb-engine does not offer; the indexes come with
    # their tables, so the warning says nothing the store needs to act on
    warnings.filterwarnings("ignore", message="duckdb-engine doesn't yet support reflection on indices")
    path = Path(database).expanduser() if database and database != ":memory:" else None
    if readonly:
        if path is None:
            return create_engine(url, poolclass=NullPool)
        if not path.exists():
            raise StoreNotFound(
                f"no statistics data at {path}; load some with `foi-bot data import` or `foi-bot data demo`"
            )
        return create_engine(url, connect_args={"read_only": True}, poolclass=NullPool)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, poolclass=NullPool)


def bulk_insert(conn: Connection, table_name: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) with one DBAPI ``executemany``.

    Going straight to the driver skips SQLAlchemy's per-row dict handling, which is most of the cost at
    a million rows; values are already in storage form (ISO date strings, ints, bools).
    """
    if not rows:
        return
    if conn.dialect.name == "duckdb":
        _duckdb_bulk_insert(conn, table_name, columns, rows)
        return
    if conn.dialect.name == "postgresql" and hasattr(conn.connection.driver_connection, "cursor"):
        with conn.connection.driver_connection.cursor() as cursor:  # psycopg 3: COPY, ~10x executemany
            with cursor.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    style = conn.dialect.paramstyle
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric_dollar": "?"}.get(style)
    if mark is None:  # pragma: no cover - drivers we don't ship
        tbl = table(table_name, *(column(c) for c in columns))
        conn.execute(insert(tbl), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    sql = f"INSERT INTO {table_name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(sql, list(rows))  # type: ignore[arg-type]


def _duckdb_bulk_insert(conn: Connection, table_name: str, columns: Sequence[str],
                        rows: Sequence[Sequence[object]]) -> None:
    """DuckDB inserts parameter rows one at a time (~600 rows/s through executemany), but reads CSV at
    hundreds of thousands of rows a second: so the chunk goes through a temporary CSV file and
    ``read_csv``, every field read as text and cast by the INSERT to the column's type. Empty text is
    NULL, which is how the importers store blanks anyway."""
    import csv
    import os
    import tempfile

    fd, name = tempfile.mkstemp(prefix="foi-bot-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
        spec = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(columns)))
        conn.exec_driver_sql(
            f"INSERT INTO {table_name} ({', '.join(columns)}) SELECT * FROM read_csv(?, header = false, "
            f"quote = '\"', escape = '\"', columns = {{{spec}}})",
            (name,),
        )
    finally:
        os.unlink(name)


def record_source(
    conn: Connection,
    *,
    name: str,
    kind: str,
    description: str,
    rows: int,
    period_start: date | str | None,
    period_end: date | str | None,
    synthetic: bool,
) -> None:
    """Replace the ``data_sources`` row for ``name`` (what the freshness line under each answer reads)."""
    conn.execute(delete(data_sources).where(data_sources.c.name == name))
    conn.execute(
        insert(data_sources).values(
            name=name,
            kind=kind,
            description=description,
            loaded_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
            period_start=_as_date(period_start),
            period_end=_as_date(period_end),
            rows=rows,
            synthetic=synthetic,
        )
    )


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
