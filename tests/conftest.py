"""Shared fixtures: a fresh database per test (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
settings isolated from the developer's environment, and the command context."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.config import Settings, load_settings
from bot.runtime import build_context
from commands.base import CommandContext, Invocation, Reply
from commands.registry import dispatch
from tests.support.slack_standin import SlackStandIn

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ISOLATED_PREFIXES = ("SLACK_", "FOI_", "DATABASE_URL", "DATA_URL")


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available at {path}")
    return path


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL server to test against")
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'foi.sqlite3'}"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting leaks in from the developer's shell or a .env file."""
    for name in list(os.environ):
        if name.startswith(ISOLATED_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'foi.sqlite3'}")
    monkeypatch.setenv("DATA_URL", f"sqlite:///{tmp_path / 'analytics.sqlite3'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path


@pytest.fixture
def settings(clean_env: Path) -> Settings:
    return load_settings()


@pytest.fixture
def ctx(settings: Settings) -> Iterator[CommandContext]:
    context = build_context(settings)
    yield context
    context.engine.dispose()


def run(ctx: CommandContext, text: str, *, user: str = "U_ALICE", now: datetime | None = None, **kwargs) -> Reply:  # type: ignore[no-untyped-def]
    invocation = Invocation(user=user, text=text, now=now or datetime.now(timezone.utc), **kwargs)
    return dispatch(ctx, invocation)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    """The local stand-in for Slack's Web API, on a free loopback port."""
    server = SlackStandIn().start()
    yield server
    server.stop()
