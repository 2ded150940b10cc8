"""The statutory clock: worked examples per rule, refusals of impossible facts, and properties that must
hold for every date (hypothesis)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from commands.rules.calendar import calendar_for
from commands.rules.clock import (
    REGIMES,
    ClockError,
    ClockFacts,
    compute_deadlines,
    due_dates,
    working_days_left,
    working_days_overdue,
)

D = date
UK = calendar_for("uk")
RECEIVED = st.dates(min_value=date(2007, 1, 1), max_value=date(2030, 12, 31))
RECEIPT_RULE = st.sampled_from(["ico", "code2018"])


def due(regime: str, received: date, **facts: object) -> date | None:
    return compute_deadlines(ClockFacts(regime, received, **facts)).due  # type: ignore[arg-type]


# -- regimes ------------------------------------------------------------------------------------------


def test_regimes_are_records_of_calendar_limit_and_rules() -> None:
    assert set(REGIMES) == {"foia", "eir", "foisa", "sar"}
    assert REGIMES["foia"].title == "Freedom of Information Act 2000"
    assert (REGIMES["foia"].calendar, REGIMES["foia"].limit, REGIMES["foia"].counting) == (
        "uk",
        20,
        "working-days",
    )
    assert REGIMES["eir"].calendar == "uk"
    assert REGIMES["foisa"].calendar == "scotland"
    assert REGIMES["foisa"].extension == "none"
    assert (REGIMES["sar"].limit, REGIMES["sar"].counting) == (1, "calendar-months")


# -- counting and receipt ----------------------------------------------------------------------------------


def test_receipt_day_is_day_zero_and_due_is_the_twentieth_working_day() -> None:
    result = compute_deadlines(ClockFacts("foia", D(2018, 2, 9)))
    assert result.day_zero == D(2018, 2, 9)
    assert result.due == D(2018, 3, 9)
    assert result.skipped == ()
    assert result.explanation[1] == (
        "Received Friday 9 February 2018, a working day: day 0; Monday 12 February 2018 is day 1."
    )
    assert result.calendar_version == UK.version


def test_receipt_on_a_non_working_day_ico_and_code_readings() -> None:
    ico = compute_deadlines(ClockFacts("foia", D(2025, 4, 18)))
    code = compute_deadlines(ClockFacts("foia", D(2025, 4, 18), receipt_rule="code2018"))
    assert (ico.day_zero, ico.due) == (D(2025, 4, 18), D(2025, 5, 20))
    assert (code.day_zero, code.due) == (D(2025, 4, 22), D(2025, 5, 21))
    assert "Good Friday, not a working day" in ico.explanation[1]
    assert "ICO reading" in ico.explanation[1]
    assert "Code of Practice 2018 reading" in code.explanation[1]


def test_skipped_lists_the_weekday_holidays_between_day_zero_and_due() -> None:
    easter = compute_deadlines(ClockFacts("foia", D(2024, 3, 28)))
    assert easter.due == D(2024, 4, 29)
    assert easter.skipped == ((D(2024, 3, 29), "Good Friday"), (D(2024, 4, 1), "Easter Monday"))
    new_year = compute_deadlines(ClockFacts("foia", D(2024, 12, 16)))
    assert new_year.due == D(2025, 1, 17)
    assert [d for d, _ in new_year.skipped] == [
        D(2024, 12, 25),
        D(2024, 12, 26),
        D(2025, 1, 1),
        D(2025, 1, 2),
    ]
    assert new_year.skipped[-1][1] == "New Year Holiday (Scotland)"
    assert any("Holidays skipped" in line and "Scotland" in line for line in new_year.explanation)


def test_foisa_counts_on_scottish_bank_holidays_only() -> None:
    assert due("foisa", D(2025, 4, 16)) == D(2025, 5, 16)  # Easter Monday is a Scottish working day
    assert due("foia", D(2025, 4, 16)) == D(2025, 5, 19)
    assert due("foisa", D(2025, 3, 10)) == D(2025, 4, 7)  # 17 March is a working day in Scotland
    assert due("foia", D(2025, 3, 10)) == D(2025, 4, 8)


# -- clarification -------------------------------------------------------------------------------------------


def test_clarification_restarts_twenty_working_days() -> None:
    assert due("foia", D(2025, 1, 6), clarified=D(2025, 1, 17)) == D(2025, 2, 14)
    # Received on a Saturday: the receipt rule applies to the clarification as to the request.
    assert due("foia", D(2025, 1, 6), clarified=D(2025, 1, 18)) == D(2025, 2, 14)
    assert due("foia", D(2025, 1, 6), clarified=D(2025, 1, 18), receipt_rule="code2018") == D(2025, 2, 17)
    assert due("eir", D(2025, 1, 6), clarified=D(2025, 1, 17)) == D(2025, 2, 14)


def test_clarification_sought_and_not_yet_received_stops_the_clock() -> None:
    result = compute_deadlines(ClockFacts("foia", D(2025, 1, 6), clarification_sought=D(2025, 1, 8)))
    assert result.clock_stopped
    assert result.due is None
    assert "due" in result.to_json_dict() and result.to_json_dict()["due"] is None


def test_sar_clarification_pauses_the_clock_by_the_days_waited() -> None:
    # ICO example: received 14 November, clarification sought 16 November, received 16 December.
    result = compute_deadlines(
        ClockFacts("sar", D(2024, 11, 14), clarification_sought=D(2024, 11, 16), clarified=D(2024, 12, 16))
    )
    assert result.due == D(2025, 1, 13)
    assert any("30 days added" in line for line in result.explanation)


# -- fees ------------------------------------------------------------------------------------------------------


def test_fees_notice_pauses_the_clock_inclusive_of_both_days() -> None:
    result = compute_deadlines(
        ClockFacts("foia", D(2025, 6, 2), fee_notice=D(2025, 6, 9), fee_paid=D(2025, 6, 20))
    )
    assert result.due == D(2025, 7, 15)  # 30 June + 10 paused working days, skipping NI's 14 July
    assert result.fee_lapses is None
    assert any("10 working days in between" in line for line in result.explanation)


def test_unpaid_fee_stops_the_clock_and_lapses_after_three_months() -> None:
    result = compute_deadlines(ClockFacts("foia", D(2025, 6, 2), fee_notice=D(2025, 6, 9)))
    assert result.clock_stopped and result.due is None
    assert result.fee_lapses == D(2025, 9, 9)
    assert result.to_json_dict()["fee_lapses"] == "2025-09-09"
    # Three months beginning with 30 November end on the last day of February.
    late = compute_deadlines(ClockFacts("foia", D(2026, 11, 2), fee_notice=D(2026, 11, 30)))
    assert late.fee_lapses == D(2027, 3, 1)
    # EIR reg 8(5): 60 working days.
    eir = compute_deadlines(ClockFacts("eir", D(2025, 6, 2), fee_notice=D(2025, 6, 9)))
    assert eir.fee_lapses == D(2025, 9, 5)


def test_sar_fee_starts_the_month_from_its_receipt() -> None:
    assert due("sar", D(2025, 3, 1), fee_notice=D(2025, 3, 5), fee_paid=D(2025, 3, 20)) == D(2025, 4, 22)


def test_a_fees_notice_after_the_deadline_does_not_move_it() -> None:
    assert due("foia", D(2025, 6, 2), fee_notice=D(2025, 7, 7), fee_paid=D(2025, 7, 10)) == D(2025, 6, 30)


# -- extensions ---------------------------------------------------------------------------------------------------


def test_foia_public_interest_extension_outer_limit_and_estimate() -> None:
    plain = compute_deadlines(ClockFacts("foia", D(2025, 6, 2), extended=True))
    assert (plain.due, plain.extended_due, plain.extension_limit) == (
        D(2025, 6, 30),
        D(2025, 7, 29),
        D(2025, 7, 29),
    )
    assert plain.extension_flag is None
    estimate = compute_deadlines(ClockFacts("foia", D(2025, 6, 2), extended_until=D(2025, 7, 18)))
    assert (estimate.extended_due, estimate.extension_flag) == (D(2025, 7, 18), None)
    late = compute_deadlines(ClockFacts("foia", D(2025, 6, 2), extended_until=D(2025, 8, 1)))
    assert late.extended_due == D(2025, 8, 1)
    assert late.extension_flag and "2025-07-29" in late.extension_flag
    assert late.to_json_dict()["extension_flag"] == late.extension_flag


def test_eir_extension_is_forty_working_days() -> None:
    result = compute_deadlines(ClockFacts("eir", D(2025, 4, 16), extended=True))
    assert (result.due, result.extended_due) == (D(2025, 5, 19), D(2025, 6, 17))


def test_sar_extension_three_months_from_receipt_or_two_after_due() -> None:
    assert compute_deadlines(ClockFacts("sar", D(2025, 1, 31), extended=True)).extended_due == D(2025, 4, 30)
    alternative = ClockFacts("sar", D(2025, 1, 31), extended=True, sar_extension="2m-after-due")
    assert compute_deadlines(alternative).extended_due == D(2025, 4, 28)


def test_foisa_has_no_extension() -> None:
    with pytest.raises(
        ClockError, match=r"^The Freedom of Information \(Scotland\) Act 2002 allows no extension"
    ):
        compute_deadlines(ClockFacts("foisa", D(2025, 4, 16), extended=True))


# -- subject access -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (D(2025, 1, 31), D(2025, 2, 28)),  # no 31 February
        (D(2024, 1, 31), D(2024, 2, 29)),  # leap year
        (D(2025, 9, 3), D(2025, 10, 3)),  # corresponding date
        (D(2019, 4, 6), D(2019, 5, 7)),  # Saturday receipt is day 1; 6 May 2019 bank holiday
        (D(2025, 2, 22), D(2025, 3, 24)),  # 22 March 2025 is a Saturday
    ],
)
def test_sar_one_calendar_month(received: date, expected: date) -> None:
    assert due("sar", received) == expected


def test_sar_uses_the_controllers_jurisdiction() -> None:
    assert due("sar", D(2025, 12, 2)) == D(2026, 1, 2)
    assert due("sar", D(2025, 12, 2), sar_calendar="scotland") == D(2026, 1, 5)
    assert due("sar", D(2025, 6, 12), sar_calendar="northern-ireland") == D(2025, 7, 15)  # 12 July a Saturday
    assert due("sar", D(2025, 6, 12)) == D(2025, 7, 14)
    result = compute_deadlines(ClockFacts("sar", D(2019, 4, 6)))
    assert result.skipped == ((D(2019, 5, 6), "May Day"),)


# -- internal review ------------------------------------------------------------------------------------------------


def test_foia_review_window_two_months_or_forty_working_days() -> None:
    two_months = compute_deadlines(ClockFacts("foia", D(2018, 2, 9), responded=D(2018, 3, 8)))
    forty = compute_deadlines(
        ClockFacts("foia", D(2018, 2, 9), responded=D(2018, 3, 8), review_window="40wd")
    )
    assert two_months.review_request_by == D(2018, 5, 8)
    assert forty.review_request_by == D(2018, 5, 9)  # NI's 19 March 2018 substitute counts
    assert two_months.review_due is None and "review_due" not in two_months.to_json_dict()


def test_foia_review_target_and_outer_limit() -> None:
    result = compute_deadlines(
        ClockFacts("foia", D(2025, 5, 1), responded=D(2025, 5, 29), review_requested=D(2025, 6, 2))
    )
    assert (result.review_due, result.review_max) == (D(2025, 6, 30), D(2025, 7, 29))
    assert any("six weeks" in line for line in result.explanation)


def test_eir_reg_11_representations_and_reconsideration() -> None:
    result = compute_deadlines(
        ClockFacts("eir", D(2025, 4, 16), responded=D(2025, 5, 19), review_requested=D(2025, 6, 2))
    )
    assert result.review_request_by == D(2025, 7, 16)
    assert result.review_due == result.review_max == D(2025, 7, 29)


def test_foisa_review_window_runs_from_the_deadline_or_a_late_response() -> None:
    on_time = compute_deadlines(ClockFacts("foisa", D(2025, 4, 16), responded=D(2025, 5, 14)))
    assert on_time.review_request_by == D(2025, 7, 14)
    late = compute_deadlines(
        ClockFacts("foisa", D(2025, 4, 16), responded=D(2025, 5, 20), review_requested=D(2025, 6, 2))
    )
    assert late.review_request_by == D(2025, 7, 16)
    assert late.review_due == late.review_max == D(2025, 6, 30)
    assert any("six months" in line for line in late.explanation)


def test_sar_has_no_internal_review_dates() -> None:
    result = compute_deadlines(ClockFacts("sar", D(2025, 1, 6), responded=D(2025, 1, 20)))
    assert result.review_request_by is None
    assert any("no statutory internal review" in line for line in result.explanation)


# -- refusals ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (ClockFacts("foia", D(2025, 1, 6), clarified=D(2025, 1, 3)), "before the request was received"),
        (
            ClockFacts("foia", D(2025, 1, 6), clarification_sought=D(2025, 1, 10), clarified=D(2025, 1, 8)),
            "before it was sought",
        ),
        (ClockFacts("foia", D(2025, 1, 6), responded=D(2025, 1, 5)), "response cannot be dated before"),
        (ClockFacts("foia", D(2025, 1, 6), fee_paid=D(2025, 1, 10)), "without a fees notice"),
        (
            ClockFacts("foia", D(2025, 1, 6), fee_notice=D(2025, 1, 10), fee_paid=D(2025, 1, 9)),
            "before the fees notice",
        ),
        (
            ClockFacts("foia", D(2025, 1, 6), fee_notice=D(2025, 1, 2)),
            "fees notice cannot have been given before",
        ),
        (
            ClockFacts("foia", D(2025, 1, 6), responded=D(2025, 1, 20), review_requested=D(2025, 1, 17)),
            "before the response was sent",
        ),
        (ClockFacts("foisa", D(2025, 1, 6), extended=True), "allows no extension"),
        (ClockFacts("foia", D(2025, 1, 6), extended_until=D(2025, 1, 20)), "before the original due date"),
        (
            ClockFacts("sar", D(2025, 1, 6), clarified=D(2025, 1, 20)),
            "date clarification was sought is needed",
        ),
        (ClockFacts("gdpr", D(2025, 1, 6)), "Unknown regime 'gdpr'"),
        (ClockFacts("foia", D(2025, 1, 6), receipt_rule="post"), "Unknown receipt rule"),
        (ClockFacts("foia", D(2025, 1, 6), review_window="3m"), "Unknown review window"),
        (ClockFacts("foia", D(1990, 1, 6)), "outside the uk working-day calendar"),
    ],
)
def test_impossible_facts_are_refused_in_one_sentence(facts: ClockFacts, message: str) -> None:
    with pytest.raises(ClockError, match=re.escape(message)) as caught:
        compute_deadlines(facts)
    text = str(caught.value)
    assert "\n" not in text and text.endswith(".")


# -- reminders' counting --------------------------------------------------------------------------------------------------


def test_working_days_left_and_overdue_are_signed() -> None:
    assert working_days_left(D(2025, 5, 20), D(2025, 5, 16), "foia") == 2
    assert working_days_left(D(2025, 5, 20), D(2025, 5, 20), "foia") == 0
    assert working_days_left(D(2025, 5, 20), D(2025, 5, 22), "foia") == -2
    assert working_days_overdue(D(2025, 5, 20), D(2025, 5, 22), "foia") == 2
    # Easter Monday is a working day for FOISA, not for FOIA.
    assert working_days_left(D(2025, 4, 22), D(2025, 4, 17), "foia") == 1
    assert working_days_left(D(2025, 4, 22), D(2025, 4, 17), REGIMES["foisa"]) == 2


def test_bulk_due_dates_match_the_full_clock() -> None:
    days = [D(2018, 2, 9), D(2025, 4, 18), D(2022, 12, 5), D(2025, 3, 1)]
    assert due_dates(days) == [D(2018, 3, 9), D(2025, 5, 20), D(2023, 1, 6), D(2025, 3, 31)]
    assert due_dates(days, receipt_rule="code2018")[1] == D(2025, 5, 21)
    assert due_dates([D(2025, 1, 31)], "sar") == [D(2025, 2, 28)]


def test_json_dict_gives_iso_dates_and_omits_what_does_not_apply() -> None:
    result = compute_deadlines(ClockFacts("foia", D(2024, 3, 28))).to_json_dict()
    assert result["regime"] == "foia" and result["received"] == "2024-03-28" and result["due"] == "2024-04-29"
    assert result["skipped"] == [
        {"date": "2024-03-29", "name": "Good Friday"},
        {"date": "2024-04-01", "name": "Easter Monday"},
    ]
    for absent in (
        "extended_due",
        "review_request_by",
        "review_due",
        "review_max",
        "fee_lapses",
        "extension_flag",
    ):
        assert absent not in result


def test_the_domain_reads_no_clock_and_imports_no_surface() -> None:
    rules = Path(__file__).resolve().parents[2] / "commands" / "rules"
    for name in ("calendar.py", "clock.py"):
        source = (rules / name).read_text(encoding="utf-8")
        assert "today(" not in source and "now(" not in source
        assert not re.search(r"^\s*(from|import) (bot|slack|sqlmodel|sqlalchemy|storage)\b", source, re.M)


# -- properties -------------------------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(regime=st.sampled_from(["foia", "eir", "foisa"]), received=RECEIVED, rule=RECEIPT_RULE)
def test_due_is_a_working_day_and_never_sooner_than_twenty_working_days(
    regime: str, received: date, rule: str
) -> None:
    result = compute_deadlines(ClockFacts(regime, received, receipt_rule=rule))
    calendar = calendar_for(result.calendar)
    assert result.due is not None
    assert calendar.is_working_day(result.due)
    counted = calendar.working_days_between(received, result.due)
    assert counted >= 20
    if rule == "ico":
        assert counted == 20


@settings(max_examples=300, deadline=None)
@given(
    regime=st.sampled_from(["foia", "eir", "foisa"]),
    received=RECEIVED,
    wait=st.integers(min_value=0, max_value=120),
    rule=RECEIPT_RULE,
)
def test_a_clarification_never_makes_a_case_due_before_clarification_plus_twenty(
    regime: str, received: date, wait: int, rule: str
) -> None:
    clarified = received + timedelta(days=wait)
    result = compute_deadlines(ClockFacts(regime, received, clarified=clarified, receipt_rule=rule))
    calendar = calendar_for(result.calendar)
    assert result.due is not None
    assert result.due >= calendar.add_working_days(clarified, 20)
    assert calendar.is_working_day(result.due)


@settings(max_examples=300, deadline=None)
@given(
    regime=st.sampled_from(["foia", "eir", "foisa"]),
    received=RECEIVED,
    notice_after=st.integers(min_value=1, max_value=28),
    paid_after=st.integers(min_value=0, max_value=90),
)
def test_a_fee_pause_moves_the_due_date_by_exactly_the_paused_working_days(
    regime: str, received: date, notice_after: int, paid_after: int
) -> None:
    plain = compute_deadlines(ClockFacts(regime, received))
    assert plain.due is not None
    notice = received + timedelta(days=notice_after)
    assume(notice <= plain.due)
    paid = notice + timedelta(days=paid_after)
    paused = compute_deadlines(ClockFacts(regime, received, fee_notice=notice, fee_paid=paid))
    calendar = calendar_for(plain.calendar)
    assert paused.due is not None
    assert calendar.working_days_between(plain.due, paused.due) == calendar.working_days_in(notice, paid)


@settings(max_examples=300, deadline=None)
@given(
    received=RECEIVED,
    wait=st.none() | st.integers(min_value=0, max_value=60),
    rule=RECEIPT_RULE,
)
def test_the_foisa_calendar_is_never_stricter_than_foias(received: date, wait: int | None, rule: str) -> None:
    clarified = received + timedelta(days=wait) if wait is not None else None
    foisa = due("foisa", received, clarified=clarified, receipt_rule=rule)
    foia = due("foia", received, clarified=clarified, receipt_rule=rule)
    assert foisa is not None and foia is not None
    assert foisa <= foia


@settings(max_examples=300, deadline=None)
@given(
    received=RECEIVED,
    jurisdiction=st.sampled_from(["england-wales", "scotland", "northern-ireland"]),
    basis=st.sampled_from(["3m-from-receipt", "2m-after-due"]),
    pause=st.none() | st.tuples(st.integers(0, 20), st.integers(0, 60)),
)
def test_sar_dates_never_fall_on_a_non_working_day(
    received: date, jurisdiction: str, basis: str, pause: tuple[int, int] | None
) -> None:
    sought = clarified = None
    if pause is not None:
        sought = received + timedelta(days=pause[0])
        clarified = sought + timedelta(days=pause[1])
    result = compute_deadlines(
        ClockFacts(
            "sar",
            received,
            clarification_sought=sought,
            clarified=clarified,
            extended=True,
            sar_extension=basis,
            sar_calendar=jurisdiction,
        )
    )
    calendar = calendar_for(jurisdiction)
    assert result.due is not None and result.extended_due is not None
    assert calendar.is_working_day(result.due)
    assert calendar.is_working_day(result.extended_due)
    assert result.due > received and result.extended_due > result.due
