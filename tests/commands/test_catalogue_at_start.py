"""The canned-query catalogue is checked when the bot starts: a broken file is named and skipped."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.runtime import build_context


def test_a_broken_query_file_is_reported_by_name_and_the_bot_still_starts(clean_env: Path, monkeypatch: pytest.MonkeyPatch,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    queries = clean_env / "queries"
    queries.mkdir()
    (queries / "broken.toml").write_text('title = "Broken"\nsql = "DELETE FROM crime_records"\n')
    monkeypatch.setenv("FOI_QUERY_DIR", str(queries))
    with caplog.at_level(logging.WARNING):
        ctx = build_context(load_settings())
    assert any("broken.toml" in record.getMessage() for record in caplog.records)
    assert "outcome-by-offence" in ctx.extras["catalogue"]  # the good queries are still there
    assert "broken" not in ctx.extras["catalogue"]
    ctx.engine.dispose()
