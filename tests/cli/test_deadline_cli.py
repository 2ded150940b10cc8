"""`foi-bot deadline`: every worked example in the shared examples.csv through the command line, plus the
plain-text layout and the one-line refusals."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT.parent / "shared" / "data" / "deadlines" / "examples.csv"

#: examples.csv option word -> CLI flag, one to one.
DATE_FLAGS = {
    "clarified": "--clarified",
    "fee_notice": "--fee-notice",
    "fee_paid": "--fee-paid",
    "responded": "--responded",
    "review_requested": "--review-requested",
}
CHOICE_FLAGS = {"receipt_rule": "--receipt-rule", "review_window": "--review-window"}


def _examples() -> list[dict[str, str]]:
    if not EXAMPLES.exists():
        return []
    with EXAMPLES.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def argv_for(row: dict[str, str]) -> list[str]:
    """The command line for one examples.csv row."""
    argv = ["deadline", row["received"], "--regime", row["regime"]]
    for word in row["options"].split():
        key, _, value = word.partition("=")
        if key in DATE_FLAGS or key in CHOICE_FLAGS:
            argv += [DATE_FLAGS.get(key) or CHOICE_FLAGS[key], value]
        elif key == "extended":
            assert value == "yes", word
            argv.append("--extended")
        else:  # pragma: no cover - a new option in the shared file needs a flag mapping here
            raise AssertionError(f"examples.csv option {key!r} has no CLI flag")
    return argv


ROWS = _examples()


def test_the_shared_examples_are_there() -> None:
    if not ROWS:
        pytest.skip(f"shared examples not available at {EXAMPLES}")
    assert len(ROWS) >= 23


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_every_example_through_the_cli_json(row: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*argv_for(row), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    assert result["regime"] == row["regime"]
    assert result["received"] == row["received"]
    assert result[row["field"]] == row["expected"], f"{row['id']}: {row['note']}"


@pytest.mark.parametrize("row", [r for r in ROWS if r["field"] == "due"], ids=lambda r: r["id"])
def test_plain_output_puts_the_due_date_first(
    row: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv_for(row)) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"due {row['expected']} (")


def test_one_example_via_python_dash_m_bot() -> None:
    if not ROWS:
        pytest.skip(f"shared examples not available at {EXAMPLES}")
    row = next(r for r in ROWS if r["id"] == "33")
    completed = subprocess.run(
        [sys.executable, "-m", "bot", *argv_for(row), "--json"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["due"] == "2025-07-15"
    assert result["skipped"] == [
        {"date": "2025-07-14", "name": "Battle of the Boyne (observed, Northern Ireland)"}
    ]


def test_plain_output_layout(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["deadline", "2018-02-09", "--responded", "2018-03-08", "--review-requested", "2018-03-20"]) == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "due 2018-03-09 (Friday 9 March 2018)"
    assert "review request by 2018-05-08 (Tuesday 8 May 2018)" in lines
    assert "review due 2018-04-19 (Thursday 19 April 2018)" in lines
    assert "review outer limit 2018-05-18 (Friday 18 May 2018)" in lines
    assert "skipped:" not in lines  # no holiday between 9 February and 9 March 2018
    assert "why:" in lines
    assert lines[-1].startswith("calendar uk holidays-")


def test_plain_output_lists_skipped_holidays(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadline", "2018-03-01"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "due 2018-04-03 (Tuesday 3 April 2018)"
    assert (
        "skipped:\n"
        "  2018-03-19 Saint Patrick's Day (observed, Northern Ireland)\n"
        "  2018-03-30 Good Friday\n"
        "  2018-04-02 Easter Monday\n"
    ) in out


def test_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadline", "2024-03-28", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"regime", "received", "due", "skipped"} <= set(result)
    assert "extended_due" not in result and "review_due" not in result
    assert result["skipped"] == [
        {"date": "2024-03-29", "name": "Good Friday"},
        {"date": "2024-04-01", "name": "Easter Monday"},
    ]


def test_a_fees_notice_without_payment_reports_a_stopped_clock(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadline", "2025-06-02", "--fee-notice", "2025-06-09"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("due -- clock stopped")
    assert "fee lapses 2025-09-09 (Tuesday 9 September 2025)" in lines


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["deadline", "2025-02-30"], "RECEIVED: '2025-02-30' is not a valid date"),
        (["deadline", "yesterday"], "RECEIVED: 'yesterday' is not a valid date"),
        (
            ["deadline", "2025-02-03", "--clarified", "2025-13-01"],
            "--clarified: '2025-13-01' is not a valid date",
        ),
        (
            ["deadline", "2025-02-03", "--regime", "gdpr"],
            "--regime: 'gdpr' is not one of foia, eir, foisa, sar",
        ),
        (["deadline", "2025-02-03", "--receipt-rule", "post"], "--receipt-rule: 'post' is not one of"),
        (["deadline", "2025-02-03", "--fee-paid", "2025-02-10"], "without a fees notice"),
        (
            ["deadline", "2025-02-03", "--fee-notice", "2025-02-10", "--fee-paid", "2025-02-07"],
            "before the fees notice was given",
        ),
        (["deadline", "2025-02-03", "--responded", "2025-01-31"], "response cannot be dated before"),
        (
            ["deadline", "2025-02-03", "--responded", "2025-02-20", "--review-requested", "2025-02-19"],
            "before the response was sent",
        ),
        (["deadline", "2025-02-03", "--clarified", "2025-01-30"], "before the request was received"),
        (["deadline", "2025-02-03", "--regime", "foisa", "--extended"], "allows no extension of time"),
        (["deadline", "1990-02-03"], "outside the uk working-day calendar"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("foi-bot deadline: ")
    assert message in err
    assert "Traceback" not in err


def test_uk_style_dates_are_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadline", "09/02/2018", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["due"] == "2018-03-09"
