"""Benchmark: the police.uk canned queries at 1 M and 10 M crime rows on SQLite, PostgreSQL and DuckDB.

Run by hand (never part of the test run)::

    .venv/bin/python tests/bench/bench_stats.py                 # 1,000,000 and 10,000,000 rows
    .venv/bin/python tests/bench/bench_stats.py 200000          # other sizes
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_h14 .venv/bin/python ...

``BENCH_ENGINES=sqlite,postgresql,duckdb`` chooses the engines (default all three). PostgreSQL is
measured when ``BENCH_DATABASE_URL`` (or ``TEST_DATABASE_URL``) names a database whose
public schema may be dropped; DuckDB when duckdb-engine is installed (the ``bench`` extra). Each engine is
loaded through the importers' own bulk path (``storage.analytics.store.bulk_insert``) with the same
synthetic police.uk street rows (120 months, 40 areas of 60 LSOAs, police.uk's crime types and their
shares), then each query is run through ``run_query`` - the bot's read-only runner - once to warm up
and three times more; the median is printed. The engines' answers are compared: a mismatch is printed
and the exit status is 1.

The table printed is the one in README.md ("when to move to DuckDB or PostgreSQL").
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import create_engine, text  # noqa: E402

from commands.rules.query_catalogue import load_catalogue, parse_params, query_dirs  # noqa: E402
from storage.analytics.runner import run_query  # noqa: E402
from storage.analytics.schema import create_schema, policeuk_street  # noqa: E402
from storage.analytics.store import bulk_insert, open_store, record_source  # noqa: E402

SIZES = (1_000_000, 10_000_000)
CHUNK = 50_000
REPEAT = 3
MONTHS = [f"{y}-{m:02d}" for y in range(2012, 2022) for m in range(1, 13)]
CRIME_TYPES = {  # police.uk's crime types with roughly their national shares
    "Violence and sexual offences": 30, "Anti-social behaviour": 22, "Criminal damage and arson": 8,
    "Other theft": 8, "Vehicle crime": 7, "Shoplifting": 6, "Public order": 6, "Burglary": 5, "Drugs": 3,
    "Other crime": 2, "Bicycle theft": 1, "Theft from the person": 1, "Possession of weapons": 1, "Robbery": 1,
}
AREAS = ["Stevenage", "Welwyn Hatfield", "St Albans", "Dacorum", "Watford", "Hertsmere", "Broxbourne",
         "Three Rivers", "East Hertfordshire", "North Hertfordshire", *[f"District {i:02d}" for i in range(30)]]
QUERIES = [
    ("crime-type-by-month", ("from=2021-01", "to=2021-12")),
    ("crime-type-by-month", ("from=2012-01", "to=2021-12", "include_asb=yes")),
    ("crimes-by-area", ("from=2021-01", "to=2021-12")),
    ("crimes-in-area", ("place=stevenage", "from=2019-01", "to=2021-12")),
]
COLUMNS = ["batch", "crime_id", "month", "reported_by", "falls_within", "longitude", "latitude", "location",
           "lsoa_code", "lsoa_name", "crime_type", "last_outcome_category", "context"]


def street_rows(count: int, seed: int = 14) -> Iterator[list[tuple[object, ...]]]:
    """``count`` synthetic street rows in chunks, the same for every engine."""
    rng = random.Random(seed)
    types, weights = list(CRIME_TYPES), list(CRIME_TYPES.values())
    lsoas = [(f"E0{i:07d}", f"{area} {n:03d}{'ABCDE'[n % 5]}") for i, (area, n) in
             enumerate((a, n) for a in AREAS for n in range(1, 61))]
    made = 0
    while made < count:
        size = min(CHUNK, count - made)
        chunk = []
        for i in range(size):
            month = MONTHS[rng.randrange(len(MONTHS))]
            crime_type = rng.choices(types, weights)[0]
            code, name = lsoas[rng.randrange(len(lsoas))]
            crime_id = None if crime_type == "Anti-social behaviour" else f"{made + i:064x}"
            chunk.append((f"{month}-benchshire", crime_id, month, "Benchshire Police", "Benchshire Police",
                          -0.2, 51.8, "On or near High Street", code, name, crime_type,
                          None if crime_id is None else "Under investigation", None))
        made += size
        yield chunk


def engines(tmp: Path) -> dict[str, str]:
    """The engines to measure; ``BENCH_ENGINES=sqlite,duckdb`` picks some."""
    chosen = {e.strip().lower() for e in os.environ.get("BENCH_ENGINES", "sqlite,postgresql,duckdb").split(",")}
    urls = {"SQLite": f"sqlite:///{tmp / 'bench.sqlite3'}"}
    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if pg:
        urls["PostgreSQL"] = pg
    try:
        import duckdb_engine  # noqa: F401

        urls["DuckDB"] = f"duckdb:///{tmp / 'bench.duckdb'}"
    except ImportError:
        print("duckdb-engine not installed: DuckDB column skipped")
    return {name: url for name, url in urls.items() if name.lower() in chosen}


def reset(url: str, tmp: Path) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        for name in ("bench.sqlite3", "bench.duckdb", "bench.duckdb.wal"):
            (tmp / name).unlink(missing_ok=True)


def load(url: str, rows: int) -> float:
    writer = open_store(url, readonly=False)
    create_schema(writer)
    elapsed = 0.0
    for chunk in street_rows(rows):  # only the inserts are timed, not making the rows
        started = time.perf_counter()
        with writer.begin() as conn:
            bulk_insert(conn, policeuk_street.name, COLUMNS, chunk)
        elapsed += time.perf_counter() - started
    with writer.begin() as conn:
        for month in MONTHS:
            record_source(conn, name=f"policeuk:{month}-benchshire-street", kind="policeuk", description="bench",
                          rows=0, period_start=f"{month}-01", period_end=f"{month}-28", synthetic=True)
        if writer.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
    writer.dispose()
    return elapsed


def median_time(fn: Callable[[], object]) -> tuple[float, object]:
    result = fn()
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    warnings.simplefilter("ignore")
    sizes = [int(a.replace("_", "")) for a in sys.argv[1:]] or list(SIZES)
    catalogue = load_catalogue(query_dirs())
    ok = True
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        urls = engines(tmp)
        header = f"| rows | what | {' | '.join(urls)} |"
        lines += [header, "|" + "---|" * (len(urls) + 2)]
        for rows in sizes:
            timings: dict[str, dict[str, float]] = {}
            answers: dict[str, dict[str, object]] = {}
            for engine_name, url in urls.items():
                reset(url, tmp)
                print(f"loading {rows:,} rows into {engine_name} ...", file=sys.stderr, flush=True)
                timings[engine_name] = {"load": load(url, rows)}
                answers[engine_name] = {}
                engine = open_store(url)
                for query_name, words in QUERIES:
                    query = catalogue.get(query_name)
                    params = parse_params(query, list(words), today=date(2022, 1, 1))
                    label = f"{query_name} {' '.join(words)}"
                    seconds, result = median_time(
                        lambda q=query, p=params, e=engine: run_query(e, q, p, timeout_s=600, row_limit=100_000))
                    timings[engine_name][label] = seconds
                    answers[engine_name][label] = sorted(map(repr, result.rows))  # type: ignore[attr-defined]
                engine.dispose()
                reset(url, tmp)
            first = next(iter(answers))
            for engine_name in answers:
                for label, answer in answers[engine_name].items():
                    if answer != answers[first][label]:
                        print(f"MISMATCH: {engine_name} and {first} differ on {label}", file=sys.stderr)
                        ok = False
            for label in timings[first]:
                what = f"load ({rows / 1e6:g} M rows, rows/s)" if label == "load" else f"`{label}`"
                cells = []
                for engine_name in urls:
                    seconds = timings[engine_name][label]
                    cells.append(f"{seconds:.1f} s ({rows / seconds:,.0f}/s)" if label == "load"
                                 else f"{seconds * 1000:,.0f} ms")
                lines.append(f"| {rows / 1e6:g} M | {what} | {' | '.join(cells)} |")
            print("\n".join(lines), file=sys.stderr, flush=True)  # progress: the table so far
    print("\n".join(lines))
    print("same answers on every engine" if ok else "ANSWERS DIFFER between engines")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
