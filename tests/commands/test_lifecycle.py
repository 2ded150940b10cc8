"""The statutory clock wired into cases: each lifecycle command recomputes, records and refuses nonsense."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.models import Case, CaseEvent
from tests.conftest import run

NOW = datetime(2018, 6, 1, 10, 0, tzinfo=timezone.utc)


def case(ctx, reference: str) -> Case:
    with session_scope(ctx.engine) as session:
        return session.exec(select(Case).where(Case.reference == reference)).one()


def events(ctx, reference: str) -> list[str]:
    with session_scope(ctx.engine) as session:
        found = case(ctx, reference)
        return [e.kind for e in session.exec(select(CaseEvent).where(CaseEvent.case_id == found.id).order_by(CaseEvent.id))]


@pytest.fixture
def seed(ctx):
    reply = run(ctx, "new How many times did you use Outcome 21? received:2018-02-09", now=NOW)
    assert not reply.is_error, reply.text
    return ctx


def test_show_explains_the_deadline_with_skipped_holidays(ctx) -> None:
    run(ctx, "new Easter request received:2024-03-28", now=NOW.replace(year=2024))
    reply = run(ctx, "show FOI2024/00001", now=NOW.replace(year=2024))
    assert reply.case.due == date(2024, 4, 29)
    explanation = "\n".join(reply.case.explanation)
    assert "Good Friday" in explanation and "Easter Monday" in explanation


def test_clarification_stops_and_restarts_the_clock(seed) -> None:
    reply = run(seed, "clarify FOI2018/00001 2018-02-12", now=NOW)
    assert "clock is stopped" in reply.text
    assert case(seed, "FOI2018/00001").due is None
    assert case(seed, "FOI2018/00001").status == "awaiting clarification"
    reply = run(seed, "clarified FOI2018/00001 2018-02-15", now=NOW)
    assert case(seed, "FOI2018/00001").due == date(2018, 3, 15)  # 20 working days from 15 Feb
    assert case(seed, "FOI2018/00001").status == "open"
    assert events(seed, "FOI2018/00001") == ["registered", "clarification-sought", "clarification-received"]


def test_fee_pause_adds_the_paused_working_days(seed) -> None:
    run(seed, "fee FOI2018/00001 2018-02-20", now=NOW)
    assert case(seed, "FOI2018/00001").status == "awaiting fee"
    run(seed, "paid FOI2018/00001 2018-02-26", now=NOW)
    # 20 Feb–26 Feb inclusive is 5 working days: 9 March + 5 working days = 16 March
    assert case(seed, "FOI2018/00001").due == date(2018, 3, 16)


def test_response_opens_the_review_window_and_review_opens_a_linked_case(seed) -> None:
    reply = run(seed, "respond FOI2018/00001 2018-03-08 part", now=NOW)
    assert "internal review until 2018-05-08" in reply.text
    stored = case(seed, "FOI2018/00001")
    assert (stored.status, stored.responded, stored.review_request_by, stored.working_days_taken) == (
        "responded", date(2018, 3, 8), date(2018, 5, 8), 19)
    reply = run(seed, "review FOI2018/00001 2018-04-03", now=NOW)
    assert reply.post_card_for == "IR2018/00001"
    review = case(seed, "IR2018/00001")
    parent = case(seed, "FOI2018/00001")
    assert review.parent_id == parent.id and parent.status == "under review"
    assert review.due == date(2018, 5, 1) and review.extended_due == date(2018, 5, 31)  # 20 and 40 working days
    reply = run(seed, "reviewed FOI2018/00001 2018-04-20 upheld", now=NOW)
    assert "ICO" in reply.text
    assert case(seed, "IR2018/00001").review_outcome == "upheld"
    assert case(seed, "FOI2018/00001").status == "closed"


def test_extension_for_foia_and_refusal_for_foisa(seed) -> None:
    reply = run(seed, "extend FOI2018/00001 until 2018-04-20 s31 public interest test", now=NOW)
    assert not reply.is_error and "2018-04-20" in reply.text
    assert case(seed, "FOI2018/00001").status == "extended"
    run(seed, "new Scottish request received:2018-02-09", now=NOW)
    run(seed, "regime FOI2018/00002 foisa", now=NOW)
    reply = run(seed, "extend FOI2018/00002", now=NOW)
    assert reply.is_error and "no extension" in reply.text
    assert case(seed, "FOI2018/00002").extended is False  # nothing written


def test_regime_change_recomputes_and_says_the_date_moved(ctx) -> None:
    run(ctx, "new Request received:2026-06-01", now=NOW.replace(year=2026))
    assert case(ctx, "FOI2026/00001").due == date(2026, 6, 30)  # 15 June (Scotland) is a UK-wide non-working day
    reply = run(ctx, "regime FOI2026/00001 sar", now=NOW.replace(year=2026))
    assert case(ctx, "FOI2026/00001").due == date(2026, 7, 1)
    assert "Due date moved from 2026-06-30 to 2026-07-01." in reply.text


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("clarified FOI2018/00001 2018-02-20", "No clarification was sought"),
        ("paid FOI2018/00001 2018-02-20", "No fees notice was given"),
        ("respond FOI2018/00001 2018-02-01", "The response cannot be dated before the request was received."),
        ("respond FOI2018/00001 2018-03-08 maybe", "`maybe` is not an outcome"),
        ("review FOI2018/00001 2018-03-01", "has no response yet"),
        ("reviewed FOI2018/00001", "has no internal review"),
        ("regime FOI2018/00001 gdpr", "Say which regime"),
        ("clarify FOI2018/00001 2018-02-31", "`2018-02-31` is not a valid date clarification was sought"),
        ("clarify FOI2018/00001 2999-01-01", "is in the future"),
        ("extend FOI2018/00001 until", "Give the date after `until`"),
        ("deadline tomorrow-ish", "is not a valid received date"),
        ("clarify FOI2099/00001", "There is no case FOI2099/00001"),
    ],
)
def test_impossible_sequences_are_refused_and_nothing_is_written(seed, line: str, message: str) -> None:
    before = case(seed, "FOI2018/00001")
    reply = run(seed, line, now=NOW)
    assert reply.is_error and message in reply.text, reply.text
    after = case(seed, "FOI2018/00001")
    assert (after.status, after.due, after.responded, after.regime) == (before.status, before.due, before.responded, before.regime)
    assert events(seed, "FOI2018/00001") == ["registered"]


def test_deadline_calculator(ctx) -> None:
    reply = run(ctx, "deadline 2024-03-28", now=NOW)
    assert "due 2024-04-29" in reply.text and "Good Friday" in reply.text
    reply = run(ctx, "deadline 2024-03-28 foisa", now=NOW)
    assert "due 2024-04-26" in reply.text  # Easter Monday is a working day in Scotland


def test_a_changed_calendar_never_moves_a_stored_date_silently(ctx) -> None:
    run(ctx, "new Request received:2026-06-01", now=NOW.replace(year=2026))
    with session_scope(ctx.engine) as session:
        stored = session.exec(select(Case)).one()
        stored.due, stored.calendar_version = date(2026, 6, 29), "holidays-0.90+overrides-00000000"
        session.add(stored)
    reply = run(ctx, "show FOI2026/00001", now=NOW.replace(year=2026))
    assert reply.case.due == date(2026, 6, 29)  # the stored date stands
    assert any("The holiday calendar has changed since this date was set" in line and "2026-06-30" in line
               for line in reply.case.explanation)
    moved = run(ctx, "extend FOI2026/00001", now=NOW.replace(year=2026))
    assert "Due date moved from 2026-06-29 to 2026-06-30." in moved.text  # a recomputation says so


def test_an_internal_review_explains_itself_by_the_review_rules(seed) -> None:
    run(seed, "respond FOI2018/00001 2018-03-08", now=NOW)
    run(seed, "review FOI2018/00001 2018-04-03", now=NOW)
    reply = run(seed, "show IR2018/00001", now=NOW)
    assert reply.case.due == date(2018, 5, 1)
    assert any("review" in line.lower() and "2018-05-01" in line or "1 May 2018" in line for line in reply.case.explanation)
