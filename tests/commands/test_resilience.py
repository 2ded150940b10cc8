"""What people see when the world is not as it should be: the database down, personal data past retention."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlmodel import select

from commands.base import CommandContext
from commands.retention import erase_personal_data
from storage.db import make_engine, session_scope
from storage.models import Case, CaseEvent
from storage.retention import cases_due_for_erasure
from tests.conftest import run

NOW = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)


def test_database_down_gives_a_try_again_reply_not_a_traceback(ctx) -> None:
    down = CommandContext(engine=make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2}),
                          settings=ctx.settings)
    reply = run(down, "list", now=NOW)
    assert reply.is_error
    assert reply.text.startswith("The case register is unavailable right now, so nothing was changed.")


def _closed_case(ctx, *, closed_at: datetime, name: str = "Pat Example", email: str = "pat@example.org") -> str:
    run(ctx, f"new Please send figures. Yours sincerely, {name} {email} received:2020-01-06", now=NOW)
    with session_scope(ctx.engine) as session:
        case = session.exec(select(Case).order_by(Case.id.desc())).first()
        case.requester_name, case.requester_email = name, email
        case.status, case.closed_at = "closed", closed_at
        session.add(case)
        return case.reference


def test_personal_data_is_erased_after_the_retention_period_and_only_then(ctx) -> None:
    old = _closed_case(ctx, closed_at=datetime(2021, 1, 4, tzinfo=timezone.utc))
    recent = _closed_case(ctx, closed_at=datetime(2025, 6, 1, tzinfo=timezone.utc))
    today = date(2026, 3, 2)
    with session_scope(ctx.engine) as session:
        due = cases_due_for_erasure(session, today, 3)
        assert [c.reference for c in due] == [old]
        for case in due:
            erase_personal_data(session, case, actor="retention")
    with session_scope(ctx.engine) as session:
        erased = session.exec(select(Case).where(Case.reference == old)).one()
        kept = session.exec(select(Case).where(Case.reference == recent)).one()
        assert (erased.requester_name, erased.requester_email) == (None, None)
        assert "Pat Example" not in erased.request_text and "pat@example.org" not in erased.request_text
        assert erased.personal_data_erased_at is not None
        assert kept.requester_name == "Pat Example"
        kinds = [e.kind for e in session.exec(select(CaseEvent).where(CaseEvent.case_id == erased.id))]
        assert kinds[-1] == "personal-data-erased"
        assert cases_due_for_erasure(session, today, 3) == []  # erased once


def test_purge_command_line(tmp_path: Path, settings) -> None:
    env = {k: v for k, v in os.environ.items()}
    ctx_url = settings.database_url
    command = [sys.executable, "-m", "bot", "shell", "--as", "U1"]
    subprocess.run(command, input="/foi new A request. Yours sincerely, Sam Person received:2019-01-07\n/foi close FOI2019/00001\n",
                   text=True, capture_output=True, env=env, timeout=120, check=True)
    engine = make_engine(ctx_url)
    with session_scope(engine) as session:
        case = session.exec(select(Case)).one()
        case.closed_at = datetime.now(timezone.utc) - timedelta(days=4 * 366)
        case.requester_name = "Sam Person"  # as the registration form would have recorded it
        session.add(case)
    dry = subprocess.run([sys.executable, "-m", "bot", "db", "purge-personal-data", "--dry-run"], text=True,
                         capture_output=True, env=env, timeout=120)
    assert dry.stdout.strip() == "would erase personal data of 1 case: FOI2019/00001"
    done = subprocess.run([sys.executable, "-m", "bot", "db", "purge-personal-data"], text=True, capture_output=True,
                          env=env, timeout=120)
    assert done.stdout.strip() == "erased personal data of 1 case: FOI2019/00001"
    with session_scope(engine) as session:
        case = session.exec(select(Case)).one()
        assert case.requester_name is None and "Sam Person" not in case.request_text
    engine.dispose()

