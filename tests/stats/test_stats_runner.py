"""The runner: read-only connections, bound values only, row limit, timeout, clear failures."""

from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from commands.rules.query_catalogue import CannedQuery, Catalogue, QueryFileError, parse_params, parse_query
from storage.analytics.runner import QueryRunError, readonly_connection, run_query
from storage.analytics.schema import create_schema, crime_records
from storage.analytics.store import StoreNotFound, open_store
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

TODAY = date(2026, 11, 21)


def test_readonly_store_refuses_writes(demo_engine: Engine) -> None:
    with readonly_connection(demo_engine) as conn, pytest.raises(OperationalError, match="readonly|read-only|query_only"):
        conn.execute(text("DELETE FROM crime_records"))
    with demo_engine.connect() as conn, pytest.raises(OperationalError):
        conn.execute(text("INSERT INTO ho_outcome_types (outcome, label) VALUES (99, 'x')"))


def test_readonly_connection_on_a_writable_engine_refuses_writes_then_restores(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'rw.sqlite3'}")
    create_schema(engine)
    with readonly_connection(engine, timeout_s=5) as conn:
        with pytest.raises(OperationalError, match="readonly|read-only|query_only"):
            conn.execute(text("INSERT INTO ho_outcome_types (outcome, label) VALUES (99, 'x')"))
    with engine.begin() as conn:  # the pooled connection is writable again for its owner
        conn.execute(text("INSERT INTO ho_outcome_types (outcome, label) VALUES (99, 'x')"))
        assert conn.exec_driver_sql("PRAGMA query_only").scalar() == 0
    engine.dispose()


def test_runner_revalidates_sql_it_is_handed(demo_engine: Engine) -> None:
    sneaky = CannedQuery(name="sneaky", title="x", description="", source="analytics",
                         sql="DELETE FROM crime_records", params=())
    with pytest.raises(QueryFileError, match="not DELETE"):
        run_query(demo_engine, sneaky, {}, timeout_s=5, row_limit=10)


def test_user_text_only_ever_reaches_sql_as_a_bound_value(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    writable = open_store(url, readonly=False)
    create_schema(writable)
    writable.dispose()
    hostile = "x'); DROP TABLE crime_records; --"
    query = parse_query(
        {"title": "t", "source": "analytics", "sql": "SELECT COUNT(*) AS n FROM crime_records WHERE offence IN :o",
         "params": {"o": {"type": "choice", "choices": {"evil": [hostile]}}}},
        default_name="t",
    )
    engine = open_store(url)
    result = run_query(engine, query, parse_params(query, ["o=evil"], today=TODAY), timeout_s=5, row_limit=10)
    assert result.rows == ((0,),)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(crime_records)).scalar_one() == 0
    engine.dispose()


def test_row_limit_truncates_and_says_so(demo_engine: Engine, catalogue: Catalogue) -> None:
    result = run(demo_engine, catalogue, "outcome-usage", "outcome=21", "from=2016-01-01", "to=2018-01-31", row_limit=5)
    assert result.truncated and result.row_count == 5 and len(result.rows) == 5
    assert result.totals is None
    assert any("Only the first 5 rows are shown (the row limit)" in w for w in result.warnings)
    exact = run(demo_engine, catalogue, "outcome-usage", "outcome=21", "from=2016-01-01", "to=2018-01-31", row_limit=25)
    assert not exact.truncated and exact.row_count == 25 and exact.totals is not None


def test_timeout_stops_the_query_and_says_so(demo_engine: Engine) -> None:
    started = time.perf_counter()
    result = run_query(demo_engine, SLOW, {"n": 10**12}, timeout_s=0.2, row_limit=10)
    assert time.perf_counter() - started < 5
    assert result.timed_out and result.rows == () and result.totals is None
    assert any("stopped after 0.2 s (the time limit)" in w for w in result.warnings)
    quick = run_query(demo_engine, SLOW, {"n": 1000}, timeout_s=5, row_limit=10)
    assert quick.rows == ((1000,),) and not quick.timed_out


def test_missing_store_and_missing_tables_are_explained(tmp_path: Path, catalogue: Catalogue) -> None:
    with pytest.raises(StoreNotFound, match="foi-bot data import"):
        open_store(f"sqlite:///{tmp_path / 'nothing.sqlite3'}")
    sqlite3.connect(tmp_path / "empty.sqlite3").close()
    engine = open_store(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    query = catalogue.get("offences-by-group")
    with pytest.raises(QueryRunError, match="no crime extract loaded yet: run `foi-bot data import --format extract"):
        run_query(engine, query, parse_params(query, ["from=2016-01-01", "to=2016-12-31"], today=TODAY), timeout_s=5, row_limit=10)
    query = catalogue.get("caseload")
    with pytest.raises(QueryRunError, match="case register has no cases table"):
        run_query(engine, query, parse_params(query, [], today=TODAY), timeout_s=5, row_limit=10)
    engine.dispose()


def test_declared_column_missing_from_sql_is_reported(demo_engine: Engine) -> None:
    query = parse_query(
        {"title": "t", "source": "analytics", "sql": "SELECT 1 AS one", "columns": [{"name": "two"}]}, default_name="t"
    )
    with pytest.raises(QueryRunError, match="column\\(s\\) two declared in the file but the SQL returns one"):
        run_query(demo_engine, query, {}, timeout_s=5, row_limit=10)


def test_result_carries_params_freshness_caveat_and_timing(demo_engine: Engine, catalogue: Catalogue) -> None:
    result = run(demo_engine, catalogue, "outcome-by-offence", "outcome=21", "from=2016-01-01", "to=2018-01-31")
    assert result.params_shown == (("outcome", "21"), ("group", "indecent-images"), ("from", "2016-01-01"), ("to", "2018-01-31"))
    assert result.freshness.startswith("Data: SYNTHETIC demo crime extract (not real records) covering ")
    assert result.caveat.startswith("The numerical data presented in this response is an un-audited snapshot")
    assert result.note.startswith("The following crime details relate to reported crimes")
    assert 0 <= result.elapsed_s < 5 and result.row_count == 5


def test_empty_store_freshness(tmp_path: Path, catalogue: Catalogue) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    writable = open_store(url, readonly=False)
    create_schema(writable)
    writable.dispose()
    engine = open_store(url)
    result = run(engine, catalogue, "offences-by-group", "from=2016-01-01", "to=2016-12-31")
    assert result.rows == () and result.totals is None
    assert result.freshness == "Data: no crime extract loaded yet."
    engine.dispose()
