"""Renderers: aligned plain-text table, CSV bytes, JSON, PNG chart."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bot.charts import bar_chart_png
from commands.rules.result_table import QueryResult, format_cell, render_table, table_lines, to_csv, to_json

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def sample(**changes: object) -> QueryResult:
    fields: dict[str, object] = {
        "name": "outcome-by-offence",
        "title": "Crimes by offence - Outcome 10",
        "columns": ("Offence", "Total"),
        "keys": ("offence", "total"),
        "rows": (("Child-Distribute Indecent Photo", 9), ("Child-Show Indecent Photo", 120)),
        "totals": ("Total", 129),
        "params_shown": (("outcome", "10"), ("from", "2016-01-01"), ("to", "2018-01-31")),
        "row_count": 2,
        "elapsed_s": 0.0123,
        "freshness": "Data: crime extract covering 2016-01-01 to 2018-01-31, 10 rows, loaded 2024-01-01 09:00 UTC.",
        "caveat": "Un-audited snapshot.",
        "note": "By outcome date.",
        "row_limit": 100,
        "timeout_s": 30.0,
    }
    fields.update(changes)
    return QueryResult(**fields)  # type: ignore[arg-type]


def test_table_aligns_text_left_and_numbers_right() -> None:
    assert table_lines(("Offence", "Total"), [("a", 9), ("longer name", 120)], ("Total", 129)) == [
        "Offence      Total",
        "-----------  -----",
        "a                9",
        "longer name    120",
        "-----------  -----",
        "Total          129",
    ]


def test_render_table_has_title_params_table_and_provenance() -> None:
    text = render_table(sample())
    lines = text.splitlines()
    assert lines[:3] == ["Crimes by offence - Outcome 10", "outcome=10  from=2016-01-01  to=2018-01-31", "By outcome date."]
    assert "Child-Distribute Indecent Photo      9" in text
    assert lines[-3:] == [
        "Data: crime extract covering 2016-01-01 to 2018-01-31, 10 rows, loaded 2024-01-01 09:00 UTC.",
        "Un-audited snapshot.",
        "2 rows in 0.01 s",
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"rows": (), "totals": None, "row_count": 0}, "(no rows: nothing matched)"),
        ({"rows": (), "totals": None, "row_count": 0, "timed_out": True},
         "The query was stopped after 30 s (the time limit) and returned no figures"),
        ({"truncated": True, "totals": None}, "Only the first 100 rows are shown (the row limit); totals are omitted"),
        ({"synthetic": True}, "SYNTHETIC DATA - demonstration figures, not real crime records. Do not disclose."),
    ],
)
def test_render_table_states_limits_and_synthetic_data(changes: dict[str, object], expected: str) -> None:
    assert expected in render_table(sample(**changes))


def test_csv_bytes() -> None:
    data = to_csv(sample())
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == (
        "Offence,Total\r\nChild-Distribute Indecent Photo,9\r\nChild-Show Indecent Photo,120\r\nTotal,129\r\n"
    )


def test_json() -> None:
    payload = json.loads(to_json(sample(rows=(("a", Decimal("2.50")), ("b", 3)), totals=None)))
    assert payload["columns"] == [{"name": "offence", "title": "Offence"}, {"name": "total", "title": "Total"}]
    assert payload["rows"] == [{"offence": "a", "total": 2.5}, {"offence": "b", "total": 3}]
    assert payload["params"] == {"outcome": "10", "from": "2016-01-01", "to": "2018-01-31"}
    assert payload["totals"] is None and payload["synthetic"] is False and payload["row_count"] == 2


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (3, "3"), (2.0, "2"), (12.345, "12.3"), (Decimal("7.00"), "7"), (True, "yes"), ("x", "x")],
)
def test_format_cell(value: object, text: str) -> None:
    assert format_cell(value) == text


def test_chart_png() -> None:
    png = bar_chart_png(sample())
    assert png.startswith(PNG_MAGIC) and len(png) > 2000
    assert bar_chart_png(sample(synthetic=True)).startswith(PNG_MAGIC)
    assert bar_chart_png(sample(rows=(), totals=None, row_count=0)).startswith(PNG_MAGIC)
    many = tuple((f"row {i}", i) for i in range(100))
    assert bar_chart_png(sample(rows=many, totals=None, row_count=100)).startswith(PNG_MAGIC)


def test_chart_needs_a_number() -> None:
    with pytest.raises(ValueError, match="no numeric column"):
        bar_chart_png(sample(rows=(("a", "b"),), totals=None))
    with pytest.raises(ValueError, match="no column 'nope'"):
        bar_chart_png(sample(), value_column="nope")
