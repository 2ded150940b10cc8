"""police.uk import and queries, checked against a plain-Python count of the shared Hertfordshire CSVs."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from commands.rules.query_catalogue import Catalogue
from commands.rules.result_table import grid_of, render_table
from storage.analytics.import_policeuk import import_policeuk
from storage.analytics.loading import ImportSummary
from storage.analytics.schema import policeuk_outcomes, policeuk_street
from storage.analytics.store import open_store
from tests.stats.conftest import POLICEUK_DIR, run

UNKNOWN = "Unknown (reported before the loaded street data)"
ASB = "Anti-social behaviour"


def read_rows(kind: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(POLICEUK_DIR.glob(f"*-{kind}.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


def expected_crime_type_by_month(start: str, end: str) -> list[tuple[str, str, int]]:
    counts = Counter((r["Crime type"], r["Month"]) for r in read_rows("street") if start <= r["Month"] <= end)
    return sorted((ctype, month, n) for (ctype, month), n in counts.items())


def expected_outcome_by_crime_type(outcome: str, start: str, end: str) -> list[tuple[str, int]]:
    types = {r["Crime ID"]: r["Crime type"] for r in read_rows("street") if r["Crime ID"]}
    crimes = {r["Crime ID"] for r in read_rows("outcomes") if r["Outcome type"] == outcome and start <= r["Month"] <= end}
    counts = Counter(types.get(crime, UNKNOWN) for crime in crimes)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def table_counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        street = conn.execute(select(func.count()).select_from(policeuk_street)).scalar_one()
        outcomes = conn.execute(select(func.count()).select_from(policeuk_outcomes)).scalar_one()
    return street, outcomes


def test_import_summary_matches_the_files(policeuk_import: tuple[str, ImportSummary]) -> None:
    _url, summary = policeuk_import
    assert summary.malformed == [] and summary.failed == [] and summary.ignored == []
    assert summary.months == ["2021-01", "2021-02", "2021-03"]
    for result in summary.files:
        with (POLICEUK_DIR / result.file).open(encoding="utf-8", newline="") as fh:
            assert result.rows == sum(1 for _ in csv.DictReader(fh)), result.file
    assert summary.rows == len(read_rows("street")) + len(read_rows("outcomes"))
    assert "2021-01-hertfordshire-street.csv: 6,914 street rows" in summary.lines()


def test_asb_rows_without_crime_id_are_loaded(policeuk_engine: Engine) -> None:
    asb = sum(1 for r in read_rows("street") if r["Crime type"] == "Anti-social behaviour" and not r["Crime ID"])
    assert asb > 0
    with policeuk_engine.connect() as conn:
        loaded = conn.execute(
            select(func.count()).where(policeuk_street.c.crime_id.is_(None), policeuk_street.c.crime_type == "Anti-social behaviour")
        ).scalar_one()
    assert loaded == asb


@pytest.mark.parametrize(("start", "end"), [("2021-01", "2021-03"), ("2021-02", "2021-02"), ("2021-02", "2021-03")])
def test_crime_type_by_month_counts_crimes_and_leaves_asb_out(
    policeuk_engine: Engine, catalogue: Catalogue, start: str, end: str
) -> None:
    result = run(policeuk_engine, catalogue, "crime-type-by-month", f"from={start}", f"to={end}")
    expected = [r for r in expected_crime_type_by_month(start, end) if r[0] != ASB]
    assert list(result.rows) == expected
    assert result.totals == ("Total", None, sum(n for *_k, n in expected))


def test_include_asb_shows_it_apart_and_never_in_the_crime_total(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "crime-type-by-month", "from=2021-01", "to=2021-03", "include_asb=yes")
    everything = expected_crime_type_by_month("2021-01", "2021-03")
    assert list(result.rows) == everything
    crimes = sum(n for t, _m, n in everything if t != ASB)
    asb = sum(n for t, _m, n in everything if t == ASB)
    assert asb > 1000 and result.totals == ("Total", None, crimes)
    grid = grid_of(result)
    assert grid.header == ("Crime type", "Jan 2021", "Feb 2021", "Mar 2021", "Total")
    assert grid.totals is not None and grid.totals[0] == "Total crimes" and grid.totals[-1] == crimes
    [apart] = grid.apart
    assert apart[0].startswith("Anti-social behaviour incidents (not crimes") and apart[-1] == asb
    assert all(row[0] != ASB for row in grid.body)
    text = render_table(result)
    assert text.index("Total crimes") < text.index("Anti-social behaviour incidents")


def test_crime_type_by_month_is_a_pivot_with_row_and_column_totals(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "crime-type-by-month", "from=2021-01", "to=2021-03")
    counts = Counter((r["Crime type"], r["Month"]) for r in read_rows("street") if r["Crime type"] != ASB)
    grid = grid_of(result)
    assert grid.is_pivot
    by_label = {row[0]: row for row in grid.body}
    for crime_type in {t for t, _m in counts}:
        row = by_label[crime_type]
        assert row[1:4] == tuple(counts[(crime_type, m)] for m in ("2021-01", "2021-02", "2021-03"))
        assert row[4] == sum(row[1:4])
    totals = [sum(n for (_t, m), n in counts.items() if m == month) for month in ("2021-01", "2021-02", "2021-03")]
    assert grid.totals == ("Total crimes", *totals, sum(totals))
    body_totals = [row[4] for row in grid.body]
    assert body_totals == sorted(body_totals, reverse=True)  # largest crime type first


def test_crime_type_filter(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "crime-type-by-month", "from=2021-01", "to=2021-03", "crime_type=anti-social-behaviour")
    assert list(result.rows) == [r for r in expected_crime_type_by_month("2021-01", "2021-03") if r[0] == ASB]
    burglary = run(policeuk_engine, catalogue, "crime-type-by-month", "from=2021-01", "to=2021-03", "crime_type=burglary")
    assert list(burglary.rows) == [r for r in expected_crime_type_by_month("2021-01", "2021-03") if r[0] == "Burglary"]


OUTCOME_WORDS = {
    "further-investigation-not-in-public-interest": "Further investigation is not in the public interest",
    "unable-to-prosecute": "Unable to prosecute suspect",
    "charged": "Suspect charged",
    "local-resolution": "Local resolution",
    "formal-action-not-in-public-interest": "Formal action is not in the public interest",
    "drugs-possession-warning": "Offender given a drugs possession warning",
}


@pytest.mark.parametrize("word", sorted(OUTCOME_WORDS))
@pytest.mark.parametrize(("start", "end"), [("2021-01", "2021-03"), ("2021-03", "2021-03")])
def test_outcome_by_crime_type_counts_distinct_crimes_by_outcome_month(
    policeuk_engine: Engine, catalogue: Catalogue, word: str, start: str, end: str
) -> None:
    result = run(policeuk_engine, catalogue, "outcome-by-crime-type", f"outcome={word}", f"from={start}", f"to={end}")
    expected = expected_outcome_by_crime_type(OUTCOME_WORDS[word], start, end)
    assert list(result.rows) == expected
    if expected:
        assert result.totals == ("Total", sum(n for _t, n in expected))


def test_several_outcome_rows_per_crime_are_counted_once(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    rows = [r for r in read_rows("outcomes") if r["Outcome type"] == "Unable to prosecute suspect"]
    assert len(rows) > len({r["Crime ID"] for r in rows})  # the quirk is present in the data
    result = run(policeuk_engine, catalogue, "outcome-by-crime-type", "outcome=unable-to-prosecute", "from=2021-01", "to=2021-03")
    assert result.totals[1] == len({r["Crime ID"] for r in rows})  # type: ignore[index]


def test_freshness_names_police_uk_and_the_months(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "crime-type-by-month", "from=2021-01", "to=2021-03")
    assert result.freshness.startswith("Data: police.uk open data (Open Government Licence v3.0), 2021-01 to 2021-03, 6 file(s)")
    assert not result.synthetic


def test_reimport_is_idempotent(tmp_path: Path) -> None:
    if not POLICEUK_DIR.is_dir():
        pytest.skip(f"shared police.uk data not available at {POLICEUK_DIR}")
    engine = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}", readonly=False)
    first = import_policeuk(engine, POLICEUK_DIR, progress=False)
    counts = table_counts(engine)
    second = import_policeuk(engine, POLICEUK_DIR, progress=False)
    assert table_counts(engine) == counts == (len(read_rows("street")), len(read_rows("outcomes")))
    assert [f.rows for f in second.files] == [f.rows for f in first.files]
    assert [f.replaced for f in second.files] == [f.rows for f in first.files]
    engine.dispose()


# --- small files: malformed rows, replacement by month --------------------------------------------

STREET_HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n"
OUTCOME_HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n"
FORCE = "Hertfordshire Constabulary,Hertfordshire Constabulary"


def street_row(crime_id: str, month: str, crime_type: str, lon: str = "-0.2", outcome: str = "Under investigation") -> str:
    return f"{crime_id},{month},{FORCE},{lon},51.8,On or near High Street,E01000001,Watford 001A,{crime_type},{outcome},\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_rows_are_counted_and_reported_with_line_numbers(tmp_path: Path) -> None:
    data = tmp_path / "in"
    write(
        data / "2021-01-testshire-street.csv",
        STREET_HEADER
        + street_row("a1", "2021-01", "Burglary")  # line 2 fine
        + street_row("", "2021-01", "Anti-social behaviour", outcome="")  # line 3 fine: ASB has no ID
        + street_row("", "2021-01", "Burglary")  # line 4: crime without ID
        + "a2,2021-01,too,few\n"  # line 5: wrong field count
        + street_row("a3", "21-01", "Drugs")  # line 6: bad month
        + street_row("a4", "2021-01", "Drugs", lon="west")  # line 7: bad longitude
        + street_row("a5", "2021-01", "")  # line 8: no crime type
        + 'a6,2021-01,"Hertfordshire\nConstabulary",x,,,No location,,,Robbery,,\n'  # lines 9-10: fine, quoted newline
        + street_row("a7", "2021-01", "Robbery")  # line 11 fine
        + street_row("", "2021-01", "Robbery"),  # line 12: numbering survives the quoted newline
    )
    write(
        data / "2021-01-testshire-outcomes.csv",
        OUTCOME_HEADER
        + f"a1,2021-01,{FORCE},,,No location,,,Suspect charged\n"
        + f",2021-01,{FORCE},,,No location,,,Suspect charged\n"  # line 3: no ID
        + f"a1,2021-01,{FORCE},,,No location,,,\n",  # line 4: no outcome
    )
    write(data / "2021-01-testshire-counts.csv", "whatever\n")
    engine = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}", readonly=False)
    summary = import_policeuk(engine, data, progress=False)
    engine.dispose()
    street, outcomes = summary.files
    assert street.rows == 4 and outcomes.rows == 1
    assert [str(m) for m in summary.malformed] == [
        "2021-01-testshire-street.csv:4: no Crime ID for a 'Burglary' row (only Anti-social behaviour rows may omit it)",
        "2021-01-testshire-street.csv:5: expected 12 fields, found 4",
        "2021-01-testshire-street.csv:6: Month '21-01' is not YYYY-MM",
        "2021-01-testshire-street.csv:7: Longitude 'west' is not a number",
        "2021-01-testshire-street.csv:8: no Crime type",
        "2021-01-testshire-street.csv:12: no Crime ID for a 'Robbery' row (only Anti-social behaviour rows may omit it)",
        "2021-01-testshire-outcomes.csv:3: no Crime ID",
        "2021-01-testshire-outcomes.csv:4: no Outcome type",
    ]
    lines = summary.lines()
    assert "2021-01-testshire-street.csv: 4 street rows, 6 malformed" in lines
    assert "8 malformed row(s) not loaded:" in lines
    assert "  2021-01-testshire-street.csv:5: expected 12 fields, found 4" in lines
    assert summary.ignored == ["2021-01-testshire-counts.csv"]


def test_reimporting_a_month_replaces_only_that_month(tmp_path: Path) -> None:
    data = tmp_path / "in"
    jan = write(data / "2021-01-testshire-street.csv", STREET_HEADER + street_row("a1", "2021-01", "Burglary") * 3)
    write(data / "2021-02-testshire-street.csv", STREET_HEADER + street_row("b1", "2021-02", "Drugs") * 2)
    engine = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}", readonly=False)
    import_policeuk(engine, data, progress=False)
    assert table_counts(engine) == (5, 0)
    write(jan, STREET_HEADER + street_row("a1", "2021-01", "Burglary"))
    summary = import_policeuk(engine, jan, progress=False)
    assert summary.files[0].replaced == 3 and summary.files[0].rows == 1
    with engine.connect() as conn:
        by_month = dict(conn.execute(select(policeuk_street.c.month, func.count()).group_by(policeuk_street.c.month)).all())
    assert by_month == {"2021-01": 1, "2021-02": 2}
    engine.dispose()


def test_a_file_with_the_wrong_header_is_rejected_and_the_rest_loaded(tmp_path: Path) -> None:
    data = tmp_path / "in"
    write(data / "2021-01-testshire-street.csv", "Crime ID,Month\nx,2021-01\n")
    write(data / "2021-02-testshire-street.csv", STREET_HEADER + street_row("b1", "2021-02", "Drugs"))
    engine = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}", readonly=False)
    summary = import_policeuk(engine, data, progress=False)
    engine.dispose()
    bad, good = summary.files
    assert bad.error is not None and "missing column(s) Reported by" in bad.error
    assert good.rows == 1
    assert summary.failed == [bad]
    assert summary.lines()[0].startswith("2021-01-testshire-street.csv: NOT LOADED - not a police.uk street file")
