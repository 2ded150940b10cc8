"""What leaves the building: the spreadsheet, the JSON warnings, small-number protection on request, and
charts chosen to suit the data - through the CLI and the pure functions that decide them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.charts import TOP_BARS, alt_text, chart_png, plan_chart
from bot.cli import main
from bot.workbook import workbook_bytes
from commands.rules.query_catalogue import PivotSpec
from commands.rules.result_table import QueryResult, disclose, grid_of, render_table, to_csv, to_json
from commands.rules.small_numbers import DisclosureRule, recoverable
from tests.stats.conftest import POLICEUK_DIR

PNG = b"\x89PNG\r\n\x1a\n"
RULE = DisclosureRule(threshold=4, wording="fewer than 5")
MONTHS = ("2021-01", "2021-02", "2021-03")


def crosstab(counts: dict[tuple[str, str], int], *, apart: tuple[str, ...] = ()) -> QueryResult:
    rows = tuple((c, m, n) for (c, m), n in sorted(counts.items()))
    return QueryResult(
        name="crime-type-by-month", title="Crimes by type and month, Testshire, January–March 2021",
        columns=("Crime type", "Month", "Crimes"), keys=("crime_type", "month", "crimes"), rows=rows,
        totals=("Total", None, sum(n for (c, _m), n in counts.items() if c not in apart)), row_count=len(rows),
        pivot=PivotSpec(rows="crime_type", columns="month", values="crimes", apart=apart,
                        apart_label="ASB (not crimes)", total_label="Total crimes"),
        time_keys=("month",), params_words=("Period: January–March 2021",),
        attribution="Source: police.uk open data. Contains public sector information licensed under the Open Government Licence v3.0.",
    )


def flat(n: int) -> QueryResult:
    rows = tuple((f"category {i:02d}", (i * 7) % 50 + 1) for i in range(n))
    return QueryResult(name="x", title="Crimes by offence", columns=("Offence", "Total"), keys=("offence", "total"),
                       rows=rows, totals=("Total", sum(r[1] for r in rows)), row_count=n)


# --- charts -----------------------------------------------------------------------------------------


def test_time_dimension_draws_lines_and_few_categories_share_one_chart() -> None:
    result = crosstab({(c, m): 10 + i for i, c in enumerate(("Burglary", "Drugs")) for m in MONTHS})
    plan = plan_chart(result)
    assert plan.kind == "line" and plan.x_labels == ("Jan 2021", "Feb 2021", "Mar 2021")
    assert [s.name for s in plan.series] == ["Drugs", "Burglary"]
    assert chart_png(result).startswith(PNG)


def test_many_categories_over_time_become_small_multiples_with_all_other() -> None:
    counts = {(f"type {i:02d}", m): 100 - i for i in range(20) for m in MONTHS}
    plan = plan_chart(crosstab(counts))
    assert plan.kind == "small-multiples" and plan.total_categories == 20
    names = [s.name for s in plan.series]
    assert names[:3] == ["type 00", "type 01", "type 02"] and names[-1] == "All other (9 categories)"
    other = plan.series[-1]
    assert other.grouped and other.values[0] == sum(100 - i for i in range(11, 20))
    assert any("the other 9 added up as 'All other'" in line for line in plan.footer)


def test_bars_are_sorted_and_the_largest_is_never_dropped() -> None:
    result = flat(42)
    plan = plan_chart(result)
    assert plan.kind == "bar" and len(plan.series) == TOP_BARS + 1
    values = [s.values[0] for s in plan.series if not s.grouped]
    assert values == sorted(values, reverse=True)
    largest = max(r[1] for r in result.rows)
    assert values[0] == largest
    shown = sum(s.values[0] or 0 for s in plan.series)
    assert shown == result.totals[1]  # type: ignore[index]  # nothing cut: the rest is in "All other"
    assert plan.series[-1].name == f"All other ({42 - TOP_BARS} categories)"
    assert chart_png(result).startswith(PNG)


def test_asb_is_not_drawn_among_crimes_and_attribution_is_on_the_chart() -> None:
    counts = {("Burglary", m): 5 for m in MONTHS} | {("Anti-social behaviour", m): 50 for m in MONTHS}
    plan = plan_chart(crosstab(counts, apart=("Anti-social behaviour",)))
    assert [s.name for s in plan.series] == ["Burglary"]
    assert any("not drawn: ASB (not crimes)" in line for line in plan.footer)
    assert any("Open Government Licence" in line for line in plan.footer)


def test_coverage_warnings_are_on_the_chart() -> None:
    result = crosstab({("Burglary", m): 5 for m in MONTHS})
    from dataclasses import replace

    sentence = "The police.uk street-level crime data loaded covers 2021-01 to 2021-03; April to June 2021 are not included."
    plan = plan_chart(replace(result, notices=(sentence,)))
    assert plan.footer[0] == sentence


def test_alt_text_describes_the_chart() -> None:
    counts = {("Burglary", "2021-01"): 5, ("Burglary", "2021-02"): 9, ("Burglary", "2021-03"): 7}
    text = alt_text(plan_chart(crosstab(counts)))
    assert text == ("Line chart: Crimes by type and month, Testshire, January–March 2021. Crimes for 1 category over "
                    "3 points from Jan 2021 to Mar 2021. Largest: Burglary (highest 9 in Feb 2021).")
    bars = alt_text(plan_chart(flat(3)))
    assert bars.startswith("Horizontal bar chart: Crimes by offence. Total for 3 categories, largest first: category 02: 15;")


def test_protected_figures_are_not_drawn() -> None:
    result = disclose(flat(3), RULE)
    plan = plan_chart(result)
    hidden = [s for s in plan.series if s.shown[0] == "fewer than 5"]
    assert hidden and all(s.values[0] is None for s in hidden)


# --- small numbers ------------------------------------------------------------------------------------


def test_disclose_protects_a_crosstab_and_nothing_can_be_worked_out() -> None:
    counts = {("Burglary", "2021-01"): 3, ("Burglary", "2021-02"): 40, ("Burglary", "2021-03"): 41,
              ("Drugs", "2021-01"): 20, ("Drugs", "2021-02"): 2, ("Drugs", "2021-03"): 30}
    result = disclose(crosstab(counts), RULE)
    grid = grid_of(result)
    assert result.protected and RULE.sentence in result.warnings
    cells = [row[1:-1] for row in grid.body]
    assert sum(v == "fewer than 5" for row in cells for v in row) >= 2
    assert "3" not in to_csv(result).decode("utf-8-sig").split("\r\n")[1].split(",")
    payload = json.loads(to_json(result))
    assert all(r["crimes"] != 3 and r["crimes"] != 2 for r in payload["rows"])
    assert payload["protected_figures"] > 0
    from commands.rules.small_numbers import ProtectedTable

    table = ProtectedTable(cells=[list(r) for r in cells], row_totals=[r[-1] for r in grid.body],
                           column_totals=list(grid.totals[1:-1]), grand_total=grid.totals[-1])  # type: ignore[index]
    assert recoverable(table, RULE) == []


def test_a_hidden_grand_total_stays_hidden_in_the_json() -> None:
    result = disclose(crosstab({("Burglary", "2021-01"): 2, ("Burglary", "2021-02"): 1}), RULE)
    grid = grid_of(result)
    assert grid.totals is not None and grid.totals[-1] == "fewer than 5"
    assert json.loads(to_json(result))["totals"]["crimes"] == "fewer than 5"


def test_nothing_small_means_nothing_hidden() -> None:
    result = disclose(crosstab({("Burglary", m): 50 for m in MONTHS}), RULE)
    assert not result.protected and RULE.sentence not in result.warnings


# --- spreadsheet -------------------------------------------------------------------------------------


def test_workbook_has_title_table_totals_warnings_and_an_about_sheet() -> None:
    counts = {("Burglary", m): 10 for m in MONTHS} | {("Drugs", m): 1000 for m in MONTHS}
    result = crosstab(counts)
    book = load_workbook(io.BytesIO(workbook_bytes(result)))
    assert book.sheetnames == ["Table", "About"]
    sheet = book["Table"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Crimes by type and month, Testshire, January–March 2021"
    header = next(i for i, row in enumerate(values) if row[0] == "Crime type")
    assert list(values[header][:5]) == ["Crime type", "Jan 2021", "Feb 2021", "Mar 2021", "Total"]
    assert list(values[header + 1][:5]) == ["Drugs", 1000, 1000, 1000, 3000]
    assert list(values[header + 3][:5]) == ["Total crimes", 1010, 1010, 1010, 3030]
    assert sheet.cell(header + 2, 2).number_format == "#,##0"
    flat_text = [str(v) for row in values for v in row if v is not None]
    assert any("Open Government Licence" in v for v in flat_text)
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Query"] == "crime-type-by-month" and about["In words"] == "Period: January–March 2021"


def test_cli_xlsx_and_json_warnings_on_police_uk_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not POLICEUK_DIR.is_dir():
        pytest.skip(f"shared police.uk data not available at {POLICEUK_DIR}")
    assert main(["data", "import", "--format", "policeuk", str(POLICEUK_DIR)]) == 0
    capsys.readouterr()
    out = tmp_path / "types.xlsx"
    assert main(["stats", "run", "crime-type-by-month", "from=2021-01", "to=2021-06", "--format", "xlsx",
                 "--out", str(out), "--chart", str(tmp_path / "types.png")]) == 0
    captured = capsys.readouterr()
    assert "spreadsheet saved to" in captured.err and captured.out == ""
    sheet = load_workbook(out)["Table"]
    texts = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "Crimes by type and month, Hertfordshire, January–June 2021" in texts
    assert any("April to June 2021 are not included" in t for t in texts)
    street = [r for p in sorted(POLICEUK_DIR.glob("*-street.csv")) for r in csv.DictReader(p.open(encoding="utf-8"))]
    crimes = sum(1 for r in street if r["Crime type"] != "Anti-social behaviour")
    total_row = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Total crimes")
    assert total_row[-1] == crimes
    assert (tmp_path / "types.png").read_bytes().startswith(PNG)
    assert "Small multiples" in (tmp_path / "types.txt").read_text(encoding="utf-8")
    assert main(["stats", "run", "outcome-by-crime-type", "outcome=penalty-notice-issued", "from=2021-01",
                 "to=2021-04", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["warnings"]) == 2
    assert "April 2021 is not included" in payload["warnings"][0]
    assert "Offender given penalty notice" in payload["warnings"][1]
    assert payload["attribution"].startswith("Source: police.uk")


def test_cli_disclose_yes_uses_the_profile_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "demo"]) == 0
    capsys.readouterr()
    words = ["outcome-by-offence", "outcome=21", "from=2016-01-01", "to=2018-01-31"]
    assert main(["stats", "run", *words]) == 0
    plain = capsys.readouterr().out
    assert re.search(r"Child-Taking Indecent Photo +1\n", plain)
    assert main(["stats", "run", *words, "disclose=yes", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    shown = {r["offence"]: r["total"] for r in payload["rows"]}
    assert shown["Child-Taking Indecent Photo"] == "fewer than 5" and shown["Child-Distribute Indecent Photo"] == 139
    assert any("section 40(2)" in w for w in payload["warnings"]) and payload["disclosed"] is True
    assert main(["stats", "run", *words, "disclose=maybe"]) == 2


def test_render_table_of_a_protected_flat_table_keeps_figures_aligned() -> None:
    text = render_table(disclose(flat(3), RULE))
    assert "fewer than 5" in text and RULE.sentence in text
