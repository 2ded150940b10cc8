"""Importing a record-level crime extract: header matching, column maps, malformed rows, idempotency."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from storage.analytics.import_extract import (
    ExtractFormatError,
    import_extract,
    load_column_map,
    parse_date,
    parse_outcome,
)
from storage.analytics.schema import crime_records, data_sources
from storage.analytics.store import open_store

STANDARD = (
    "Crime Reference,HO Offence Code,Offence,Recorded Date,Outcome,Outcome Date,Offence Group\n"
    "41/100/16,86/2,Child-Show Indecent Photo,2016-01-03,21,2016-02-01,indecent-images\n"
    "41/101/16,8/71,Harassment-Disclose Private Sexual Photographs,2016-01-04,,,\n"
    "41/102/16,28E,Burglary - Residential,04/01/2016,Outcome 18,05/03/2016 10:30,burglary\n"
)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}", readonly=False)
    yield engine  # type: ignore[misc]
    engine.dispose()


def rows(engine: Engine) -> list[tuple[object, ...]]:
    c = crime_records.c
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(c.crime_ref, c.ho_offence_code, c.offence, c.offence_group, c.recorded_date, c.outcome,
                   c.outcome_date, c.source, c.synthetic).order_by(c.crime_ref)
        )]


def test_standard_headers_load(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(STANDARD, encoding="utf-8")
    summary = import_extract(engine, path, progress=False)
    assert summary.malformed == [] and summary.rows == 3
    loaded = rows(engine)
    assert [r[0] for r in loaded] == ["41/100/16", "41/101/16", "41/102/16"]
    assert loaded[0][4:7] == (loaded[0][4].__class__(2016, 1, 3), 21, loaded[0][4].__class__(2016, 2, 1))
    assert loaded[1][5:7] == (None, None)
    assert loaded[2][5] == 18 and str(loaded[2][6]) == "2016-03-05"
    assert {r[7] for r in loaded} == {"extract.csv"} and not any(r[8] for r in loaded)
    assert summary.files[0].period == ("2016-01-03", "2016-03-05")
    assert summary.lines()[0] == "extract.csv: 3 extract rows covering 2016-01-03 to 2016-03-05"


def test_import_twice_gives_the_same_counts(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(STANDARD, encoding="utf-8")
    import_extract(engine, path, progress=False)
    first = rows(engine)
    again = import_extract(engine, path, progress=False)
    assert rows(engine) == first
    assert again.files[0].replaced == 3
    import_extract(engine, path, source="second copy", progress=False)
    assert len(rows(engine)) == 6
    with engine.connect() as conn:
        names = set(conn.execute(select(data_sources.c.name)).scalars())
    assert names == {"extract:extract.csv", "extract:second copy"}


def test_other_headers_through_a_column_map(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        "Ref No,HOCLASS,What,When Created,Result,Result Set,Ignored\n"
        "A1,86/2,Child-Taking Indecent Photo,31.01.2016,OC21,01.03.2016,zzz\n",
        encoding="utf-8",
    )
    with pytest.raises(ExtractFormatError, match="no column found for crime_ref .*--map FILE"):
        import_extract(engine, path, progress=False)
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        'date_format = "%d.%m.%Y"\n[columns]\ncrime_ref = "Ref No"\nho_offence_code = "HOCLASS"\noffence = "What"\n'
        'recorded_date = "When Created"\noutcome = "Result"\noutcome_date = "Result Set"\n',
        encoding="utf-8",
    )
    summary = import_extract(engine, path, column_map=load_column_map(mapping), progress=False)
    assert summary.malformed == [] and rows(engine)[0][:3] == ("A1", "86/2", "Child-Taking Indecent Photo")
    assert rows(engine)[0][5] == 21


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[columns]\ncrime_reference = 'x'\n", "unknown field(s) crime_reference"),
        ("[colums]\n", "unknown key(s) colums"),
        ("date_format = 5\n", "date_format must be a string"),
        ("[columns\n", "map.toml"),
    ],
)
def test_bad_column_maps_are_explained(tmp_path: Path, body: str, message: str) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(body, encoding="utf-8")
    with pytest.raises(ExtractFormatError) as err:
        load_column_map(mapping)
    assert message in str(err.value)


def test_mapped_header_missing_from_file(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(STANDARD, encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text("[columns]\ncrime_ref = 'Crime Number'\n", encoding="utf-8")
    with pytest.raises(ExtractFormatError, match="column 'Crime Number' \\(mapped to crime_ref\\) is not in the file"):
        import_extract(engine, path, column_map=load_column_map(mapping), progress=False)


def test_malformed_rows_are_reported_with_line_numbers(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(
        "Crime Reference,HO Offence Code,Offence,Recorded Date,Outcome,Outcome Date\n"
        "R1,86/2,Child-Show Indecent Photo,2016-01-01,21,2016-02-01\n"  # 2 fine
        ",86/2,Child-Show Indecent Photo,2016-01-01,21,2016-02-01\n"  # 3 no ref
        "R3,86/2,,2016-01-01,21,2016-02-01\n"  # 4 no offence
        "R4,86/2,Child-Show Indecent Photo,2016-02-30,21,2016-02-01\n"  # 5 bad date
        "R5,86/2,Child-Show Indecent Photo,2016-01-01,23,2016-02-01\n"  # 6 outcome out of range
        "R6,86/2,Child-Show Indecent Photo,2016-01-01,21,\n"  # 7 outcome without date
        "R7,86/2,Child-Show Indecent Photo,2016-01-01\n"  # 8 short row
        "R8,86/2,Child-Show Indecent Photo,2016-01-01,21,someday\n"  # 9 bad outcome date
        "\n"  # 10 blank line: not a row
        "R9,,Child-Show Indecent Photo,2016-01-01,,\n",  # 11 fine: no code, no outcome yet
        encoding="utf-8",
    )
    summary = import_extract(engine, path, progress=False)
    assert summary.rows == 2
    assert [str(m) for m in summary.malformed] == [
        "extract.csv:3: no crime reference",
        "extract.csv:4: no offence description",
        "extract.csv:5: recorded date '2016-02-30' is not a date",
        "extract.csv:6: outcome '23' is not a Home Office outcome 1-22",
        "extract.csv:7: outcome 21 has no outcome date",
        "extract.csv:8: expected 6 fields, found 4",
        "extract.csv:9: outcome date 'someday' is not a date",
    ]
    assert "extract.csv: 2 extract rows covering 2016-01-01 to 2016-02-01, 7 malformed" in summary.lines()


def test_large_import_rebuilds_indexes_and_keeps_them(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "big.csv"
    lines = ["Crime Reference,HO Offence Code,Offence,Recorded Date,Outcome,Outcome Date"]
    lines += [f"R{i},28E,Burglary - Residential,2017-01-01,{i % 22 + 1},2017-02-{i % 28 + 1:02d}" for i in range(120_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = import_extract(engine, path, progress=False)
    assert summary.rows == 120_000
    with engine.connect() as conn:
        indexes = {row[1] for row in conn.exec_driver_sql("PRAGMA index_list('crime_records')")}
        count = conn.execute(select(func.count()).select_from(crime_records)).scalar_one()
    assert {"ix_crime_records_offence_date", "ix_crime_records_outcome_date", "ix_crime_records_source"} <= indexes
    assert count == 120_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2016-01-31", "2016-01-31"), ("2016-01-31 23:59:00", "2016-01-31"), ("2016-01-31T08:00", "2016-01-31"),
     ("31/01/2016", "2016-01-31"), ("31/01/2016 10:00", "2016-01-31"), ("1/2/2016", "2016-02-01"),
     ("20160131", "2016-01-31"), ("2016-02-30", None), ("31/13/2016", None), ("soon", None), ("2016-01-31x", None)],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("21", 21), ("Outcome 21", 21), ("OC21", 21), ("o10", 10), ("08", 8), ("1.0", 1), ("0", None), ("23", None), ("x", None)],
)
def test_parse_outcome(text: str, expected: int | None) -> None:
    assert parse_outcome(text) == expected
