"""police.uk stop and search: import of ``*-stop-and-search.csv`` and the stop-search queries, checked
against a plain-Python count of the test files (real police.uk column layout, two months)."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.cli import main
from commands.rules.query_catalogue import Catalogue
from commands.rules.result_table import grid_of, render_table
from storage.analytics.import_policeuk import import_policeuk
from storage.analytics.schema import policeuk_stop_search
from storage.analytics.store import open_store
from tests.stats.conftest import run

DATA = Path(__file__).parent / "data" / "stop-and-search"
NOT_RECORDED = "Not recorded"
BY_COLUMN = {
    "object": "Object of search",
    "outcome": "Outcome",
    "ethnicity": "Self-defined ethnicity",
    "officer-ethnicity": "Officer-defined ethnicity",
    "age": "Age range",
    "gender": "Gender",
    "legislation": "Legislation",
    "type": "Type",
}


def file_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(DATA.glob("*-stop-and-search.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


@pytest.fixture
def store(tmp_path: Path) -> Engine:
    url = f"sqlite:///{tmp_path / 'analytics.sqlite3'}"
    writer = open_store(url, readonly=False)
    summary = import_policeuk(writer, DATA, progress=False)
    writer.dispose()
    assert summary.malformed == [] and summary.failed == []
    engine = open_store(url)
    yield engine  # type: ignore[misc]
    engine.dispose()


def test_import_loads_every_row_of_each_file(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}", readonly=False)
    summary = import_policeuk(engine, DATA, progress=False)
    assert [(f.file, f.kind, f.rows) for f in summary.files] == [
        ("2021-01-testshire-stop-and-search.csv", "stop-and-search", sum(1 for r in file_rows() if r["Date"][:7] == "2021-01")),
        ("2021-02-testshire-stop-and-search.csv", "stop-and-search", sum(1 for r in file_rows() if r["Date"][:7] == "2021-02")),
    ]
    assert summary.months == ["2021-01", "2021-02"] and summary.ignored == []
    again = import_policeuk(engine, DATA, progress=False)
    assert [f.replaced for f in again.files] == [f.rows for f in summary.files]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(policeuk_stop_search)).scalar_one() == len(file_rows())
        blanks = conn.execute(select(func.count()).where(policeuk_stop_search.c.latitude.is_(None))).scalar_one()
        linked = conn.execute(select(func.count()).where(policeuk_stop_search.c.outcome_linked.is_(True))).scalar_one()
    engine.dispose()
    assert blanks == sum(1 for r in file_rows() if not r["Latitude"])
    assert linked == sum(1 for r in file_rows() if r["Outcome linked to object of search"] == "True")


@pytest.mark.parametrize("by", sorted(BY_COLUMN))
def test_searches_by_characteristic_and_month_match_an_independent_count(store: Engine, catalogue: Catalogue, by: str) -> None:
    result = run(store, catalogue, "stop-search", f"by={by}", "from=2021-01", "to=2021-02")
    counts = Counter((r[BY_COLUMN[by]] or NOT_RECORDED, r["Date"][:7]) for r in file_rows())
    assert sorted(result.rows) == sorted((c, m, n) for (c, m), n in counts.items())
    assert result.totals == ("Total", None, len(file_rows()))
    grid = grid_of(result)
    assert grid.header[0] == {"type": "Type of search"}.get(by, BY_COLUMN[by])  # the rows' heading in words
    assert grid.totals == ("Total searches", *[sum(n for (_c, m), n in counts.items() if m == month)
                                               for month in ("2021-01", "2021-02")], len(file_rows()))


def test_outcomes_by_ethnicity_cross_tab(store: Engine, catalogue: Catalogue) -> None:
    result = run(store, catalogue, "stop-search-outcomes", "by=officer-ethnicity", "from=2021-01", "to=2021-02")
    counts = Counter((r["Officer-defined ethnicity"] or NOT_RECORDED, r["Outcome"]) for r in file_rows())
    grid = grid_of(result)
    assert grid.is_pivot
    columns = grid.header[1:-1]
    for row in grid.body:
        assert row[1:-1] == tuple(counts[(row[0], outcome)] for outcome in columns)
    arrests = sum(1 for r in file_rows() if r["Outcome"] == "Arrest")
    assert grid.totals is not None and grid.totals[1 + columns.index("Arrest")] == arrests
    assert result.title == "Stop and search outcomes by officer-defined ethnicity, Testshire, January–February 2021"


def test_one_month_and_the_months_not_loaded(store: Engine, catalogue: Catalogue) -> None:
    result = run(store, catalogue, "stop-search", "by=age", "from=2021-02", "to=2021-04")
    assert sum(n for *_k, n in result.rows) == sum(1 for r in file_rows() if r["Date"][:7] == "2021-02")
    assert result.warnings == [
        "The police.uk stop and search data loaded covers 2021-01 to 2021-02; March to April 2021 are not included."
    ]
    assert "March to April 2021 are not included" in render_table(result)


def test_malformed_rows_are_reported_with_line_numbers(tmp_path: Path) -> None:
    data = tmp_path / "in"
    data.mkdir()
    lines = (DATA / "2021-01-testshire-stop-and-search.csv").read_text(encoding="utf-8").splitlines()
    header, good = lines[0], lines[1]
    fields = next(csv.reader([good]))
    bad_date = ",".join([fields[0], "yesterday", *fields[2:]])
    no_type = ",".join(["", *fields[1:]])
    bad_bool = ",".join([*fields[:13], "Maybe", fields[14]])
    bad_lat = ",".join([*fields[:4], "north", *fields[5:]])
    (data / "2021-01-testshire-stop-and-search.csv").write_text(
        "\n".join([header, good, bad_date, no_type, "Person search,2021-01-02", bad_bool, bad_lat, good]) + "\n",
        encoding="utf-8",
    )
    engine = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}", readonly=False)
    summary = import_policeuk(engine, data, progress=False)
    engine.dispose()
    assert summary.files[0].rows == 2
    assert [str(m) for m in summary.malformed] == [
        "2021-01-testshire-stop-and-search.csv:3: Date 'yesterday' is not a date",
        "2021-01-testshire-stop-and-search.csv:4: no Type",
        "2021-01-testshire-stop-and-search.csv:5: expected 15 fields, found 2",
        "2021-01-testshire-stop-and-search.csv:6: Outcome linked to object of search 'Maybe' is not True, False or blank",
        "2021-01-testshire-stop-and-search.csv:7: Latitude 'north' is not a number",
    ]


def test_a_file_without_the_stop_and_search_columns_is_rejected(tmp_path: Path) -> None:
    data = tmp_path / "in"
    data.mkdir()
    (data / "2021-01-testshire-stop-and-search.csv").write_text("Type,Date\nPerson search,2021-01-01\n", encoding="utf-8")
    engine = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}", readonly=False)
    summary = import_policeuk(engine, data, progress=False)
    engine.dispose()
    assert summary.failed and "not a police.uk stop-and-search file: missing column(s) Gender" in summary.lines()[0].replace(
        "Part of a policing operation, ", "").replace("Latitude, Longitude, ", "")


def test_cli_import_reads_stop_and_search_files_beside_street_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "in"
    shutil.copytree(DATA, data)
    (data / "2021-01-testshire-street.csv").write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
        "Last outcome category,Context\n"
        "a1,2021-01,Testshire Police,Testshire Police,-0.2,51.8,On or near High Street,E01000001,Watford 001A,"
        "Burglary,Under investigation,\n",
        encoding="utf-8",
    )
    assert main(["data", "import", "--format", "policeuk", str(data)]) == 0
    out = capsys.readouterr().out
    assert "2021-01-testshire-stop-and-search.csv: 48 stop-and-search rows" in out
    assert "2021-01-testshire-street.csv: 1 street rows" in out
    assert main(["stats", "run", "stop-search", "by=outcome", "from=2021-01", "to=2021-02"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Stop and search by outcome and month, Testshire, January–February 2021"
    assert "Total searches" in out and "Open Government Licence v3.0" in out
