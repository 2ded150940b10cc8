"""Tables of the analytics store: the read-only source the canned statistics queries count from.

Why a separate store from the case register: the figures come from force systems (a record-level crime
extract) and police.uk open data, are bulk-loaded and replaced wholesale, can be large, and must never be
written by a query. Keeping them in their own database (``DATA_URL``) means a query can be given a
read-only connection and a heavy import never locks the case register.

Engine choice, measured with ``tests/bench/bench_extract.py`` (1,000,000 synthetic extract rows, 2 CPUs)::

    CSV import into SQLite (parse, validate, insert, rebuild indexes)   166,000 rows/s (6.0 s)
    re-import of the same file (replacing the 1,000,000 rows)            151,000 rows/s
    outcome-by-offence, two years, group=indecent-images (~700 crimes)     SQLite 6.6 ms  DuckDB 3.2 ms
    outcome-by-offence, two years, group=theft (~120,000 crimes in range)  SQLite 236 ms  DuckDB 8.3 ms

DuckDB is faster at scanning (and loads a CSV in 0.3 s), but SQLite meets the goals (>= 100,000 rows/s,
< 1 s per query) with room to spare once the indexes match the queries, and it wins on everything else
that matters here: it ships with Python (no extra wheel on a locked-down force laptop), SQLAlchemy
supports it natively (DuckDB needs a third-party dialect), it has a real read-only open mode
(``mode=ro``) plus ``PRAGMA query_only``, a progress handler so a runaway query can be interrupted at
the time limit, and it is the same engine the case register already uses, so the team has one kind of
file to back up. PostgreSQL and DuckDB work too: point ``DATA_URL`` at them. ``tests/bench/bench_stats.py``
times the police.uk queries at 1 M and 10 M rows on all three; README.md says when to move.

Dates are stored as ISO ``YYYY-MM-DD`` (SQLAlchemy's SQLite ``Date`` representation), so string
comparison is date comparison and ``SUBSTR(CAST(d AS VARCHAR(10)), 1, 7)`` gives the month on SQLite,
PostgreSQL and DuckDB. police.uk months are kept as the ``YYYY-MM`` text the files use.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex

from commands.rules.stat_labels import HO_OUTCOME_LABELS

metadata = MetaData()

#: A record-level crime extract: one row per crime (its latest outcome), as force systems export it.
crime_records = Table(
    "crime_records",
    metadata,
    Column("crime_ref", String(64), nullable=False),
    Column("ho_offence_code", String(16)),
    Column("offence", String(200), nullable=False),
    Column("offence_group", String(64)),
    Column("recorded_date", Date),
    Column("outcome", Integer, CheckConstraint("outcome BETWEEN 1 AND 22", name="ck_crime_records_outcome")),
    Column("outcome_date", Date),
    Column("source", String(200), nullable=False),  # data_sources.name: re-importing a source replaces it
    Column("synthetic", Boolean, nullable=False, default=False),
)

# Chosen for the queries: offences-by-group and outcome-by-offence filter on a list of offences and an
# outcome-date range (and outcome), and count distinct crime references -> one covering index answers
# both without touching the table. outcome-usage filters on outcome and date across all offences.
CRIME_RECORD_INDEXES = (
    Index("ix_crime_records_offence_date", crime_records.c.offence, crime_records.c.outcome_date,
          crime_records.c.outcome, crime_records.c.crime_ref),
    Index("ix_crime_records_outcome_date", crime_records.c.outcome, crime_records.c.outcome_date,
          crime_records.c.crime_ref),
    Index("ix_crime_records_source", crime_records.c.source),
)

#: police.uk ``*-street.csv`` rows. Anti-social behaviour rows have no Crime ID, so crime_id is nullable.
policeuk_street = Table(
    "policeuk_street",
    metadata,
    Column("batch", String(120), nullable=False),  # file stem without -street: "2021-01-hertfordshire"
    Column("crime_id", String(80)),
    Column("month", String(7), nullable=False),
    Column("reported_by", String(120)),
    Column("falls_within", String(120)),
    Column("longitude", Float),
    Column("latitude", Float),
    Column("location", String(200)),
    Column("lsoa_code", String(12)),
    Column("lsoa_name", String(120)),
    Column("crime_type", String(80), nullable=False),
    Column("last_outcome_category", String(120)),
    Column("context", Text),
    Index("ix_policeuk_street_month_type", "month", "crime_type"),
    Index("ix_policeuk_street_crime_id", "crime_id", "crime_type"),
    Index("ix_policeuk_street_batch", "batch"),
)

#: police.uk ``*-outcomes.csv`` rows: outcome events, several per crime; ``month`` is the outcome's month.
policeuk_outcomes = Table(
    "policeuk_outcomes",
    metadata,
    Column("batch", String(120), nullable=False),
    Column("crime_id", String(80), nullable=False),
    Column("month", String(7), nullable=False),
    Column("reported_by", String(120)),
    Column("falls_within", String(120)),
    Column("longitude", Float),
    Column("latitude", Float),
    Column("location", String(200)),
    Column("lsoa_code", String(12)),
    Column("lsoa_name", String(120)),
    Column("outcome_type", String(120), nullable=False),
    Index("ix_policeuk_outcomes_type_month", "outcome_type", "month", "crime_id"),
    Index("ix_policeuk_outcomes_batch", "batch"),
)

#: police.uk ``*-stop-and-search.csv`` rows: one search of a person or vehicle. ``month`` is taken from
#: the search's date (``YYYY-MM``); blanks stay NULL ("Not recorded" in the queries).
policeuk_stop_search = Table(
    "policeuk_stop_search",
    metadata,
    Column("batch", String(120), nullable=False),
    Column("month", String(7), nullable=False),
    Column("searched_at", String(32), nullable=False),
    Column("search_type", String(60), nullable=False),
    Column("part_of_operation", Boolean),
    Column("operation", String(200)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("gender", String(40)),
    Column("age_range", String(40)),
    Column("self_defined_ethnicity", String(200)),
    Column("officer_defined_ethnicity", String(60)),
    Column("legislation", String(200)),
    Column("object_of_search", String(120)),
    Column("outcome", String(120)),
    Column("outcome_linked", Boolean),
    Column("outer_clothing_removed", Boolean),
    Index("ix_policeuk_stop_search_month", "month"),
    Index("ix_policeuk_stop_search_batch", "batch"),
)

#: One row per loaded file or extract, for the freshness line under every answer.
data_sources = Table(
    "data_sources",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("kind", String(20), nullable=False),  # "extract" or "policeuk" (what a query's dataset names)
    Column("description", String(300), nullable=False, default=""),
    Column("loaded_at", DateTime, nullable=False),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("rows", Integer, nullable=False),
    Column("synthetic", Boolean, nullable=False, default=False),
)

#: Home Office outcome types 1-22 with their commonly published labels, for readable outcome tables.
ho_outcome_types = Table(
    "ho_outcome_types",
    metadata,
    Column("outcome", Integer, primary_key=True, autoincrement=False),
    Column("label", String(200), nullable=False),
)



@compiles(CreateIndex, "duckdb")
def _no_index_on_duckdb(element: CreateIndex, compiler: object, **kw: object) -> str:
    """No secondary indexes on DuckDB: its column store answers these scans from min/max zone maps, while
    an ART index costs most of the load time (22,000 instead of 300,000 rows/s in tests/bench) and makes
    replacing a month's rows slower. The statement becomes a no-op so one schema serves every engine."""
    return "SELECT 1"


def create_record_indexes(conn: Connection) -> None:
    """The crime_records indexes (rebuilt after big extract loads); none on DuckDB (see above)."""
    if conn.dialect.name == "duckdb":
        return
    for index in CRIME_RECORD_INDEXES:
        index.create(conn, checkfirst=True)


def drop_record_indexes(conn: Connection) -> None:
    if conn.dialect.name == "duckdb":
        return
    for index in CRIME_RECORD_INDEXES:
        index.drop(conn, checkfirst=True)


def create_schema(bind: Engine | Connection) -> None:
    """Create missing tables and indexes and fill the outcome-type lookup. Safe to call on every import."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            create_schema(conn)
        return
    metadata.create_all(bind)
    create_record_indexes(bind)
    present = set(bind.execute(select(ho_outcome_types.c.outcome)).scalars())
    missing = [{"outcome": k, "label": v} for k, v in HO_OUTCOME_LABELS.items() if k not in present]
    if missing:
        bind.execute(insert(ho_outcome_types), missing)
