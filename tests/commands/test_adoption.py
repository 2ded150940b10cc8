"""Adopting an existing register: importing its cases (all or nothing), continuing its numbering, exporting
the history, and a history that the application cannot rewrite (PostgreSQL refuses UPDATE and DELETE)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from bot.cli import main
from bot.config import load_settings
from bot.reminders import ReminderSweeper
from bot.runtime import build_context
from commands.base import CommandContext, Invocation
from commands.registry import dispatch
from storage.db import session_scope
from storage.models import Case, CaseEvent, Reminder

REGISTER = """reference,regime,received,subject,status,assignee,responded,due
FOI2026/00737,foia,2026-11-02,Drone purchases,open,U_ALICE,,2026-12-01
FOI2026/00738,foia,09/11/2026,Taser use,responded,U_BOB,27/11/2026,
EIR2026/00041,eir,2026-11-16,Air quality near custody suites,open,,,2026-12-15
"""


@pytest.fixture
def actx(database_url: str, clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> CommandContext:
    monkeypatch.setenv("DATABASE_URL", database_url)
    context = build_context(load_settings())
    yield context
    context.engine.dispose()


def write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "register.csv"
    path.write_text(content, encoding="utf-8")
    return path


def test_a_register_imports_with_recomputed_deadlines_and_numbering_continues(
        actx: CommandContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cases", "import", str(write(tmp_path, REGISTER))]) == 0
    out = capsys.readouterr().out
    assert "imported 3 cases: FOI2026/00737, FOI2026/00738, EIR2026/00041" in out
    # 2 November + 20 working days is 1 December (St Andrew's Day, 30 November, is a UK bank holiday: s.10(6));
    # 16 November + 20 is 15 December: the old register agrees, so no difference is listed.
    assert "differ" not in out
    assert "FOI2026: the next reference is FOI2026/00739" in out and "EIR2026: the next reference is EIR2026/00042" in out
    with session_scope(actx.engine) as session:
        cases = {c.reference: c for c in session.exec(select(Case)).all()}
    assert cases["FOI2026/00737"].due == date(2026, 12, 1) and cases["FOI2026/00737"].assignee == "U_ALICE"
    assert cases["FOI2026/00738"].status == "responded" and cases["FOI2026/00738"].review_request_by is not None
    reply = dispatch(actx, Invocation(user="U_ALICE", text="new Please send the drone policy received:2026-12-01",
                                      now=datetime(2026, 12, 1, 10, tzinfo=timezone.utc)))
    assert "FOI2026/00739" in reply.text  # the team's numbering continues


def test_a_different_due_date_is_listed_and_kept_only_when_asked(actx: CommandContext, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    register = REGISTER.replace("2026-12-01", "2026-11-30")  # the old register forgot St Andrew's Day
    assert main(["cases", "import", str(write(tmp_path, register))]) == 0
    out = capsys.readouterr().out
    assert ("FOI2026/00737: the old register says due 2026-11-30, the statutory clock gives 2026-12-01 "
            "(the statutory clock's date is used)") in out
    with session_scope(actx.engine) as session:
        [case] = session.exec(select(Case).where(Case.reference == "FOI2026/00737")).all()
    assert case.due == date(2026, 12, 1)


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(
        actx: CommandContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = REGISTER + ("FOI2026/00737,foia,2026-11-03,Duplicate,open,,,\n"
                      "FOI2026/740,fooa,2026-13-01,,pending,,,\n"
                      "FOI2026/00741,foia,2026-11-03,Answered,responded,,,\n")
    assert main(["cases", "import", str(write(tmp_path, bad))]) == 1
    err = capsys.readouterr().err
    assert "nothing was imported" in err
    for expected in ("line 5: reference FOI2026/00737 is also on line 2", "line 6: regime 'fooa' is not one of",
                     "line 6: received: '2026-13-01' is not a date", "line 6: subject is empty",
                     "line 6: status 'pending' is not one of", "line 7: status 'responded' needs the responded date"):
        assert expected in err
    with session_scope(actx.engine) as session:
        assert session.exec(select(Case)).all() == []


def test_importing_a_reference_already_in_the_register_imports_nothing(actx: CommandContext, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cases", "import", str(write(tmp_path, REGISTER))]) == 0
    capsys.readouterr()
    assert main(["cases", "import", str(write(tmp_path, REGISTER))]) == 1
    assert "line 2: FOI2026/00737 is already in the register" in capsys.readouterr().err
    with session_scope(actx.engine) as session:
        assert len(session.exec(select(Case)).all()) == 3


def test_imported_cases_are_chased_from_today_and_nothing_arrives_late(actx: CommandContext, tmp_path: Path) -> None:
    with time_machine.travel(datetime(2026, 12, 1, 8, tzinfo=timezone.utc), tick=False):
        assert main(["cases", "import", str(write(tmp_path, REGISTER))]) == 0
    # FOI2026/00737 is due today (1 December), imported today: nothing before today is owed, nothing is late.
    report = ReminderSweeper(actx, name="after-import").run(datetime(2026, 12, 1, 9, 5, tzinfo=timezone.utc))
    assert report.late_messages == 0
    with session_scope(actx.engine) as session:
        days = {r.target_date for r in session.exec(select(Reminder)).all() if r.case_id is not None}
    assert days and min(days) >= date(2026, 12, 1)


def test_set_next_reference_continues_the_numbering_and_refuses_a_used_number(
        actx: CommandContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "set-next-reference", "FOI", "2026", "740"]) == 0
    assert "will be FOI2026/00740" in capsys.readouterr().out
    reply = dispatch(actx, Invocation(user="U_ALICE", text="new Drone policy please received:2026-11-20",
                                      now=datetime(2026, 12, 1, 10, tzinfo=timezone.utc)))
    assert "FOI2026/00740" in reply.text
    assert main(["db", "set-next-reference", "FOI", "2026", "740"]) == 1
    assert "FOI2026/00740 is already used" in capsys.readouterr().err


def test_the_audit_export_gives_who_when_what_and_before_after(actx: CommandContext, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
    for line in ("new Drone policy please received:2026-11-20", "assign FOI2026/00001 U_BOB"):
        assert not dispatch(actx, Invocation(user="U_ALICE", text=line, now=now)).is_error
    assert main(["audit", "export", "--case", "FOI2026/00001", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["kind"] for r in rows] == ["registered", "assigned"]
    assert rows[1]["actor"] == "U_ALICE" and rows[1]["before"] == "" and rows[1]["after"] == "U_BOB"
    assert main(["audit", "export", "--format", "json", "--from", "2099-01-01"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["audit", "export", "--case", "nonsense"]) == 2


def test_the_history_cannot_be_rewritten_on_postgresql(actx: CommandContext) -> None:
    if actx.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (SQLite has no per-transaction switch for the purge)")
    now = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
    dispatch(actx, Invocation(user="U_ALICE", text="new Drone policy please received:2026-11-20", now=now))
    for statement in ("UPDATE case_events SET summary = 'rewritten'", "DELETE FROM case_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            with session_scope(actx.engine) as session:
                session.execute(text(statement))
    with session_scope(actx.engine) as session:
        assert [e.summary for e in session.exec(select(CaseEvent)).all()][0].startswith("Registered")
