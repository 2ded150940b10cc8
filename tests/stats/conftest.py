"""Fixtures for the statistics tests: a demo store and a police.uk store built once per session, the
built-in catalogue, and settings isolated from the developer's environment (DATA_URL/DATABASE_URL in
tmp_path, never the real per-user data directory)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from commands.rules.query_catalogue import Catalogue, load_catalogue, parse_params, query_dirs
from commands.rules.result_table import QueryResult
from storage.analytics.demo import load_demo
from storage.analytics.import_policeuk import import_policeuk
from storage.analytics.loading import ImportSummary
from storage.analytics.runner import run_query
from storage.analytics.store import open_store

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
POLICEUK_DIR = SHARED / "data" / "policeuk" / "hertfordshire"
SEED_TABLE = SHARED / "data" / "seed" / "004_c169afbff6e176f3.txt"
STOP_SEARCH_DIR = Path(__file__).resolve().parent / "data" / "stop-and-search"


@pytest.fixture(autouse=True)
def _isolated(clean_env: Path) -> Path:
    """Every statistics test runs with DATA_URL and DATABASE_URL pointing into its own tmp_path."""
    return clean_env


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    loaded = load_catalogue(query_dirs())
    assert loaded.problems == []
    return loaded


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'analytics.sqlite3'}"
    engine = open_store(url, readonly=False)
    load_demo(engine, progress=False)
    engine.dispose()
    return url


@pytest.fixture
def demo_engine(demo_url: str) -> Iterator[Engine]:
    engine = open_store(demo_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def policeuk_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ImportSummary]:
    if not POLICEUK_DIR.is_dir():
        pytest.skip(f"shared police.uk data not available at {POLICEUK_DIR}")
    url = f"sqlite:///{tmp_path_factory.mktemp('policeuk') / 'analytics.sqlite3'}"
    engine = open_store(url, readonly=False)
    summary = import_policeuk(engine, POLICEUK_DIR, progress=False)
    engine.dispose()
    return url, summary


@pytest.fixture
def policeuk_engine(policeuk_import: tuple[str, ImportSummary]) -> Iterator[Engine]:
    engine = open_store(policeuk_import[0])
    yield engine
    engine.dispose()


def run(
    engine: Engine, catalogue: Catalogue, name: str, *words: str, timeout_s: float = 30, row_limit: int = 100_000
) -> QueryResult:
    """Parse ``words`` for query ``name`` and run it, as the CLI and Slack do."""
    query = catalogue.get(name)
    return run_query(engine, query, parse_params(query, list(words), today=date(2026, 11, 21)), timeout_s=timeout_s, row_limit=row_limit)


@pytest.fixture(params=["sqlite", "postgres", "duckdb"])
def analytics_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty analytics store on each engine: SQLite always, PostgreSQL when TEST_DATABASE_URL is set,
    DuckDB when duckdb-engine is installed (the test extra installs it)."""
    if request.param == "postgres":
        from tests.conftest import reset_postgres

        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL server to test against")
        reset_postgres(url)
        return url
    if request.param == "duckdb":
        pytest.importorskip("duckdb_engine", reason="duckdb-engine is not installed: pip install 'foi-bot[duckdb]'")
        return f"duckdb:///{tmp_path / 'analytics.duckdb'}"
    return f"sqlite:///{tmp_path / 'analytics.sqlite3'}"
