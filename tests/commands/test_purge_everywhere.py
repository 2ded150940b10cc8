"""The retention purge leaves no trace of the requester anywhere in the database.

A case is seeded with the requester's name, email, postal address and phone in every place they can end
up: the case's fields, request text, subject and questions, a note, an answer, a draft and a review comment,
the intake proposal it came from, an unregistered proposal, and a message still owed to Slack. After the
purge, every text, JSON and binary column of every table is searched for each detail.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import SQLModel, select

from bot.config import load_settings
from bot.runtime import build_context
from commands.base import CommandContext, Invocation
from commands.registry import dispatch
from commands.retention import purge
from storage import outbox
from storage.db import session_scope
from storage.models import Case, Draft, DraftComment, IntakeProposal
from tests.drafts.conftest import TEST_PROFILE

NAME, EMAIL, STREET, PHONE = "Jane Doe", "jane.doe@example.org", "12 Acacia Avenue", "07700 900123"
POSTCODE = "AL8 6XF"
REQUEST = (f"Dear FOI team,\n1. How many drones do you own?\n2. Please reply to {EMAIL} or call {PHONE}.\n"
           f"Yours sincerely,\n{NAME}\n{STREET}, Welwyn Garden City, {POSTCODE}")


@pytest.fixture
def pctx(database_url: str, clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> CommandContext:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FOI_ORG_PROFILE", str(TEST_PROFILE))
    monkeypatch.setenv("FOI_APPROVERS", "U_BOB")
    context = build_context(load_settings())
    yield context
    context.engine.dispose()


def run(ctx: CommandContext, line: str, user: str = "U_ALICE") -> str:
    reply = dispatch(ctx, Invocation(user=user, text=line, now=datetime(2021, 3, 12, 10, tzinfo=timezone.utc)))
    assert not reply.is_error, reply.text
    return reply.text


def everything(ctx: CommandContext) -> str:
    """Every value of every column of every table, as one text (bytes decoded loosely)."""
    out: list[str] = []
    with ctx.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "ignore")
                    out.append(str(value))
    return "\n".join(out)


def test_the_purge_erases_the_requester_from_every_table(pctx: CommandContext) -> None:
    assert SQLModel.metadata.tables  # the models are loaded
    run(pctx, f"new {REQUEST} received:2021-03-01")
    reference = "FOI2021/00001"
    with session_scope(pctx.engine) as session:
        case = session.exec(select(Case)).one()
        case.requester_name, case.requester_email = NAME, EMAIL
        case.requester_address = f"{STREET}\nWelwyn Garden City\n{POSTCODE}"
        case.subject = f"Drones (from {NAME})"
        case.source_channel, case.source_ts = "C_INTAKE", "1614592800.000100"
        session.add(IntakeProposal(channel_id="C_INTAKE", message_ts="1614592800.000100", text=REQUEST,
                                   proposal={"subject": "Drones", "requester": {"name": NAME}}, case_id=case.id,
                                   state="registered"))
        session.add(IntakeProposal(channel_id="C_INTAKE", message_ts="1614592900.000100", text=f"From {NAME}: hello",
                                   proposal={}, state="dismissed",
                                   created_at=datetime(2021, 3, 1, tzinfo=timezone.utc)))
        outbox.add(session, [outbox.Owed(key="test:1", kind="post", case_id=case.id,
                                         payload={"channel": "C_TEAM", "text": f"Reply to {EMAIL}"})])
        outbox.add(session, [outbox.Owed(key="test:2", kind="upload", case_id=case.id, content=REQUEST.encode(),
                                         payload={"channel": "C_TEAM", "filename": "letter.md"})])
    run(pctx, f"note {reference} Rang {NAME} on {PHONE} to check the scope")
    run(pctx, f"answer {reference} 1 We own 4 drones. (Answer for {NAME}.)")
    run(pctx, f"answer {reference} 2 We will write to {EMAIL}.")
    run(pctx, f"draft {reference} date:2021-03-10")
    with session_scope(pctx.engine) as session:
        draft = session.exec(select(Draft)).first()
        assert draft is not None
        draft.text += f"\n\nDear {NAME}, {STREET}"
        session.add(draft)
        session.add(DraftComment(draft_id=draft.id, author="U_BOB", text=f"Check the spelling of {NAME}'s street"))
    run(pctx, f"close {reference} answered")
    with session_scope(pctx.engine) as session:
        case = session.exec(select(Case)).one()
        case.closed_at = datetime(2021, 3, 20, tzinfo=timezone.utc)
        session.add(case)
    before = everything(pctx)
    for detail in (NAME, EMAIL, STREET, PHONE, POSTCODE):
        assert detail in before  # the seed really put them there
    with session_scope(pctx.engine) as session:
        report = purge(session, date(2026, 3, 2), 3)
    assert report.references == [reference] and report.proposals == 1
    after = everything(pctx)
    for detail in (NAME, EMAIL, STREET, PHONE, POSTCODE, "Jane", "Acacia", "jane.doe"):
        assert detail.lower() not in after.lower(), f"{detail!r} survived the purge"
    assert "How many drones do you own?" in after  # the request itself stays for the register
    with session_scope(pctx.engine) as session:
        assert purge(session, date(2026, 3, 2), 3).references == []  # erased once
