"""We have been asked this before: full-text search (SQLite FTS5 and PostgreSQL), similar earlier cases on
`/foi show` and at intake, the same-requester flag (Fees Regulations reg 5, FOIA s.14(2)), `/foi reuse`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.runtime import build_context
from commands.base import CommandContext
from commands.intake import asked_before_for, intake_reply, propose
from commands.registration import NewCase, register_case
from storage.cases import answers_for, get_case, set_answer
from storage.db import session_scope
from storage.models import Case, IntakeProposal
from storage.search import search_cases
from tests.conftest import run

NOW = datetime(2024, 6, 3, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def dbctx(database_url: str, clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CommandContext]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    context = build_context(load_settings())
    yield context
    context.engine.dispose()


def add(ctx: CommandContext, subject: str, questions: list[str], *, received: date, email: str | None = None,
        outcome: str | None = None) -> Case:
    new = NewCase(
        request_text="\n".join(questions), received=received, subject=subject,
        questions=[{"number": str(n), "text": q, "parts": []} for n, q in enumerate(questions, start=1)],
        requester_name="Pat Example" if email else None, requester_email=email,
    )
    case, _ = register_case(ctx, new, actor="U_TEST")
    if outcome:
        with session_scope(ctx.engine) as session:
            stored = session.get(Case, case.id)
            stored.response_outcome, stored.status = outcome, "responded"
    return case


TASERS = ["How many times did officers discharge a Taser at a person in 2023?",
          "How many times was a Taser discharged at an animal, and what breed of dog?"]


def test_search_ranks_cases_by_their_subject_and_questions(dbctx: CommandContext) -> None:
    add(dbctx, "Drones", ["How many drones does the force own?"], received=date(2024, 1, 8))
    tasers = add(dbctx, "Taser discharges", TASERS, received=date(2024, 2, 5))
    add(dbctx, "Taser training", ["How many officers completed Taser training?"], received=date(2024, 3, 4))
    with session_scope(dbctx.engine) as session:
        hits = search_cases(session, ["taser", "discharged"])
        assert [hit.reference for hit in hits] == [tasers.reference]  # both words must be there
        either = search_cases(session, ["taser", "discharged"], any_word=True)
        assert [hit.reference for hit in either][0] == tasers.reference and len(either) == 2
        assert search_cases(session, ["tasers"])  # plural finds singular
        assert search_cases(session, ["taser"], received_from=date(2024, 3, 1))[0].subject == "Taser training"
        assert search_cases(session, ["zebra", "drones"]) == []
        assert search_cases(session, ['drones"', "*", "("])  # punctuation is not query syntax
    # an edit to the questions is searchable at once (kept in step by the database)
    with session_scope(dbctx.engine) as session:
        case = get_case(session, tasers.reference)
        case.questions = [{"number": "1", "text": "Pepper spray deployments", "parts": []}]
    with session_scope(dbctx.engine) as session:
        assert [hit.reference for hit in search_cases(session, ["pepper"])] == [tasers.reference]


def test_foi_search_command_with_filters_and_team_only(dbctx: CommandContext) -> None:
    first = add(dbctx, "Taser discharges", TASERS, received=date(2024, 2, 5), outcome="full")
    add(dbctx, "Drones", ["How many drones does the force own?"], received=date(2024, 1, 8))
    reply = run(dbctx, "search taser regime:foia from:2024-01-01 to:2024-12-31", now=NOW)
    assert not reply.is_error and first.reference in reply.text and "Drones" not in reply.text
    assert "full" in reply.text  # the outcome is shown
    assert "No cases match" in run(dbctx, "search taser status:open", now=NOW).text
    assert run(dbctx, "search taser regime:xyz", now=NOW).is_error
    assert run(dbctx, "search taser from:2024-05-01 to:2024-01-01", now=NOW).is_error
    dbctx.is_team_member = lambda user: user != "U_OUTSIDER"
    refused = run(dbctx, "search taser", user="U_OUTSIDER", now=NOW)
    assert refused.is_error and "Only the information-rights team can" in refused.text


def test_show_lists_similar_earlier_cases_with_reuse_buttons(dbctx: CommandContext) -> None:
    old = add(dbctx, "Taser discharges", TASERS, received=date(2023, 2, 6), outcome="partial")
    add(dbctx, "Drones", ["How many drones does the force own?"], received=date(2023, 3, 6))
    new = add(dbctx, "Taser use", ["How many times was a Taser discharged at a person or an animal in 2024?"],
              received=date(2024, 5, 7))
    reply = run(dbctx, f"show {new.reference}", now=NOW)
    assert f"{old.reference} — received 2023-02-06, partial" in reply.text
    assert "Drones" not in reply.text
    assert [a.value for a in reply.actions] == [f"reuse {new.reference} {old.reference}"]
    assert reply.actions[0].action_id == "similar_reuse"
    lonely = run(dbctx, f"show {old.reference}", now=NOW)  # a later case is not "asked before"
    assert "Asked before" not in lonely.text


def test_reuse_copies_answers_as_a_starting_draft(dbctx: CommandContext) -> None:
    old = add(dbctx, "Taser discharges", TASERS, received=date(2023, 2, 6))
    new = add(dbctx, "Taser use", TASERS, received=date(2024, 5, 7))
    with session_scope(dbctx.engine) as session:
        set_answer(session, get_case(session, old.reference), "1", "412", source="typed", author="U1")
        set_answer(session, get_case(session, old.reference), "2", "3; a Staffordshire bull terrier", source="typed", author="U1")
        set_answer(session, get_case(session, new.reference), "2", "already written", source="typed", author="U2")
    reply = run(dbctx, f"reuse {new.reference} {old.reference}", now=NOW)
    assert "Copied 1 answer(s)" in reply.text and "Kept the answers" in reply.text
    with session_scope(dbctx.engine) as session:
        answers = answers_for(session, get_case(session, new.reference).id)
        assert answers["1"].text == "412" and answers["1"].source == f"reused from {old.reference}"
        assert answers["2"].text == "already written"
    assert run(dbctx, f"reuse {new.reference} {new.reference}", now=NOW).is_error
    assert "no longer exists" in run(dbctx, f"reuse proposal:999 {old.reference}", now=NOW).text
    with session_scope(dbctx.engine) as session:
        row = IntakeProposal(channel_id="C1", message_ts="1.1", text="x")
        session.add(row)
        session.flush()
        proposal_id = row.id
    assert "Register the case first" in run(dbctx, f"reuse proposal:{proposal_id} {old.reference}", now=NOW).text


def test_same_requester_within_60_working_days_is_flagged_with_the_rules(dbctx: CommandContext) -> None:
    first = add(dbctx, "Taser discharges", TASERS, received=date(2024, 1, 8), email="pat@example.org")
    add(dbctx, "Taser discharges", TASERS, received=date(2023, 1, 9), email="pat@example.org")  # too long ago
    add(dbctx, "Drones", ["How many drones?"], received=date(2024, 1, 15), email="PAT@example.org")  # other subject
    text = "From: Pat Example <Pat@Example.org>\nSent: 3 April 2024 10:00\nSubject: Tasers\n\n" \
           "1. How many times did officers discharge a Taser at a person in 2024?\n"
    proposal = propose(dbctx, text, today=date(2024, 4, 3))
    found = asked_before_for(dbctx, proposal, text, today=date(2024, 4, 3))
    assert found.same_requester is not None
    [(reference, received, apart)] = found.same_requester.earlier
    assert (reference, received) == (first.reference, date(2024, 1, 8))
    assert apart == 59  # 3 Apr is the 60th working day counting 8 Jan as the first (Easter skipped)
    wording = found.same_requester.text()
    assert "reg 5" in wording and "s.14(2)" in wording and "60 working days" in wording
    later = propose(dbctx, text.replace("3 April 2024", "4 April 2024"), today=date(2024, 4, 4))
    assert asked_before_for(dbctx, later, text, today=date(2024, 4, 4)).same_requester is None  # the 61st day


def test_intake_reply_has_the_asked_before_lines_and_buttons(dbctx: CommandContext) -> None:
    old = add(dbctx, "Taser discharges", TASERS, received=date(2023, 2, 6), outcome="full")
    text = "Dear FOI team,\n\nPlease tell me how many times a Taser was discharged at an animal in 2024.\n\nThanks"
    proposal = propose(dbctx, text, today=date(2024, 6, 3))
    reply, actions = intake_reply(dbctx, proposal, text, 7, today=date(2024, 6, 3))
    assert f"{old.reference} — received 2023-02-06, full" in reply
    assert [a.action_id for a in actions] == ["intake_register", "intake_edit", "intake_dismiss", "similar_reuse"]
    assert actions[-1].value == f"reuse proposal:7 {old.reference}"
