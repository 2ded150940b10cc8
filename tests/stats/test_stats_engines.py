"""The same canned query SQL on SQLite, PostgreSQL and DuckDB gives the same figures, warnings and titles.

Every analytics query is run on the real Hertfordshire police.uk files, the stop-and-search test files
and the demo extract, loaded into each engine by the same importers; SQLite is the reference (its figures
are checked against independent counts elsewhere). Row order is compared through the cross-tab (ordered
by totals, the same everywhere); long-form rows are compared as sets because engines collate text
differently (PostgreSQL's locale ignores punctuation that SQLite sorts by).
"""

from __future__ import annotations

import warnings

import pytest
from sqlalchemy.engine import Engine

from commands.rules.query_catalogue import Catalogue
from commands.rules.result_table import QueryResult, grid_of, is_number
from storage.analytics.demo import load_demo
from storage.analytics.import_policeuk import import_policeuk
from storage.analytics.store import open_store
from tests.stats.conftest import POLICEUK_DIR, STOP_SEARCH_DIR, run

CASES = [
    ("crime-type-by-month", "from=2021-01", "to=2021-03", "include_asb=yes"),
    ("crime-type-by-month", "from=2021-02", "to=2021-06", "crime_type=burglary"),
    ("outcome-by-crime-type", "outcome=unable-to-prosecute", "from=2021-01", "to=2021-03"),
    ("outcome-by-crime-type", "outcome=penalty-notice-issued", "from=2021-01", "to=2021-03"),
    ("outcomes-by-crime-type", "from=2021-01", "to=2021-03"),
    ("crimes-by-area", "from=2021-01", "to=2021-03"),
    ("crimes-by-area", "place=stevenage", "from=2021-01", "to=2021-03"),
    ("crimes-in-area", "place=welwyn hatfield", "from=2021-01", "to=2021-03", "include_asb=yes"),
    ("time-to-outcome", "from=2021-01", "to=2021-03"),
    ("stop-search", "by=ethnicity", "from=2021-01", "to=2021-03"),
    ("stop-search-outcomes", "by=age", "from=2021-01", "to=2021-02"),
    ("offences-by-group", "from=2016-01-01", "to=2018-01-31"),
    ("outcome-by-offence", "outcome=21", "from=2016-01-01", "to=2018-01-31"),
    ("outcome-usage", "outcome=21", "from=2016-01-01", "to=2020-06-30"),
    ("outcome-summary", "from=2016-01-01", "to=2018-01-31"),
]


def load(url: str) -> None:
    writer = open_store(url, readonly=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duckdb-engine: "doesn't yet support reflection on indices"
        for folder in (POLICEUK_DIR, STOP_SEARCH_DIR):
            summary = import_policeuk(writer, folder, progress=False)
            assert not summary.malformed and not summary.failed
        load_demo(writer, progress=False)
    writer.dispose()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> dict[tuple[str, ...], QueryResult]:
    if not POLICEUK_DIR.is_dir():
        pytest.skip(f"shared police.uk data not available at {POLICEUK_DIR}")
    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'analytics.sqlite3'}"
    load(url)
    engine = open_store(url)
    results = {case: run(engine, catalogue, *case) for case in CASES}
    engine.dispose()
    return results


@pytest.fixture
def loaded(analytics_url: str, reference: dict[tuple[str, ...], QueryResult]) -> Engine:
    load(analytics_url)
    engine = open_store(analytics_url)
    yield engine  # type: ignore[misc]
    engine.dispose()


def comparable(value: object) -> object:
    """Numbers as floats: PostgreSQL's numeric 0.0 arrives as 0, SQLite's as 0.0 - the same figure."""
    return round(float(value), 6) if is_number(value) else value  # type: ignore[arg-type]


def test_every_query_gives_the_same_answer_on_each_engine(
    loaded: Engine, catalogue: Catalogue, reference: dict[tuple[str, ...], QueryResult]
) -> None:
    for case in CASES:
        want = reference[case]
        got = run(loaded, catalogue, *case)
        assert want.rows or case[1] == "outcome=penalty-notice-issued", case  # the reference has figures
        assert sorted(map(repr, (tuple(map(comparable, r)) for r in got.rows))) == sorted(
            map(repr, (tuple(map(comparable, r)) for r in want.rows))), case
        assert got.totals == want.totals, case
        assert got.title == want.title and got.warnings == want.warnings, case
        if want.pivot is not None and want.rows:
            got_grid, want_grid = grid_of(got), grid_of(want)
            assert got_grid.header == want_grid.header and got_grid.totals == want_grid.totals, case
            assert got_grid.body == want_grid.body and got_grid.apart == want_grid.apart, case
