"""The analytics store on each backend: SQLite always, PostgreSQL when TEST_DATABASE_URL is set, DuckDB
when duckdb-engine is installed.

The same query files must give the same figures on each, writes must be refused and the time limit
enforced by each backend's own mechanism (SQLite progress handler, PostgreSQL statement_timeout, DuckDB
interrupt).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from commands.rules.query_catalogue import Catalogue, parse_query
from storage.analytics.demo import load_demo
from storage.analytics.runner import readonly_connection, run_query
from storage.analytics.store import open_store
from tests.stats.conftest import run

SLOW = parse_query(
    {
        "title": "Slow",
        "source": "analytics",
        "sql": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) SELECT COUNT(*) AS n FROM c",
        "params": {"n": {"type": "integer", "min": 1}},
    },
    default_name="slow",
)


@pytest.fixture
def store(analytics_url: str) -> Engine:
    writer = open_store(analytics_url, readonly=False)
    load_demo(writer, progress=False)
    writer.dispose()
    engine = open_store(analytics_url)
    yield engine  # type: ignore[misc]
    engine.dispose()


def test_seed_tables_on_each_backend(store: Engine, catalogue: Catalogue) -> None:
    period = ("from=2016-01-01", "to=2018-01-31")
    assert run(store, catalogue, "offences-by-group", *period).totals == ("Total", 685)
    assert run(store, catalogue, "outcome-by-offence", "outcome=21", *period).totals == ("Total", 149)
    assert run(store, catalogue, "outcome-by-offence", "outcome=10", *period).rows == (("Child-Distribute Indecent Photo", 9),)
    usage = run(store, catalogue, "outcome-usage", "outcome=21", *period)
    assert usage.rows[0][0] == "2016-01" and len(usage.rows) == 25
    summary = run(store, catalogue, "outcome-summary", *period)
    assert summary.rows[0][:2] == (1, "Charged/Summonsed")


def test_writes_refused_on_each_backend(store: Engine) -> None:
    with readonly_connection(store, timeout_s=5) as conn, pytest.raises(DBAPIError):
        conn.execute(text("DELETE FROM crime_records"))


def test_timeout_on_each_backend(store: Engine) -> None:
    result = run_query(store, SLOW, {"n": 10**9}, timeout_s=0.2, row_limit=10)
    assert result.timed_out and result.rows == ()
    assert run_query(store, SLOW, {"n": 100}, timeout_s=5, row_limit=10).rows == ((100,),)
