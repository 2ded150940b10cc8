"""`foi-bot intake parse`: the JSON interface, the plain summary, standard input, the shared samples' header,
and the one-line refusals (exit 2)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

PROJECT = Path(__file__).resolve().parents[2]
SEED = PROJECT.parent / "shared" / "data" / "seed" / "000_4bf5935b852c0d74.txt"
CORPUS = PROJECT.parent / "shared" / "data" / "foi-requests"

REQUEST = """From: Jane Example <jane@example.org>
Sent: Monday, 3 February 2025 09:15
To: FOI
Subject: FW: Drones

Dear FOI team,

Under the Freedom of Information Act 2000 please provide:

1. How many drones did the force own between January 2020 and December 2024?
2. What did they cost?
   a) to buy
   b) to maintain

Kind regards,
Jane Example
"""


@pytest.fixture
def request_file(tmp_path: Path) -> Path:
    path = tmp_path / "request.txt"
    path.write_text(REQUEST, encoding="utf-8")
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["intake", "parse", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_the_interface_keys(request_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, str(request_file))
    assert data["received"] == "2025-02-03"
    assert data["received_at"].startswith("2025-02-03T09:15")
    assert data["requester"] == {"name": "Jane Example", "email": "jane@example.org", "address": None}
    assert data["subject"] == "Drones"
    assert data["regime"] == "foia"
    assert [q["number"] for q in data["questions"]] == ["1", "2"]
    assert [p["number"] for p in data["questions"][1]["parts"]] == ["a", "b"]
    assert data["questions"][1]["parts"][0] == {
        "number": "a",
        "text": "to buy",
        "parts": [],
        "label": "a)",
        "inferred": False,
    }
    assert data["periods"] == [{"start": "2020-01-01", "end": "2024-12-31"}]
    assert data["references"] == []
    assert data["problems"] == []


def test_plain_summary_is_readable(request_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["intake", "parse", str(request_file)]) == 0
    out = capsys.readouterr().out
    assert "Received:   2025-02-03 09:15 GMT (from header; 90%)" in out
    assert "Regime:     FOIA" in out
    assert "Questions:  2" in out
    assert "    1  How many drones did the force own between January 2020 and December 2024?" in out
    assert "        a  to buy" in out
    assert "Periods:    2020-01-01 to 2024-12-31 (January 2020 and December 2024)" in out


def test_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Q1. How many drones? Q2. What did they cost?"))
    data = run_json(capsys, "-")
    assert [(q["number"], q["text"]) for q in data["questions"]] == [
        ("1", "How many drones?"),
        ("2", "What did they cost?"),
    ]
    assert data["received"] is None  # no date in the text and no message time


def test_message_time_is_the_fallback_received_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("How many drones does the force own?", encoding="utf-8")
    data = run_json(capsys, str(path), "--message-time", "2024-07-01T23:30:00+00:00")
    assert data["received"] == "2024-07-02"  # 00:30 in London (BST)


def test_scottish_and_own_prefixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scot.txt"
    path.write_text("Further to CPS2024/00031, how many drones does the force own?", encoding="utf-8")
    data = run_json(capsys, str(path), "--scottish", "--prefix", "CPS")
    assert data["regime"] == "foisa"
    assert data["references"] == ["CPS2024/00031"]


def test_missing_file_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.txt"
    assert main(["intake", "parse", str(missing), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"foi-bot intake parse: cannot read {missing}: No such file or directory\n"


def test_directory_and_binary_files_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["intake", "parse", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"foi-bot intake parse: cannot read {tmp_path}: ")
    damaged = tmp_path / "scan.pdf"
    damaged.write_bytes(b"%PDF-1.4\x00\x01\x02")
    assert main(["intake", "parse", str(damaged)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the pdf file could not be read" in err
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")
    assert main(["intake", "parse", str(binary)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "binary file" in err


def test_bad_message_time_is_refused(request_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["intake", "parse", str(request_file), "--message-time", "yesterday"]) == 2
    assert "is not an ISO 8601 time" in capsys.readouterr().err
    assert main(["intake", "parse", str(request_file), "--message-time", "2024-07-01T23:30"]) == 2
    assert "needs a UTC offset" in capsys.readouterr().err


def test_empty_file_gives_a_problem_not_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n", encoding="utf-8")
    data = run_json(capsys, str(path))
    assert data["questions"] == [] and data["problems"] == [
        "could not read a request here: the text is empty"
    ]


def test_seed_letter_through_the_module_entry_point() -> None:
    if not SEED.exists():
        pytest.skip(f"seed letter not available at {SEED}")
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "intake", "parse", str(SEED), "--json"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert data["received"] == "2018-02-09"
    assert data["periods"] == [{"start": "2016-01-01", "end": "2017-12-31"}]
    assert [q["number"] for q in data["questions"]] == ["1", "2", "3", "4"]
    assert [[p["number"] for p in q["parts"]] for q in data["questions"]] == [[], ["a", "b"], [], ["a", "b"]]


def test_shared_sample_header_is_not_read_as_request(capsys: pytest.CaptureFixture[str]) -> None:
    sample = CORPUS / "20_north-yorks_0072-202526_cides_environmental.txt"
    if not sample.exists():
        pytest.skip(f"shared sample not available at {sample}")
    data = run_json(capsys, str(sample))
    assert data["regime"] == "eir"
    assert [q["number"] for q in data["questions"]] == ["1", "2", "3"]
    assert not any("docslib" in r or "police.uk" in r for r in data["references"])
