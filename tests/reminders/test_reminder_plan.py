"""The pure planner: which reminders a case is owed on a day, and what the digest says. No I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from commands.rules import reminder_plan as plan
from commands.rules.calendar import calendar_for
from commands.rules.clock import ClockFacts, compute_deadlines
from commands.rules.reminder_plan import (
    AUTO_CLOSE_REASON,
    THREAD,
    CaseFacts,
    ReminderPolicy,
    build_digest,
    days_phrase,
    due_at,
    is_late,
    plan_reminders,
    snooze_until,
    when_phrase,
)
from storage.models import CaseStatus

POLICY = ReminderPolicy(team_channel="C_TEAM", lead="U_LEAD")
LONDON = ZoneInfo("Europe/London")
D = date.fromisoformat


def case(**overrides: object) -> CaseFacts:
    """FOI2026/00001: received Mon 2 Mar 2026, due Tue 31 Mar 2026 (St Patrick's Day is skipped)."""
    base = CaseFacts(case_id=1, reference="FOI2026/00001", regime="foia", status="open", due=D("2026-03-31"),
                     subject="Outcome 21", assignee="U_ALICE", received=D("2026-03-02"), has_thread=True,
                     created=D("2026-03-02"))
    return replace(base, **overrides)  # type: ignore[arg-type]


def on(day: str, facts: CaseFacts | None = None, policy: ReminderPolicy = POLICY, **kw: object) -> list[tuple[str, str]]:
    """(kind, recipient) of what is owed on ``day`` alone (no catch-up)."""
    today = D(day)
    return [(r.kind, r.recipient) for r in plan_reminders(facts or case(), today, policy, since=today, **kw)]  # type: ignore[arg-type]


def test_the_due_date_really_is_the_clocks() -> None:
    assert compute_deadlines(ClockFacts("foia", D("2026-03-02"))).due == D("2026-03-31")


def test_countdown_points_are_working_days_before_the_due_date() -> None:
    assert on("2026-03-24") == [("due-in-5", "U_ALICE"), ("due-in-5", THREAD)]
    assert on("2026-03-25") == []
    assert on("2026-03-27") == [("due-in-2", "U_ALICE"), ("due-in-2", THREAD)]
    assert on("2026-03-30") == [("due-in-1", "U_ALICE"), ("due-in-1", THREAD)]
    assert on("2026-03-31") == [("due-today", "U_ALICE"), ("due-today", THREAD)]


def test_overdue_every_working_day_saying_by_how_much() -> None:
    owed = plan_reminders(case(), D("2026-04-02"), POLICY, since=D("2026-04-02"))
    assert [(r.kind, r.working_days_left) for r in owed] == [("overdue", -2), ("overdue", -2)]
    assert on("2026-04-03") == [] and on("2026-04-06") == []  # Good Friday, Easter Monday
    assert on("2026-04-04") == []  # Saturday
    assert [k for k, _ in on("2026-04-07")] == ["overdue", "overdue"]
    assert days_phrase(-3) == "overdue by 3 working days" and days_phrase(-1) == "overdue by 1 working day"


def test_very_overdue_escalates_to_the_team_and_the_lead_once() -> None:
    escalation = calendar_for("uk").add_working_days(D("2026-03-31"), 20)
    assert escalation == D("2026-04-30")
    assert ("very-overdue", "C_TEAM") in on("2026-04-30") and ("very-overdue", "U_LEAD") in on("2026-04-30")
    assert not [k for k, _ in on("2026-04-29") + on("2026-05-01") if k == "very-overdue"]


def test_unassigned_goes_to_the_team_channel_and_no_thread_means_no_thread_reply() -> None:
    assert on("2026-03-24", case(assignee=None)) == [("due-in-5", "C_TEAM"), ("due-in-5", THREAD)]
    assert on("2026-03-24", case(assignee=None, has_thread=False)) == [("due-in-5", "C_TEAM")]
    assert on("2026-03-24", case(assignee=None, has_thread=False), ReminderPolicy()) == []


def test_configured_points() -> None:
    assert [k for k, _ in on("2026-03-17", case(regime="foia"), replace(POLICY, days_before=(10,)))] == []  # St Patrick's
    assert [k for k, _ in on("2026-03-16", policy=replace(POLICY, days_before=(10, 3)))] == ["due-in-10", "due-in-10"]


def test_catch_up_returns_every_missed_reminder_in_the_window() -> None:
    owed = plan_reminders(case(), D("2026-04-01"), POLICY, since=D("2026-03-25"))
    personal = [(r.kind, r.target_date.isoformat()) for r in owed if r.recipient == "U_ALICE"]
    assert personal == [("due-in-2", "2026-03-27"), ("due-in-1", "2026-03-30"), ("due-today", "2026-03-31"),
                        ("overdue", "2026-04-01")]
    assert all(r.working_days_left == -1 for r in owed)  # counted from the day planned for


def test_nothing_is_owed_before_the_case_existed() -> None:
    late_registration = case(created=D("2026-03-30"))
    owed = plan_reminders(late_registration, D("2026-03-30"), POLICY, since=D("2026-03-20"))
    assert {r.kind for r in owed} == {"due-in-1"}


def test_a_stopped_clock_owes_nothing_until_clarification_goes_stale() -> None:
    waiting = case(status="awaiting clarification", due=None, clarification_sought=D("2026-03-10"))
    stale_on = calendar_for("uk").add_working_days(D("2026-03-10"), 21)
    for day in range(0, 60):
        today = D("2026-03-10") + timedelta(days=day)
        owed = plan_reminders(waiting, today, POLICY, since=today)
        expected = [("clarification-stale", "U_ALICE"), ("clarification-stale", THREAD)] if today == stale_on else []
        assert [(r.kind, r.recipient) for r in owed] == expected, today


def test_the_extended_date_is_counted_down_and_a_weekend_estimate_falls_on_the_friday() -> None:
    extended = case(status="extended", extended=True, extended_due=D("2026-04-25"))  # a Saturday
    assert on("2026-04-24", extended) == [("extended-due-today", "U_ALICE"), ("extended-due-today", THREAD)]
    assert on("2026-04-23", extended)[0][0] == "extended-due-in-1"
    assert on("2026-03-31", extended) == []  # the original due date no longer chases anyone


def test_internal_review_counts_to_its_target_and_mentions_the_outer_limit() -> None:
    review = case(reference="IR2026/00001", is_review=True, due=D("2026-05-05"), extended_due=D("2026-06-03"))
    assert on("2026-05-05", review)[0][0] == "ir-due-today"
    owed = plan_reminders(review, D("2026-05-06"), POLICY, since=D("2026-05-06"))
    assert owed[0].kind == "ir-overdue" and owed[0].track == "review"
    assert plan.deadline_track(review, calendar_for("uk")).outer_limit == D("2026-06-03")  # type: ignore[union-attr]


def test_review_window_note_closes_the_case_unless_a_review_was_requested() -> None:
    responded = case(status="responded", review_request_by=D("2026-06-01"))
    owed = plan_reminders(responded, D("2026-06-02"), POLICY, since=D("2026-06-02"))
    assert [(r.kind, r.recipient, r.closes_case) for r in owed] == [("review-window-closed", THREAD, True)]
    assert not plan_reminders(responded, D("2026-06-01"), POLICY, since=D("2026-05-20"))
    manual = replace(POLICY, auto_close=False)
    assert [r.closes_case for r in plan_reminders(responded, D("2026-06-02"), manual)] == [False]
    asked = replace(responded, review_requested=D("2026-05-20"), status="under review")
    assert plan_reminders(asked, D("2026-06-02"), POLICY) == []
    closed_by_sweep = replace(responded, status="closed", close_reason=AUTO_CLOSE_REASON)
    assert [r.closes_case for r in plan_reminders(closed_by_sweep, D("2026-06-02"), POLICY)] == [False]
    closed_by_hand = replace(responded, status="closed", close_reason="duplicate")
    assert plan_reminders(closed_by_hand, D("2026-06-02"), POLICY) == []


def test_snooze_asks_for_one_more_reminder_on_the_next_working_day() -> None:
    assert snooze_until("foia", D("2026-04-02")) == D("2026-04-07")  # over Easter
    owed = plan_reminders(case(), D("2026-03-26"), POLICY, since=D("2026-03-26"), snoozed=[("U_ALICE", D("2026-03-26"))])
    assert [(r.kind, r.recipient) for r in owed] == [("snooze", "U_ALICE")]
    twice = plan_reminders(case(), D("2026-03-26"), POLICY, since=D("2026-03-26"),
                           snoozed=[("U_ALICE", D("2026-03-26")), ("U_ALICE", D("2026-03-26"))])
    assert len(twice) == 1  # a collapsed message's rows are snoozed together, and remind once


def test_status_words_mirror_the_models() -> None:
    assert plan.ACTIVE == CaseStatus.ACTIVE
    assert (plan.RESPONDED, plan.CLOSED) == (CaseStatus.RESPONDED, CaseStatus.CLOSED)


def test_timing_follows_london_time_across_both_changeovers() -> None:
    assert due_at(D("2026-03-27"), 9, LONDON).astimezone(timezone.utc).hour == 9
    assert due_at(D("2026-03-30"), 9, LONDON).astimezone(timezone.utc).hour == 8
    assert due_at(D("2026-10-23"), 9, LONDON).astimezone(timezone.utc).hour == 8
    assert due_at(D("2026-10-26"), 9, LONDON).astimezone(timezone.utc).hour == 9


def test_lateness_and_how_it_is_said() -> None:
    due = due_at(D("2026-03-30"), 9, LONDON)
    assert not is_late(due, due + timedelta(minutes=5))
    assert is_late(due, due + timedelta(hours=2))
    assert not is_late(due, due + timedelta(hours=6), created=due + timedelta(hours=5, minutes=50))
    now = datetime(2026, 3, 31, 10, 0, tzinfo=LONDON)
    assert when_phrase(due, now) == "09:00 yesterday"
    assert when_phrase(due_at(D("2026-03-31"), 9, LONDON), now) == "09:00 today"
    assert when_phrase(due_at(D("2026-03-27"), 9, LONDON), now) == "09:00 on Fri 27 Mar"


def test_digest_sections_in_order_oldest_overdue_first_and_empty_ones_omitted() -> None:
    today = D("2026-03-31")
    cases = [
        case(case_id=1, reference="FOI2026/00001"),  # due today
        case(case_id=2, reference="FOI2026/00002", due=D("2026-04-02")),  # due in 2
        case(case_id=3, reference="FOI2026/00003", due=D("2026-03-20")),  # overdue
        case(case_id=4, reference="FOI2026/00004", due=D("2026-03-05")),  # more overdue
        case(case_id=5, reference="FOI2026/00005", due=D("2026-05-20")),  # far away: nowhere
        case(case_id=6, reference="FOI2026/00006", status="awaiting clarification", due=None,
             clarification_sought=D("2026-02-02")),
        case(case_id=7, reference="FOI2026/00007", status="awaiting fee", due=None, received=D("2025-12-20"),
             fee_notice=D("2026-01-02")),
        case(case_id=8, reference="FOI2026/00008", status="responded", review_request_by=D("2026-04-03")),
        case(case_id=9, reference="IR2026/00001", is_review=True, due=D("2026-04-01"), extended_due=D("2026-04-29")),
        case(case_id=10, reference="FOI2026/00010", status="closed", due=D("2026-03-01")),
    ]
    digest = build_digest(cases, today, POLICY)
    keys = [key for key, _title, _lines in digest.sections]
    assert keys == ["due-today", "due-soon", "overdue", "clarification", "fee-lapsing", "review-window", "reviews-due"]
    sections = {key: [line.reference for line in lines] for key, _t, lines in digest.sections}
    assert sections["overdue"] == ["FOI2026/00004", "FOI2026/00003"]
    assert sections["due-today"] == ["FOI2026/00001"] and sections["reviews-due"] == ["IR2026/00001"]
    assert all("FOI2026/00005" not in refs and "FOI2026/00010" not in refs for refs in sections.values())
    assert build_digest([case(due=D("2026-06-30"))], today, POLICY).empty


def test_a_snoozed_case_still_shows_in_the_digest() -> None:
    overdue = case(due=D("2026-03-20"))
    digest = build_digest([overdue], D("2026-03-31"), POLICY)
    assert digest.sections[0][0] == "overdue"  # the digest never looks at snoozes


@settings(max_examples=300, deadline=None)
@given(
    received=st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 1)),
    offset=st.integers(min_value=0, max_value=80),
    window=st.integers(min_value=0, max_value=15),
    assigned=st.booleans(),
    regime=st.sampled_from(["foia", "eir", "foisa", "sar"]),
)
def test_every_reminder_falls_on_a_working_day_in_the_window_with_a_unique_key(
        received: date, offset: int, window: int, assigned: bool, regime: str) -> None:
    due = compute_deadlines(ClockFacts(regime, received)).due
    facts = case(regime=regime, received=received, due=due, created=received, assignee="U_A" if assigned else None)
    today = received + timedelta(days=offset)
    since = today - timedelta(days=window)
    owed = plan_reminders(facts, today, POLICY, since=since)
    calendar = plan.case_calendar(regime)
    keys = [r.key for r in owed]
    assert len(keys) == len(set(keys))
    for reminder in owed:
        assert max(since, received) <= reminder.target_date <= today
        assert calendar.is_working_day(reminder.target_date) and calendar.is_working_day(today)
    # Planning the same day again, and planning each day on its own, finds the same reminders.
    daily = {r.key for d in range(window + 1) for r in plan_reminders(facts, since + timedelta(days=d), POLICY,
                                                                        since=since + timedelta(days=d))}
    assert set(keys) <= daily
