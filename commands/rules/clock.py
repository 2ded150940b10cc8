"""The statutory clock: when a request, an extension and an internal review fall due, and why.

Pure functions over facts that are passed in (no "today", no database, no Slack), so that the same
answer comes out of the Slack bot, the shell, the reminder sweep and a test, and so that each answer can
explain itself line by line to the team and, if need be, to the Commissioner.

Each regime is a small record -- calendar, limit, counting rule, extension rule, review rule -- and the
clock is a handful of strategies chosen by it (as in MoJ's correspondence tool: working days for FOIA,
EIR and FOISA; calendar months for subject access). The provision behind each rule is cited beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

from commands.rules.calendar import CalendarError, WorkingDayCalendar, calendar_for

ReceiptRule = Literal["ico", "code2018"]
ReviewWindow = Literal["2m", "40wd"]
SarExtension = Literal["3m-from-receipt", "2m-after-due"]

RECEIPT_RULES: tuple[str, ...] = ("ico", "code2018")
REVIEW_WINDOWS: tuple[str, ...] = ("2m", "40wd")
SAR_EXTENSIONS: tuple[str, ...] = ("3m-from-receipt", "2m-after-due")
SAR_CALENDARS: tuple[str, ...] = ("england-wales", "scotland", "northern-ireland")

_ONE_DAY = timedelta(days=1)


class ClockError(ValueError):
    """The facts describe something that cannot have happened, or ask for something the law does not allow.

    The message is one sentence a caseworker can act on; the CLI and Slack show it as it is.
    """


@dataclass(frozen=True)
class Regime:
    """One information-rights regime: which calendar, how long, and how its clock stops and stretches.

    ``counting`` is "working-days" (limit in working days) or "calendar-months" (limit in months).
    ``clarification`` is "restart" (fresh limit from the clarification) or "pause" (clock stopped while
    waiting). ``fee`` is "pause" (days between notice and payment disregarded) or "restart" (the period
    runs from the fee). ``extension`` is "public-interest" (reasonable time, Code outer limit),
    "statutory" (fixed longer limit), "months" (further months) or "none". ``review`` names the review
    rule: "code-of-practice", "eir-reg-11", "foisa-s20" or "none".
    """

    code: str
    title: str
    calendar: str
    limit: int
    counting: Literal["working-days", "calendar-months"]
    limit_source: str
    clarification: Literal["restart", "pause"]
    clarification_source: str
    fee: Literal["pause", "restart"]
    fee_source: str
    extension: Literal["public-interest", "statutory", "months", "none"]
    extension_total: int
    extension_source: str
    review: Literal["code-of-practice", "eir-reg-11", "foisa-s20", "none"]
    regulator: str


REGIMES: dict[str, Regime] = {
    regime.code: regime
    for regime in (
        Regime(
            code="foia",
            title="Freedom of Information Act 2000",
            calendar="uk",  # s.10(6): bank holidays in any part of the UK
            limit=20,
            counting="working-days",
            limit_source="FOIA s.10(1)",
            clarification="restart",
            clarification_source="FOIA s.1(3)",
            fee="pause",
            fee_source="FOIA s.9 and s.10(2)",
            extension="public-interest",
            extension_total=40,
            extension_source="FOIA s.10(3) and s.17(2); s.45 Code of Practice (2018): at most 20 further working days",
            review="code-of-practice",
            regulator="Information Commissioner's Office",
        ),
        Regime(
            code="eir",
            title="Environmental Information Regulations 2004",
            calendar="uk",  # reg 2(1): working day as in FOIA s.10(6)
            limit=20,
            counting="working-days",
            limit_source="EIR reg 5(2)",
            clarification="restart",
            clarification_source="EIR reg 9(4)",
            fee="pause",
            fee_source="EIR reg 8(4)-(6)",
            extension="statutory",
            extension_total=40,
            extension_source="EIR reg 7(1)",
            review="eir-reg-11",
            regulator="Information Commissioner's Office",
        ),
        Regime(
            code="foisa",
            title="Freedom of Information (Scotland) Act 2002",
            calendar="scotland",  # s.73: Scottish bank holidays only
            limit=20,
            counting="working-days",
            limit_source="FOISA s.10(1)",
            clarification="restart",
            clarification_source="FOISA s.1(3)",
            fee="pause",
            fee_source="FOISA s.9 and s.10(2)",
            extension="none",
            extension_total=20,
            extension_source="FOISA s.10(1)",
            review="foisa-s20",
            regulator="Scottish Information Commissioner",
        ),
        Regime(
            code="sar",
            title="UK GDPR Article 15 (subject access)",
            calendar="england-wales",  # default; ClockFacts.sar_calendar chooses the controller's jurisdiction
            limit=1,
            counting="calendar-months",
            limit_source="UK GDPR Art 12(3)",
            clarification="pause",
            clarification_source="ICO right-of-access guidance (stopping the clock for clarification)",
            fee="restart",
            fee_source="UK GDPR Art 12(5); ICO right-of-access guidance (time runs from receipt of the fee)",
            extension="months",
            extension_total=3,
            extension_source="UK GDPR Art 12(3): two further months",
            review="none",
            regulator="Information Commissioner's Office",
        ),
    )
}


@dataclass(frozen=True)
class ClockFacts:
    """What happened on a case, as dates; everything the clock needs and nothing it must look up.

    ``extended_until`` is the estimated date given to the requester (FOIA s.17(2)); giving it implies
    ``extended``. ``receipt_rule`` chooses how a receipt on a non-working day counts: "ico" (that day is
    day 0, the next working day is day 1) or "code2018" (receipt moves to the next working day, which is
    day 0). ``sar_calendar`` is the controller's jurisdiction for subject access.
    """

    regime: str
    received: date
    clarification_sought: date | None = None
    clarified: date | None = None
    fee_notice: date | None = None
    fee_paid: date | None = None
    extended: bool = False
    extended_until: date | None = None
    responded: date | None = None
    review_requested: date | None = None
    receipt_rule: str = "ico"
    review_window: str = "2m"
    sar_extension: str = "3m-from-receipt"
    sar_calendar: str = "england-wales"


@dataclass(frozen=True)
class Deadlines:
    """Every date that applies to a case, with the reasons; None where a date does not apply.

    ``due`` is None while the clock is stopped (awaiting clarification or a fee). ``skipped`` lists the
    weekday holidays passed over between day 0 and ``due``; ``explanation`` says, in order, how each date
    was reached. ``calendar_version`` is stored with the case so a later proclamation never silently
    moves a deadline already given.
    """

    regime: str
    received: date
    day_zero: date | None
    due: date | None
    extended_due: date | None = None
    extension_limit: date | None = None
    extension_flag: str | None = None
    review_request_by: date | None = None
    review_due: date | None = None
    review_max: date | None = None
    fee_lapses: date | None = None
    clock_stopped: bool = False
    skipped: tuple[tuple[date, str], ...] = ()
    explanation: tuple[str, ...] = ()
    calendar_version: str = ""
    calendar: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        """ISO dates; ``regime``, ``received``, ``due``, ``clock_stopped``, ``skipped`` and ``explanation``
        always, the other dates only where they apply."""
        out: dict[str, Any] = {
            "regime": self.regime,
            "received": self.received.isoformat(),
            "due": self.due.isoformat() if self.due else None,
        }
        for key in (
            "day_zero",
            "extended_due",
            "extension_limit",
            "review_request_by",
            "review_due",
            "review_max",
            "fee_lapses",
        ):
            value = getattr(self, key)
            if value is not None:
                out[key] = value.isoformat()
        if self.extension_flag:
            out["extension_flag"] = self.extension_flag
        out["clock_stopped"] = self.clock_stopped
        out["skipped"] = [{"date": d.isoformat(), "name": name} for d, name in self.skipped]
        out["explanation"] = list(self.explanation)
        out["calendar"] = self.calendar
        out["calendar_version"] = self.calendar_version
        return out


# -- small date helpers ------------------------------------------------------------------------------

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_length(year: int, month: int) -> int:
    if month == 2 and (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(day: date, months: int) -> date:
    """The corresponding date ``months`` later, or the last day of that month if there is none.

    The ICO's rule for subject access (31 January + 1 month = 28 or 29 February) and the reading used
    for "two months from the date of the response".
    """
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, _month_length(year, month)))


def _period_of_months_ends(start: date, months: int) -> date:
    """The first day *after* a period of ``months`` months beginning with ``start``.

    Corresponding-date rule: the period ends the day before the corresponding date; where the later
    month has no corresponding date it ends on that month's last day (so the day after is the 1st).
    """
    years, month0 = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month0 + 1
    if start.day <= _month_length(year, month):
        return date(year, month, start.day)
    return add_months(start, months) + _ONE_DAY


@lru_cache(maxsize=32768)
def describe(day: date) -> str:
    """A date as letters and explanations write it: "Friday 9 March 2018".

    Cached: the same few thousand dates recur across a sweep, and strftime dominated the clock's cost.
    """
    return f"{day:%A} {day.day} {day:%B %Y}"


def _regime(regime: Regime | str) -> Regime:
    if isinstance(regime, Regime):
        return regime
    found = REGIMES.get(regime)
    if found is None:
        raise ClockError(f"Unknown regime {regime!r}: choose one of {', '.join(REGIMES)}.")
    return found


def calendar_name_for(regime: Regime | str, sar_calendar: str = "england-wales") -> str:
    """The calendar a regime counts on; subject access uses the controller's jurisdiction."""
    found = _regime(regime)
    if found.code == "sar":
        if sar_calendar not in SAR_CALENDARS:
            raise ClockError(
                f"Unknown SAR calendar {sar_calendar!r}: choose one of {', '.join(SAR_CALENDARS)}."
            )
        return sar_calendar
    return found.calendar


# -- validation --------------------------------------------------------------------------------------


def _check(facts: ClockFacts, regime: Regime) -> None:
    """Refuse impossible sequences with one sentence each, before any counting."""
    if facts.receipt_rule not in RECEIPT_RULES:
        raise ClockError(f"Unknown receipt rule {facts.receipt_rule!r}: choose 'ico' or 'code2018'.")
    if facts.review_window not in REVIEW_WINDOWS:
        raise ClockError(f"Unknown review window {facts.review_window!r}: choose '2m' or '40wd'.")
    if facts.sar_extension not in SAR_EXTENSIONS:
        raise ClockError(
            f"Unknown SAR extension basis {facts.sar_extension!r}: choose '3m-from-receipt' or '2m-after-due'."
        )
    received = facts.received
    if facts.clarification_sought and facts.clarification_sought < received:
        raise ClockError("Clarification cannot have been sought before the request was received.")
    if facts.clarified:
        if facts.clarified < received:
            raise ClockError("Clarification cannot have been received before the request was received.")
        if facts.clarification_sought and facts.clarified < facts.clarification_sought:
            raise ClockError("Clarification cannot have been received before it was sought.")
        if regime.clarification == "pause" and facts.clarification_sought is None:
            raise ClockError(
                "For a subject access request the clock pauses while clarification is awaited, "
                "so the date clarification was sought is needed as well as the date it was received."
            )
    if facts.fee_notice and facts.fee_notice < received:
        raise ClockError("A fees notice cannot have been given before the request was received.")
    if facts.fee_paid:
        if facts.fee_notice is None:
            raise ClockError(
                "A fee cannot have been paid without a fees notice: give the date of the notice."
            )
        if facts.fee_paid < facts.fee_notice:
            raise ClockError("The fee cannot have been paid before the fees notice was given.")
    if facts.responded and facts.responded < received:
        raise ClockError("The response cannot be dated before the request was received.")
    if facts.review_requested:
        if facts.review_requested < received:
            raise ClockError("An internal review cannot have been requested before the request was received.")
        if facts.responded and facts.review_requested < facts.responded:
            raise ClockError("An internal review cannot have been requested before the response was sent.")
    if (facts.extended or facts.extended_until) and regime.extension == "none":
        raise ClockError(
            f"The {regime.title} allows no extension of time: the {regime.limit} working days "
            f"of {regime.limit_source} are the limit."
        )
    if facts.extended_until and facts.extended_until < received:
        raise ClockError("The extended date cannot be before the request was received.")


# -- the clock -----------------------------------------------------------------------------------------


def compute_deadlines(facts: ClockFacts) -> Deadlines:
    """Every deadline for a case, with its explanation; raises ClockError for impossible facts."""
    regime = _regime(facts.regime)
    _check(facts, regime)
    calendar = calendar_for(calendar_name_for(regime, facts.sar_calendar))
    try:
        if regime.counting == "working-days":
            return _working_day_clock(facts, regime, calendar)
        return _month_clock(facts, regime, calendar)
    except CalendarError as exc:
        raise ClockError(f"{exc}.") from exc


def _day_zero(calendar: WorkingDayCalendar, day: date, rule: str, what: str, lines: list[str]) -> date:
    """Day 0 of a working-day count starting when ``what`` arrived on ``day``.

    ICO guidance (time limits, requests received on non-working days): a receipt on a non-working day
    stays day 0 and the next working day is day 1. Code of Practice 2018 reading: the receipt moves to
    the next working day, which is day 0 -- one working day later.
    """
    if calendar.is_working_day(day):
        lines.append(
            f"{what} {describe(day)}, a working day: day 0; "
            f"{describe(calendar.next_working_day_after(day))} is day 1."
        )
        return day
    holiday = calendar.name_of(day)
    why = f"{holiday}, not a working day" if holiday else "not a working day"
    nxt = calendar.next_working_day_after(day)
    if rule == "code2018":
        lines.append(
            f"{what} {describe(day)} ({why}): under the Code of Practice 2018 reading it is treated as "
            f"received on the next working day, {describe(nxt)}, which is day 0."
        )
        return nxt
    lines.append(
        f"{what} {describe(day)} ({why}): under the ICO reading that day is day 0 and the next working "
        f"day, {describe(nxt)}, is day 1."
    )
    return day


def _working_day_clock(facts: ClockFacts, regime: Regime, calendar: WorkingDayCalendar) -> Deadlines:
    lines: list[str] = [
        f"{regime.title}: {regime.limit} working days ({regime.limit_source}); working days exclude "
        f"weekends and {calendar.title} ({calendar.citation})."
    ]
    day_zero = _day_zero(calendar, facts.received, facts.receipt_rule, "Received", lines)
    stopped = False

    # Clarification (FOIA s.1(3), EIR reg 9(4), FOISA s.1(3)): the authority need not comply until it
    # has the clarification, and the 20 working days then run afresh from the day it arrives.
    if facts.clarified:
        lines.append(
            f"Clarification received: the clock restarts with a fresh {regime.limit} working days "
            f"({regime.clarification_source})."
        )
        day_zero = _day_zero(calendar, facts.clarified, facts.receipt_rule, "Clarification received", lines)
    elif facts.clarification_sought:
        stopped = True
        lines.append(
            f"Clarification sought on {describe(facts.clarification_sought)}: the clock is stopped until it "
            f"arrives, then {regime.limit} working days run afresh ({regime.clarification_source})."
        )

    # Fees notice (FOIA s.9 and s.10(2); FOISA s.9 and s.10(2); EIR reg 8(6)): the working days from the day
    # the notice is given to the day the fee is received, both inclusive, are disregarded.
    used_before_notice = 0
    pause: tuple[date, date] | None = None
    fee_lapses: date | None = None
    if facts.fee_notice and not stopped:
        notice = facts.fee_notice
        if notice > day_zero:
            used_before_notice = calendar.working_days_between(day_zero, notice - _ONE_DAY)
        if used_before_notice >= regime.limit:
            lines.append(
                f"Fees notice given on {describe(notice)}, after the {regime.limit} working days had run out: "
                f"it cannot pause a clock that has already expired ({regime.fee_source})."
            )
        elif facts.fee_paid:
            pause = (notice, facts.fee_paid)
            paused = calendar.working_days_in(max(notice, day_zero + _ONE_DAY), facts.fee_paid)
            lines.append(
                f"Fees notice given {describe(notice)} and fee received {describe(facts.fee_paid)}: "
                f"{paused} working day{'s' if paused != 1 else ''} in between (both days included) "
                f"are disregarded ({regime.fee_source}); {used_before_notice} had been used before the notice."
            )
            lapse = _fee_lapse(regime, calendar, notice)
            if facts.fee_paid >= lapse:
                lines.append(
                    f"The fee arrived on or after {describe(lapse)}, when the request had lapsed for non-payment; "
                    "treating it as paid in time."
                )
        else:
            stopped = True
            fee_lapses = _fee_lapse(regime, calendar, notice)
            lines.append(
                f"Fees notice given {describe(notice)}: the clock is stopped with {used_before_notice} working "
                f"day{'s' if used_before_notice != 1 else ''} used and {regime.limit - used_before_notice} left "
                f"for when the fee arrives ({regime.fee_source}). Unpaid, the request lapses on "
                f"{describe(fee_lapses)} ({_fee_lapse_source(regime)})."
            )

    def nth(n: int) -> date:
        """The n-th working day of the clock from day 0, disregarding the fee pause."""
        if pause and used_before_notice < n:
            resume = max(pause[1], day_zero)
            return calendar.add_working_days(resume, n - used_before_notice)
        return calendar.add_working_days(day_zero, n)

    due: date | None = None
    skipped: tuple[tuple[date, str], ...] = ()
    if not stopped:
        due = nth(regime.limit)
        lines.append(f"Due {describe(due)}: working day {regime.limit} ({regime.limit_source}).")
        skipped = tuple(calendar.holidays_between(day_zero + _ONE_DAY, due))
        if skipped:
            listed = "; ".join(f"{describe(d)} ({name})" for d, name in skipped)
            lines.append(f"Holidays skipped: {listed}.")

    # Extensions.
    extended_due = extension_limit = None
    extension_flag = None
    if (facts.extended or facts.extended_until) and due is not None:
        extension_limit = nth(regime.extension_total)
        if facts.extended_until and facts.extended_until < due:
            raise ClockError(
                f"The extended date {facts.extended_until.isoformat()} is before the original due date "
                f"{due.isoformat()}."
            )
        if regime.extension == "public-interest":
            # FOIA s.10(3): a reasonable time to consider the public interest, the estimate given in the
            # s.17(2) refusal notice; the s.45 Code of Practice (2018) puts the outer limit at 20 further
            # working days, 40 in all.
            what = "the Code of Practice outer limit of 20 further working days"
        else:
            # EIR reg 7(1): up to 40 working days where complexity and volume make 20 impracticable.
            what = f"the {regime.extension_total} working days of {regime.extension_source}"
        extended_due = facts.extended_until or extension_limit
        if facts.extended_until:
            lines.append(
                f"Extended ({regime.extension_source}): estimate given to the requester {describe(extended_due)}."
            )
        else:
            lines.append(f"Extended ({regime.extension_source}): due by {describe(extension_limit)}, {what}.")
        if facts.extended_until and facts.extended_until > extension_limit:
            extension_flag = (
                f"The estimate {facts.extended_until.isoformat()} is later than {what} "
                f"({extension_limit.isoformat()})."
            )
            lines.append(extension_flag)

    elif facts.extended or facts.extended_until:
        lines.append("Extension noted: its dates follow once the clock is running again.")

    review_request_by, review_due, review_max = _review(facts, regime, calendar, due, lines)

    return Deadlines(
        regime=regime.code,
        received=facts.received,
        day_zero=day_zero,
        due=due,
        extended_due=extended_due,
        extension_limit=extension_limit,
        extension_flag=extension_flag,
        review_request_by=review_request_by,
        review_due=review_due,
        review_max=review_max,
        fee_lapses=fee_lapses,
        clock_stopped=stopped,
        skipped=skipped,
        explanation=tuple(lines),
        calendar_version=calendar.version,
        calendar=calendar.name,
    )


def _fee_lapse(regime: Regime, calendar: WorkingDayCalendar, notice: date) -> date:
    """The first day on which an unpaid fee has lapsed.

    FOIA s.9(2) and FOISA s.9(4): three months beginning with the day the notice is given. EIR reg 8(5):
    the charge must be paid no later than 60 working days after the notification.
    """
    if regime.code == "eir":
        return calendar.add_working_days(notice, 60) + _ONE_DAY
    return _period_of_months_ends(notice, 3)


def _fee_lapse_source(regime: Regime) -> str:
    return {"foia": "FOIA s.9(2)", "foisa": "FOISA s.9(4)", "eir": "EIR reg 8(5)"}.get(
        regime.code, regime.fee_source
    )


def _review(
    facts: ClockFacts,
    regime: Regime,
    calendar: WorkingDayCalendar,
    due: date | None,
    lines: list[str],
) -> tuple[date | None, date | None, date | None]:
    """Internal review: the window to ask for one, its target and its outer limit."""
    request_by = review_due = review_max = None
    responded, requested = facts.responded, facts.review_requested
    if regime.review == "none":
        if responded or requested:
            lines.append(
                "UK GDPR has no statutory internal review; the requester may complain to the ICO (Art 77)."
            )
        return None, None, None
    if regime.review == "code-of-practice":
        if responded:
            if facts.review_window == "40wd":
                # s.45 Code of Practice (2018) para 5.3: reviews asked for within 40 working days of the response.
                request_by = calendar.add_working_days(responded, 40)
                lines.append(
                    f"Internal review may be requested until {describe(request_by)}: 40 working days from the "
                    f"response of {describe(responded)} (Code of Practice 2018 para 5.3)."
                )
            else:
                # The two months stated in the force's response letters (the seed letter's review paragraph).
                request_by = add_months(responded, 2)
                lines.append(
                    f"Internal review may be requested until {describe(request_by)}: two calendar months from the "
                    f"response of {describe(responded)}."
                )
        if requested:
            # Code of Practice (2018) paras 5.4-5.5: normally 20 working days, at most 40.
            zero = _day_zero(calendar, requested, facts.receipt_rule, "Review requested", lines)
            review_due = calendar.add_working_days(zero, 20)
            review_max = calendar.add_working_days(zero, 40)
            lines.append(
                f"Review due {describe(review_due)} (20 working days), outer limit {describe(review_max)} "
                "(40 working days) (Code of Practice 2018 paras 5.4-5.5)."
            )
    elif regime.review == "eir-reg-11":
        if responded:
            # EIR reg 11(2): representations no later than 40 working days after the response.
            request_by = calendar.add_working_days(responded, 40)
            lines.append(
                f"Representations (reconsideration) may be made until {describe(request_by)}: 40 working days "
                f"after the response (EIR reg 11(2))."
            )
        if requested:
            # EIR reg 11(4): decision as soon as possible and no later than 40 working days after receipt.
            zero = _day_zero(calendar, requested, facts.receipt_rule, "Representations received", lines)
            review_due = review_max = calendar.add_working_days(zero, 40)
            lines.append(f"Reconsideration due {describe(review_due)}: 40 working days (EIR reg 11(4)).")
    else:  # foisa-s20
        if responded and due is not None:
            # FOISA s.20(5): within 40 working days after the expiry of the s.10 time for compliance or,
            # where the response came late, after its receipt.
            start = max(due, responded)
            request_by = calendar.add_working_days(start, 40)
            basis = "the late response" if responded > due else "the 20-working-day period expired"
            lines.append(
                f"Requirement for review may be made until {describe(request_by)}: 40 working days after "
                f"{basis} on {describe(start)} (FOISA s.20(5))."
            )
        if requested:
            # FOISA s.21(1): review response within 20 working days after receipt of the requirement.
            zero = _day_zero(
                calendar, requested, facts.receipt_rule, "Requirement for review received", lines
            )
            review_due = review_max = calendar.add_working_days(zero, 20)
            lines.append(f"Review response due {describe(review_due)}: 20 working days (FOISA s.21(1)).")
    if requested:
        if regime.code == "foisa":
            lines.append(
                "After the review: application to the Scottish Information Commissioner within six months "
                "(FOISA s.47(4))."
            )
        else:
            lines.append(
                f"After the review: complaint to the {regime.regulator} (FOIA s.50), which it expects within "
                "six weeks of the review outcome."
            )
    return request_by, review_due, review_max


def _month_clock(facts: ClockFacts, regime: Regime, calendar: WorkingDayCalendar) -> Deadlines:
    """Subject access: calendar months, receipt day is day 1, rolled forward off non-working days.

    UK GDPR Art 12(3) and the ICO's right-of-access guidance: from the day of receipt (working day or
    not) to the corresponding date next month, or that month's last day if there is none; a deadline on a
    weekend or holiday moves to the next working day of the controller's jurisdiction.
    """
    lines: list[str] = [
        f"{regime.title}: one calendar month ({regime.limit_source}); receipt day is day 1 and a deadline on a "
        f"non-working day moves to the next working day ({calendar.title})."
    ]
    start = facts.received
    stopped = False
    lines.append(f"Received {describe(start)}: the month runs from that day, working day or not.")
    if facts.fee_notice:
        # Art 12(5) fee for manifestly unfounded or excessive requests: time runs from receipt of the fee.
        if facts.fee_paid:
            start = facts.fee_paid
            lines.append(f"Fee received {describe(start)}: the month runs from then ({regime.fee_source}).")
        else:
            stopped = True
            lines.append(
                f"Fee requested {describe(facts.fee_notice)}: the clock waits for it ({regime.fee_source})."
            )
    paused_days = 0
    if facts.clarification_sought:
        if facts.clarified:
            # ICO guidance: the clock stops while clarification is awaited; the days waited are added.
            paused_days = (facts.clarified - facts.clarification_sought).days
            lines.append(
                f"Clarification sought {describe(facts.clarification_sought)} and received "
                f"{describe(facts.clarified)}: {paused_days} day{'s' if paused_days != 1 else ''} added "
                f"({regime.clarification_source})."
            )
        else:
            stopped = True
            lines.append(
                f"Clarification sought {describe(facts.clarification_sought)}: the clock is paused until it "
                f"arrives ({regime.clarification_source})."
            )
    if stopped:
        due = None
        skipped: tuple[tuple[date, str], ...] = ()
    else:
        raw = add_months(start, regime.limit) + timedelta(days=paused_days)
        due = calendar.working_day_on_or_after(raw)
        skipped = tuple(calendar.holidays_between(raw, due))
        if due == raw:
            lines.append(f"Due {describe(due)}.")
        else:
            why = calendar.name_of(raw) or "a weekend"
            lines.append(f"Due {describe(due)}: {describe(raw)} is not a working day ({why}).")

    extended_due = extension_limit = None
    extension_flag = None
    if (facts.extended or facts.extended_until) and due is not None:
        if facts.sar_extension == "2m-after-due":
            raw_limit = add_months(add_months(start, regime.limit), 2) + timedelta(days=paused_days)
            basis = "two further months after the original one-month deadline"
        else:
            # ICO guidance: calculate the extension as three months from the original start date.
            raw_limit = add_months(start, regime.extension_total) + timedelta(days=paused_days)
            basis = "three months from receipt (ICO guidance)"
        extension_limit = calendar.working_day_on_or_after(raw_limit)
        if facts.extended_until and facts.extended_until < due:
            raise ClockError(
                f"The extended date {facts.extended_until.isoformat()} is before the original due date "
                f"{due.isoformat()}."
            )
        extended_due = facts.extended_until or extension_limit
        lines.append(f"Extended ({regime.extension_source}): limit {describe(extension_limit)}, {basis}.")
        if facts.extended_until and facts.extended_until > extension_limit:
            extension_flag = (
                f"The date given {facts.extended_until.isoformat()} is later than the Art 12(3) limit "
                f"({extension_limit.isoformat()})."
            )
            lines.append(extension_flag)

    _review(facts, regime, calendar, due, lines)
    return Deadlines(
        regime=regime.code,
        received=facts.received,
        day_zero=start,
        due=due,
        extended_due=extended_due,
        extension_limit=extension_limit,
        extension_flag=extension_flag,
        clock_stopped=stopped,
        skipped=skipped,
        explanation=tuple(lines),
        calendar_version=calendar.version,
        calendar=calendar.name,
    )


# -- counting for reminders ------------------------------------------------------------------------------


def working_days_left(
    due: date, today: date, regime: Regime | str, sar_calendar: str = "england-wales"
) -> int:
    """Working days from ``today`` to ``due`` on the regime's calendar, signed.

    Positive: that many working days remain after today (due tomorrow = 1); 0: due today; negative: the
    number of working days by which the deadline has passed.
    """
    calendar = calendar_for(calendar_name_for(regime, sar_calendar))
    try:
        return calendar.working_days_between(today, due)
    except CalendarError as exc:
        raise ClockError(f"{exc}.") from exc


def working_days_overdue(
    due: date, today: date, regime: Regime | str, sar_calendar: str = "england-wales"
) -> int:
    """Working days by which ``due`` has passed as of ``today`` (negative while still in time)."""
    return -working_days_left(due, today, regime, sar_calendar)


def due_dates(received: list[date], regime: Regime | str = "foia", receipt_rule: str = "ico") -> list[date]:
    """Plain due dates (no clarification, fee or extension) for many cases at once, without explanations.

    For sweeps and statistics over the whole register; equal to ``compute_deadlines(...).due`` for each.
    """
    found = _regime(regime)
    if receipt_rule not in RECEIPT_RULES:
        raise ClockError(f"Unknown receipt rule {receipt_rule!r}: choose 'ico' or 'code2018'.")
    calendar = calendar_for(calendar_name_for(found))
    try:
        if found.counting == "calendar-months":
            return [calendar.working_day_on_or_after(add_months(d, found.limit)) for d in received]
        add = calendar.add_working_days
        if receipt_rule == "code2018":
            start = calendar.working_day_on_or_after
            return [add(start(d), found.limit) for d in received]
        return [add(d, found.limit) for d in received]
    except CalendarError as exc:
        raise ClockError(f"{exc}.") from exc
