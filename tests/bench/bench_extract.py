"""Benchmark: import a 1,000,000-row crime extract and run `outcome-by-offence` over two years.

Run with ``.venv/bin/python tests/bench/bench_extract.py [ROWS]``. Goals: import >= 100,000 rows/s through
the CSV importer (`foi-bot data import --format extract`), and `outcome-by-offence` over two years
in < 1 s on the embedded default (SQLite). DuckDB's time for the same SQL over the same rows is printed
beside it (``pip install duckdb``; skipped if absent) - the measurement behind the engine choice
documented in ``storage/analytics/schema.py``.

The rows are the synthetic demo generator scaled up (offences spread over 2015-2019), so the seed group
is a small slice and `theft` a large one; both are timed.
"""

from __future__ import annotations

import csv
import itertools
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from commands.rules.query_catalogue import load_catalogue, parse_params, query_dirs  # noqa: E402
from storage.analytics.demo import generate_demo_records  # noqa: E402
from storage.analytics.import_extract import import_extract  # noqa: E402
from storage.analytics.import_policeuk import import_policeuk  # noqa: E402
from storage.analytics.runner import build_statement, run_query  # noqa: E402
from storage.analytics.store import open_store  # noqa: E402

ROWS = 1_000_000
IMPORT_GOAL_ROWS_PER_S = 100_000
QUERY_GOAL_S = 1.0
REPEAT = 5
CASES = [
    ("outcome=21", "group=indecent-images"),
    ("outcome=18", "group=theft"),
]
PERIOD = ("from=2016-01-01", "to=2017-12-31")
POLICEUK_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "policeuk" / "hertfordshire"


def write_extract(path: Path, rows: int) -> None:
    scale = rows / 42_500 * 1.05  # the demo has ~42,500 other-offence rows at scale 1
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Crime Reference", "HO Offence Code", "Offence", "Offence Group", "Recorded Date",
                         "Outcome", "Outcome Date"])
        writer.writerows(itertools.islice(generate_demo_records(scale=scale), rows))


def best_of(fn, repeat: int = REPEAT) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(first run, median of the following runs) in seconds."""
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times[0], statistics.median(times[1:])


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    catalogue = load_catalogue(query_dirs())
    query = catalogue.get("outcome-by-offence")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "extract.csv"
        started = time.perf_counter()
        write_extract(csv_path, rows)
        print(f"generate {rows:,}-row extract CSV ({csv_path.stat().st_size / 1e6:.0f} MB): {time.perf_counter() - started:.1f} s")

        url = f"sqlite:///{Path(tmp) / 'analytics.sqlite3'}"
        writer = open_store(url, readonly=False)
        summary = import_extract(writer, csv_path, progress=False)
        writer.dispose()
        rate = summary.rows_per_second
        verdict = "ok" if rate >= IMPORT_GOAL_ROWS_PER_S else "SLOWER THAN GOAL"
        print(f"import into SQLite (parse, validate, insert, build indexes): {summary.rows:,} rows in "
              f"{summary.elapsed_s:.2f} s = {rate:,.0f} rows/s (goal >= {IMPORT_GOAL_ROWS_PER_S:,}): {verdict}")
        ok &= rate >= IMPORT_GOAL_ROWS_PER_S and not summary.malformed
        db_size = (Path(tmp) / "analytics.sqlite3").stat().st_size / 1e6
        print(f"SQLite file size: {db_size:.0f} MB")
        writer = open_store(url, readonly=False)
        again = import_extract(writer, csv_path, progress=False)
        writer.dispose()
        print(f"re-import of the same file (replaces the {again.files[0].replaced:,} rows loaded before): "
              f"{again.elapsed_s:.2f} s = {again.rows_per_second:,.0f} rows/s")

        if POLICEUK_DIR.is_dir():
            police_url = f"sqlite:///{Path(tmp) / 'policeuk.sqlite3'}"
            writer = open_store(police_url, readonly=False)
            first = import_policeuk(writer, POLICEUK_DIR, progress=False)
            again = import_policeuk(writer, POLICEUK_DIR, progress=False)
            writer.dispose()
            print(f"police.uk import ({len(first.files)} files, {first.rows:,} rows): {first.rows_per_second:,.0f} rows/s; "
                  f"re-import replacing them: {again.rows_per_second:,.0f} rows/s")

        engine = open_store(url)
        duck = _duckdb(csv_path)
        print(f"\noutcome-by-offence, outcome dates {PERIOD[0][5:]} to {PERIOD[1][3:]}:")
        print(f"{'parameters':40} {'rows':>5} {'SQLite first':>13} {'SQLite median':>14} {'DuckDB median':>14}")
        for words in CASES:
            params = parse_params(query, [*words, *PERIOD], today=date.today())

            def sqlite_run(params=params):  # type: ignore[no-untyped-def]
                return run_query(engine, query, params, timeout_s=30, row_limit=10_000)

            result = sqlite_run()
            first, median = best_of(sqlite_run)
            duck_text = "n/a"
            if duck is not None:
                sql, args = _positional(query, params)
                duck_rows = duck.execute(sql, args).fetchall()
                if [tuple(r) for r in duck_rows] != [tuple(r) for r in result.rows]:
                    print("MISMATCH between SQLite and DuckDB results", file=sys.stderr)
                    ok = False
                _first, duck_median = best_of(lambda sql=sql, args=args: duck.execute(sql, args).fetchall())
                duck_text = f"{duck_median * 1000:.1f} ms"
            verdict = "" if median < QUERY_GOAL_S else "  SLOWER THAN GOAL"
            ok &= median < QUERY_GOAL_S
            label = " ".join(words)
            print(f"{label:40} {result.row_count:>5} {first * 1000:>10.1f} ms {median * 1000:>11.1f} ms {duck_text:>14}{verdict}")
        engine.dispose()
        if duck is not None:
            duck.close()
    print(f"\ngoal < {QUERY_GOAL_S:.0f} s per query on SQLite and >= {IMPORT_GOAL_ROWS_PER_S:,} rows/s import: "
          + ("ok" if ok else "NOT MET"))
    return 0 if ok else 1


def _duckdb(csv_path: Path):  # type: ignore[no-untyped-def]
    try:
        import duckdb
    except ImportError:
        print("duckdb not installed: DuckDB column skipped")
        return None
    conn = duckdb.connect()
    started = time.perf_counter()
    conn.execute(
        "CREATE TABLE crime_records AS SELECT * FROM read_csv(?, header = true, columns = {"
        "'crime_ref': 'VARCHAR', 'ho_offence_code': 'VARCHAR', 'offence': 'VARCHAR', 'offence_group': 'VARCHAR', "
        "'recorded_date': 'DATE', 'outcome': 'INTEGER', 'outcome_date': 'DATE'})",
        [str(csv_path)],
    )
    count = conn.execute("SELECT COUNT(*) FROM crime_records").fetchone()[0]
    print(f"DuckDB load of the same CSV (read_csv, in memory, for comparison): {count:,} rows in "
          f"{time.perf_counter() - started:.2f} s")
    return conn


def _positional(query, params):  # type: ignore[no-untyped-def]
    """The query's SQL with ``?`` placeholders and its values in order (expanding lists rendered)."""
    from sqlalchemy.dialects import sqlite

    compiled = build_statement(query).compile(dialect=sqlite.dialect())
    expanded = compiled.construct_expanded_state(query.bind_values(params))
    return expanded.statement, list(expanded.positional_parameters)


if __name__ == "__main__":
    sys.exit(main())
