"""`foi-bot stats ...` and `foi-bot data ...` end to end through bot.cli.main, with DATA_URL and
DATABASE_URL in tmp_path (set by the autouse fixture)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bot.cli import SUBCOMMAND_MODULES, main
from tests.stats.conftest import POLICEUK_DIR
from tests.stats.test_stats_cases import CASES, EXEMPTIONS, case_exemptions, cases, metadata

SEED_ARGS = ["--param", "from=2016-01-01", "--param", "to=2018-01-31"]


def assert_one_clear_line(err: str, fragment: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("foi-bot: ") and fragment in lines[0], lines[0]
    assert "Traceback" not in err


def test_modules_are_registered() -> None:
    assert "stats" in SUBCOMMAND_MODULES and "data" in SUBCOMMAND_MODULES


def test_demo_then_seed_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "demo"]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC demo rows" in out and "not real crime records" in out
    assert main(["stats", "run", "outcome-by-offence", "--param", "outcome=21", *SEED_ARGS]) == 0
    out = capsys.readouterr().out
    assert "Child-Distribute Indecent Photo                    139" in out
    assert out.splitlines()[0] == "Crimes by offence, indecent photos of children, Home Office Outcome 21, 1 January 2016 to 31 January 2018 [SYNTHETIC DATA]"
    assert "Total                                              149" in out


def test_csv_and_json_formats(capsys: pytest.CaptureFixture[str]) -> None:
    main(["data", "demo"])
    capsys.readouterr()
    assert main(["stats", "run", "offences-by-group", *SEED_ARGS, "--format", "csv"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out)))
    assert rows[0] == ["Offence", "Total"] and rows[8] == ["Total", "685"]
    assert rows[-1][0].startswith("SYNTHETIC DATA")
    assert "SYNTHETIC DATA" in captured.err
    assert main(["stats", "run", "offences-by-group", "from=2016-01-01", "to=2018-01-31", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["totals"] == {"offence": "Total", "total": 685} and payload["synthetic"] is True


def test_chart_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["data", "demo"])
    chart = tmp_path / "chart.png"
    assert main(["stats", "run", "offences-by-group", *SEED_ARGS, "--chart", str(chart)]) == 0
    assert chart.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["stats", "run", "outcome-by-ofence"], "did you mean outcome-by-offence"),
        (["stats", "run", "outcome-by-offence", "--param", "outcome=99", *SEED_ARGS], "parameter 'outcome': 99 is out of range"),
        (["stats", "run", "outcome-by-offence", "--param", "outcome=21"], "missing required parameter 'from'"),
        (["stats", "run", "offences-by-group", "group=nope", *SEED_ARGS], "parameter 'group': 'nope' is not one of"),
        (["stats", "run", "offences-by-group", "grup=theft", *SEED_ARGS], "unknown parameter 'grup'"),
        (["stats", "run", "offences-by-group", "--param", "from=2016-13-01", "--param", "to=2018-01-31"],
         "'2016-13-01' is not a date"),
        (["data", "import", "--format", "policeuk", "/no/such/dir"], "no such file or directory"),
        (["data", "import", "--format", "policeuk", ".", "--map", "x.toml"], "--map and --source apply to --format extract only"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert_one_clear_line(capsys.readouterr().err, fragment)


def test_argparse_rejects_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["stats", "run", "offences-by-group", "--format", "pdf"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err


def test_no_data_yet_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "run", "offences-by-group", *SEED_ARGS]) == 1
    assert_one_clear_line(capsys.readouterr().err, "no statistics data at")
    assert main(["stats", "run", "caseload"]) == 1
    assert_one_clear_line(capsys.readouterr().err, "run `foi-bot db upgrade` first")


def test_stats_list_and_broken_query_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    qdir = tmp_path / "queries"
    qdir.mkdir()
    (qdir / "broken.toml").write_text('title = "x"\nsource = "analytics"\nsql = "DELETE FROM crime_records"\n')
    monkeypatch.setenv("FOI_QUERY_DIR", str(qdir))
    assert main(["stats", "list"]) == 0
    captured = capsys.readouterr()
    assert "offences-by-group  [analytics]" in captured.out and "caseload  [cases]" in captured.out
    assert "outcome=N (required) Home Office outcome type" in captured.out
    assert_one_clear_line(captured.err, "skipped query file broken.toml: sql must be a single SELECT or WITH statement, not DELETE")


def test_import_policeuk_and_query(capsys: pytest.CaptureFixture[str]) -> None:
    if not POLICEUK_DIR.is_dir():
        pytest.skip(f"shared police.uk data not available at {POLICEUK_DIR}")
    assert main(["data", "import", "--format", "policeuk", str(POLICEUK_DIR)]) == 0
    out = capsys.readouterr().out
    assert "2021-03-hertfordshire-outcomes.csv: 6,024 outcomes rows" in out
    assert "months: 2021-01 to 2021-03 (3)" in out
    assert main(["stats", "run", "outcome-by-crime-type", "outcome=further-investigation-not-in-public-interest",
                 "from=2021-01", "to=2021-03"]) == 0
    out = capsys.readouterr().out
    assert "Other crime" in out and "[SYNTHETIC" not in out


def test_import_extract_with_map_and_malformed_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extract = tmp_path / "extract.csv"
    extract.write_text(
        "Ref,Code,Offence,Created,HO Outcome,Outcome Set\n"
        "A1,86/2,Child-Show Indecent Photo,2016-01-01,21,2016-02-01\n"
        "A2,86/2,Child-Show Indecent Photo,2016-01-01,99,2016-02-01\n",
        encoding="utf-8",
    )
    assert main(["data", "import", "--format", "extract", str(extract)]) == 2
    assert_one_clear_line(capsys.readouterr().err, "no column found for crime_ref")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\ncrime_ref = "Ref"\nho_offence_code = "Code"\nrecorded_date = "Created"\n'
                       'outcome_date = "Outcome Set"\n', encoding="utf-8")
    assert main(["data", "import", "--format", "extract", str(extract), "--map", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert "extract.csv: 1 extract rows covering 2016-01-01 to 2016-02-01, 1 malformed" in out
    assert "extract.csv:3: outcome '99' is not a Home Office outcome 1-22" in out
    assert main(["stats", "run", "offences-by-group", "from=2016-01-01", "to=2016-12-31"]) == 0
    out = capsys.readouterr().out
    assert "Child-Show Indecent Photo      1" in out and "SYNTHETIC" not in out
    assert main(["data", "demo"]) == 2
    assert_one_clear_line(capsys.readouterr().err, "holds real extract data")


def test_caseload_from_the_case_register(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    engine = create_engine(f"sqlite:///{clean_env / 'foi.sqlite3'}")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(cases.insert(), CASES)
        conn.execute(case_exemptions.insert(), EXEMPTIONS)
    engine.dispose()
    assert main(["stats", "run", "exemptions", "from=2023-07-01", "to=2024-06-30", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["rows"] and payload["freshness"].startswith("Data: the live case register")


def test_demo_remove(capsys: pytest.CaptureFixture[str]) -> None:
    main(["data", "demo"])
    capsys.readouterr()
    assert main(["data", "demo", "--remove"]) == 0
    assert "removed" in capsys.readouterr().out
    assert main(["stats", "run", "offences-by-group", *SEED_ARGS]) == 0
    assert "(no rows: nothing matched)" in capsys.readouterr().out
