"""Which reminders a case is owed, and what the daily digest says: pure functions of dates and status.

Nothing here reads a clock, a database or Slack. The sweep (``bot.reminders``) hands in a case's stored
facts, the day it is planning for and the window it may still catch up on; the answer is a list of
`PlannedReminder`s, each identified by the ledger key (case, kind, target date, recipient) that makes
sending exactly-once. Because reminders are *derived* from the case every time, a clarification, an
extension or a new assignee moves every later reminder without anything to cancel or reschedule.

Working days always come from the case's own calendar (``commands.rules.calendar``), so a reminder never
falls on a weekend or on a bank holiday of the regime, and "due in 2 working days" means what the
statutory clock means by it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from commands.rules.calendar import CalendarError, WorkingDayCalendar, calendar_for
from commands.rules.clock import ClockError, ClockFacts, calendar_name_for, compute_deadlines, describe

#: Status words, as stored (they mirror ``storage.models.CaseStatus``; a test keeps them in step). Copied
#: rather than imported so this module stays free of the database layer.
OPEN = "open"
AWAITING_CLARIFICATION = "awaiting clarification"
AWAITING_FEE = "awaiting fee"
EXTENDED = "extended"
RESPONDED = "responded"
CLOSED = "closed"
ACTIVE = (OPEN, AWAITING_CLARIFICATION, AWAITING_FEE, EXTENDED)

#: The recipient written in the ledger for a reply in the case's own thread.
THREAD = "thread"

# Reminder kinds. Countdown kinds carry the track they count down to: "" (the response deadline),
# "extended-" (the extended date: the public-interest estimate given to the requester, EIR reg 7,
# SAR Art 12(3)) or "ir-" (an internal review's 20-working-day target).
DUE_TODAY = "due-today"
OVERDUE = "overdue"
VERY_OVERDUE = "very-overdue"
CLARIFICATION_STALE = "clarification-stale"
REVIEW_WINDOW_CLOSED = "review-window-closed"
SNOOZE = "snooze"
DIGEST = "digest"

#: The close reason the sweep writes when the review window ends with no review requested; the planner
#: recognises it so the thread note is still owed if the close happened but the note has not gone yet.
AUTO_CLOSE_REASON = "No internal review was requested within the review window"

#: Roles: who a reminder is for, independent of the Slack id (logs name roles, never people).
ASSIGNEE, TEAM, LEAD, THREAD_ROLE = "assignee", "team", "lead", "thread"

_TRACK_PREFIX = {"due": "", "extended": "extended-", "review": "ir-"}
_ONE_DAY = timedelta(days=1)


def base_kind(kind: str) -> str:
    """The kind without its track prefix: "extended-due-in-5" -> "due-in-5", "ir-overdue" -> "overdue"."""
    for prefix in _TRACK_PREFIX.values():
        if prefix and kind.startswith(prefix):
            return kind[len(prefix):]
    return kind


def due_in(days: int, track: str = "due") -> str:
    """The kind of the countdown reminder ``days`` working days before a track's deadline."""
    return f"{_TRACK_PREFIX[track]}due-in-{days}"


@dataclass(frozen=True)
class ReminderPolicy:
    """What gets sent, in one place; built from the settings (``FOI_REMINDER_*``) by the sweep.

    ``days_before``: countdown points in working days (FOI_REMINDER_DAYS, default 5, 2, 1).
    ``escalate_after``: working days past due when the team channel and the lead are told.
    ``clarification_stale_after``: working days of silence after clarification was sought before the
    case is offered for closing. ``soon``: the digest's "due in the next N working days".
    """

    days_before: tuple[int, ...] = (5, 2, 1)
    escalate_after: int = 20
    clarification_stale_after: int = 20
    team_channel: str | None = None
    lead: str | None = None
    auto_close: bool = True
    soon: int = 5
    fee_lapse_warning: int = 5


@dataclass(frozen=True)
class CaseFacts:
    """The stored facts of one case that reminders depend on (no personal data: nothing about the requester).

    ``due``, ``extended_due`` and ``review_request_by`` are the dates the clock stored on the case; for an
    internal review case (``is_review``) ``due`` is its 20-working-day target and ``extended_due`` its
    outer limit. ``created`` is the local day the case was registered: nothing is owed before it existed.
    """

    case_id: int
    reference: str
    regime: str
    status: str
    due: date | None
    subject: str = ""
    assignee: str | None = None
    extended_due: date | None = None
    extended: bool = False
    review_request_by: date | None = None
    review_requested: date | None = None
    received: date | None = None
    clarification_sought: date | None = None
    clarified: date | None = None
    fee_notice: date | None = None
    fee_paid: date | None = None
    is_review: bool = False
    has_thread: bool = False
    close_reason: str | None = None
    created: date | None = None


@dataclass(frozen=True)
class Track:
    """The deadline a case is counting down to: ``deadline`` as stored, ``last_day`` the working day on or
    before it (an estimate given for a Saturday is due on the Friday), ``outer_limit`` for reviews."""

    name: str
    deadline: date
    last_day: date
    outer_limit: date | None = None


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder owed: its ledger key, who gets it, and the deadline it is about.

    ``working_days_left`` is counted from the day planned for (negative: overdue by that many).
    ``closes_case`` marks the review-window note that comes with closing the case automatically.
    """

    case_id: int | None
    reference: str | None
    kind: str
    target_date: date
    recipient: str
    role: str
    deadline: date | None
    working_days_left: int | None
    track: str | None = None
    closes_case: bool = False

    @property
    def key(self) -> tuple[int | None, str, date, str]:
        return (self.case_id, self.kind, self.target_date, self.recipient)


def case_calendar(regime: str) -> WorkingDayCalendar:
    """The working-day calendar of a case's regime (SAR: the controller's, England and Wales by default)."""
    return calendar_for(calendar_name_for(regime))


def deadline_track(facts: CaseFacts, calendar: WorkingDayCalendar) -> Track | None:
    """The deadline reminders count down to, or None while the clock is stopped or the case is finished.

    A stored ``due`` of None is how the clock says it is stopped (awaiting clarification or a fee), so a
    case waiting on the requester is never chased.
    """
    if facts.status not in ACTIVE or facts.due is None:
        return None
    if facts.is_review:
        # Code of Practice (2018) paras 5.4-5.5: target 20 working days, outer limit 40. The clock stores
        # the outer limit as the review case's extended_due; without it, count 20 more working days.
        outer = facts.extended_due
        if outer is None:
            outer = calendar.add_working_days(calendar.working_day_on_or_before(facts.due), 20)
        return Track("review", facts.due, calendar.working_day_on_or_before(facts.due), outer)
    if facts.extended_due is not None and (facts.extended or facts.extended_due != facts.due):
        return Track("extended", facts.extended_due, calendar.working_day_on_or_before(facts.extended_due))
    return Track("due", facts.due, calendar.working_day_on_or_before(facts.due))


def _working_days_in_window(calendar: WorkingDayCalendar, first: date, last: date) -> Iterable[date]:
    day = calendar.working_day_on_or_after(first)
    while day <= last:
        yield day
        day = calendar.next_working_day_after(day)


def plan_reminders(
    facts: CaseFacts,
    today: date,
    policy: ReminderPolicy,
    *,
    since: date | None = None,
    snoozed: Sequence[tuple[str, date]] = (),
) -> list[PlannedReminder]:
    """Every reminder this case is owed with a target date from ``since`` to ``today``, both included.

    ``since`` bounds catch-up after downtime (older reminders are not worth sending; the digest still
    shows the case); the case's creation day bounds it too. ``snoozed`` lists (recipient, until) from
    "Snooze until tomorrow" presses: each asks for one more reminder on that day. On a day that is not a
    working day of the case's calendar nothing is owed: what fell due before waits for the next working
    day, when the sweep sends it marked late.
    """
    calendar = case_calendar(facts.regime)
    start = since or today
    if facts.created is not None and facts.created > start:
        start = facts.created
    try:
        if not calendar.is_working_day(today):
            return []
        return _plan(facts, today, policy, calendar, start, snoozed)
    except CalendarError:
        return []  # a date outside the calendar's years: nothing sensible to count, nothing to send


def _plan(
    facts: CaseFacts,
    today: date,
    policy: ReminderPolicy,
    calendar: WorkingDayCalendar,
    since: date,
    snoozed: Sequence[tuple[str, date]],
) -> list[PlannedReminder]:
    out: list[PlannedReminder] = []
    snoozed = list(dict.fromkeys(snoozed))  # a message carrying several ledger rows is snoozed once
    personal = facts.assignee or policy.team_channel
    personal_role = ASSIGNEE if facts.assignee else TEAM

    def owed(
        kind: str,
        target: date,
        recipients: Iterable[tuple[str | None, str]],
        *,
        deadline: date | None,
        left: int | None,
        track: str | None = None,
        closes: bool = False,
    ) -> None:
        if not since <= target <= today:
            return
        seen: set[str] = set()
        for recipient, role in recipients:
            if recipient and recipient not in seen:
                seen.add(recipient)
                out.append(
                    PlannedReminder(
                        facts.case_id,
                        facts.reference,
                        kind,
                        target,
                        recipient,
                        role,
                        deadline,
                        left,
                        track,
                        closes,
                    )
                )

    usual = [(personal, personal_role), (THREAD if facts.has_thread else None, THREAD_ROLE)]
    track = deadline_track(facts, calendar)
    if track is not None:
        left = calendar.working_days_between(today, track.last_day)
        prefix = _TRACK_PREFIX[track.name]
        for days in sorted({d for d in policy.days_before if d > 0}, reverse=True):
            owed(
                f"{prefix}due-in-{days}",
                calendar.add_working_days(track.last_day, -days),
                usual,
                deadline=track.deadline,
                left=left,
                track=track.name,
            )
        owed(prefix + DUE_TODAY, track.last_day, usual, deadline=track.deadline, left=left, track=track.name)
        first_overdue = max(since, track.last_day + _ONE_DAY)
        for day in _working_days_in_window(calendar, first_overdue, today):
            owed(prefix + OVERDUE, day, usual, deadline=track.deadline, left=left, track=track.name)
        if policy.escalate_after > 0:
            escalation = calendar.add_working_days(track.last_day, policy.escalate_after)
            owed(
                prefix + VERY_OVERDUE,
                escalation,
                [(policy.team_channel, TEAM), (policy.lead, LEAD)],
                deadline=track.deadline,
                left=left,
                track=track.name,
            )
        for recipient, until in snoozed:
            owed(
                SNOOZE,
                until,
                [(recipient, _role_of(recipient, facts, policy))],
                deadline=track.deadline,
                left=left,
                track=track.name,
            )

    stale_on = clarification_stale_on(facts, calendar, policy)
    if stale_on is not None:
        owed(CLARIFICATION_STALE, stale_on, usual, deadline=None, left=None)
        for recipient, until in snoozed if track is None else ():
            owed(SNOOZE, until, [(recipient, _role_of(recipient, facts, policy))], deadline=None, left=None)

    closed_on = review_window_closed_on(facts, calendar)
    if closed_on is not None and facts.review_request_by is not None:
        where = (THREAD, THREAD_ROLE) if facts.has_thread else (policy.team_channel, TEAM)
        owed(
            REVIEW_WINDOW_CLOSED,
            closed_on,
            [where],
            deadline=facts.review_request_by,
            left=calendar.working_days_between(today, facts.review_request_by),
            closes=policy.auto_close and facts.status == RESPONDED,
        )
    return out


def _role_of(recipient: str, facts: CaseFacts, policy: ReminderPolicy) -> str:
    if recipient == THREAD:
        return THREAD_ROLE
    if recipient == policy.team_channel:
        return TEAM
    if recipient == facts.assignee:
        return ASSIGNEE
    return LEAD if recipient == policy.lead else ASSIGNEE


def clarification_stale_on(
    facts: CaseFacts, calendar: WorkingDayCalendar, policy: ReminderPolicy
) -> date | None:
    """The day a case has waited *more than* the configured working days for clarification, or None."""
    if facts.status != AWAITING_CLARIFICATION or facts.clarification_sought is None or facts.clarified:
        return None
    return calendar.add_working_days(facts.clarification_sought, policy.clarification_stale_after + 1)


def review_window_closed_on(facts: CaseFacts, calendar: WorkingDayCalendar) -> date | None:
    """The first working day after the requester's window to ask for an internal review closed.

    Owed only when no review was requested: while the case is still "responded" (the sweep closes it) or
    once it was closed for that very reason (the note may not have reached the thread yet). Internal
    review cases have no review of their own (the next step is the Commissioner).
    """
    if facts.is_review or facts.review_request_by is None or facts.review_requested is not None:
        return None
    if facts.status != RESPONDED and not (facts.status == CLOSED and facts.close_reason == AUTO_CLOSE_REASON):
        return None
    return calendar.next_working_day_after(facts.review_request_by)


def snooze_until(regime: str, today: date) -> date:
    """ "Snooze until tomorrow": the next working day of the case's calendar."""
    return case_calendar(regime).next_working_day_after(today)


# -- timing ----------------------------------------------------------------------------------------------


def due_at(target: date, hour: int, tz: tzinfo) -> datetime:
    """The instant a reminder for ``target`` falls due: ``hour``:00 local time (08:00 or 09:00 UTC in London)."""
    return datetime.combine(target, time(hour), tzinfo=tz)


def is_late(
    due: datetime, now: datetime, *, created: datetime | None = None, grace: timedelta = timedelta(hours=1)
) -> bool:
    """Whether a reminder sent ``now`` is late: more than ``grace`` after it could first have been sent
    (its due time, or the case's registration if that came later)."""
    first_possible = max(due, created) if created is not None else due
    return now - first_possible > grace


def when_phrase(due: datetime, now: datetime) -> str:
    """ "09:00 yesterday", "09:00 today", "09:00 on Fri 27 Mar": how a late reminder says when it was due."""
    local_due = due.astimezone(now.tzinfo) if now.tzinfo else due
    days = (now.date() - local_due.date()).days
    clock = f"{local_due:%H:%M}"
    if days == 0:
        return f"{clock} today"
    if days == 1:
        return f"{clock} yesterday"
    return f"{clock} on {local_due:%a} {local_due.day} {local_due:%b}"


# -- the daily digest ------------------------------------------------------------------------------------

#: Digest sections, in the order they are shown.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("due-today", "Due today"),
    ("due-soon", "Due in the next {soon} working days"),
    ("overdue", "Overdue (oldest first)"),
    ("clarification", "Awaiting clarification for more than {stale} working days: close?"),
    ("fee-lapsing", "Fee notices about to lapse"),
    ("review-window", "Review windows closing this week"),
    ("reviews-due", "Internal reviews due"),
)


@dataclass(frozen=True)
class DigestLine:
    reference: str
    subject: str
    assignee: str | None
    day: date | None
    working_days_left: int | None
    note: str = ""
    case_id: int | None = None


@dataclass
class Digest:
    """The day's digest: non-empty sections only, each a (key, title, lines) triple."""

    day: date
    sections: list[tuple[str, str, list[DigestLine]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.sections

    def count(self) -> int:
        return sum(len(lines) for _key, _title, lines in self.sections)


def digest_entries(facts: CaseFacts, today: date, policy: ReminderPolicy) -> list[tuple[str, DigestLine]]:
    """The digest sections one case belongs in today (usually none or one).

    Snoozes play no part: a snoozed reminder never hides an overdue statutory date from the digest.
    """
    calendar = case_calendar(facts.regime)
    try:
        return _digest_entries(facts, today, policy, calendar)
    except (CalendarError, ClockError):
        return []


def _digest_entries(
    facts: CaseFacts, today: date, policy: ReminderPolicy, calendar: WorkingDayCalendar
) -> list[tuple[str, DigestLine]]:
    out: list[tuple[str, DigestLine]] = []

    def line(day: date | None, left: int | None, note: str = "") -> DigestLine:
        return DigestLine(facts.reference, facts.subject, facts.assignee, day, left, note, facts.case_id)

    track = deadline_track(facts, calendar)
    if track is not None:
        left = calendar.working_days_between(today, track.last_day)
        if track.name == "review":
            if left <= policy.soon:
                limit = f"outer limit {describe(track.outer_limit)}" if track.outer_limit else ""
                out.append(("reviews-due", line(track.deadline, left, limit)))
        elif left == 0:
            out.append(
                ("due-today", line(track.deadline, left, "extended date" if track.name == "extended" else ""))
            )
        elif 0 < left <= policy.soon:
            out.append(
                ("due-soon", line(track.deadline, left, "extended date" if track.name == "extended" else ""))
            )
        elif left < 0:
            out.append(
                ("overdue", line(track.deadline, left, "extended date" if track.name == "extended" else ""))
            )
    stale_on = clarification_stale_on(facts, calendar, policy)
    if stale_on is not None and stale_on <= today and facts.clarification_sought is not None:
        waited = calendar.working_days_between(facts.clarification_sought, today)
        out.append(
            (
                "clarification",
                line(
                    facts.clarification_sought,
                    None,
                    f"sought {describe(facts.clarification_sought)}, {waited} working days ago",
                ),
            )
        )
    lapse = fee_lapses_on(facts)
    if lapse is not None:
        left = calendar.working_days_between(today, lapse)
        if -policy.fee_lapse_warning <= left <= policy.fee_lapse_warning:
            verb = "lapses" if lapse > today else "lapsed"
            out.append(("fee-lapsing", line(lapse, None, f"unpaid fee {verb} {describe(lapse)}")))
    if (
        facts.status == RESPONDED
        and not facts.is_review
        and facts.review_requested is None
        and facts.review_request_by is not None
    ):
        week_end = today + timedelta(days=6 - today.weekday())
        if today <= facts.review_request_by <= week_end:
            out.append(("review-window", line(facts.review_request_by, None,
                                              "last day to ask for a review; none requested yet")))
    return out


def fee_lapses_on(facts: CaseFacts) -> date | None:
    """The first day an unpaid fees notice has lapsed (FOIA s.9(2), FOISA s.9(4), EIR reg 8(5)), or None."""
    if facts.status != AWAITING_FEE or facts.fee_notice is None or facts.fee_paid or facts.received is None:
        return None
    try:
        deadlines = compute_deadlines(
            ClockFacts(
                regime=facts.regime,
                received=facts.received,
                clarification_sought=facts.clarification_sought,
                clarified=facts.clarified,
                fee_notice=facts.fee_notice,
            )
        )
    except ClockError:
        return None
    return deadlines.fee_lapses


class DigestBuilder:
    """Collects digest lines case by case, so a sweep streaming the register never holds it all."""

    def __init__(self, today: date, policy: ReminderPolicy) -> None:
        self.today = today
        self.policy = policy
        self._found: dict[str, list[DigestLine]] = {}

    def add(self, facts: CaseFacts) -> bool:
        """Add a case's lines; True if it appears in the digest at all."""
        entries = digest_entries(facts, self.today, self.policy)
        for key, entry in entries:
            self._found.setdefault(key, []).append(entry)
        return bool(entries)

    def result(self) -> Digest:
        """Overdue is oldest first; every other section soonest first; ties by reference."""
        digest = Digest(day=self.today)
        for key, title in SECTIONS:
            lines = self._found.get(key)
            if not lines:
                continue
            lines.sort(key=lambda item: (item.day or date.max, item.reference))
            digest.sections.append(
                (key, title.format(soon=self.policy.soon, stale=self.policy.clarification_stale_after), lines)
            )
        return digest


def build_digest(cases: Iterable[CaseFacts], today: date, policy: ReminderPolicy) -> Digest:
    """The digest for ``today`` from any iterable of cases; empty sections are left out."""
    builder = DigestBuilder(today, policy)
    for facts in cases:
        builder.add(facts)
    return builder.result()


def days_phrase(left: int | None) -> str:
    """ "due in 3 working days", "due today", "overdue by 2 working days" (None: no running deadline)."""
    if left is None:
        return "clock stopped"
    if left > 0:
        return f"due in {left} working day{'s' if left != 1 else ''}"
    if left == 0:
        return "due today"
    return f"overdue by {-left} working day{'s' if left != -1 else ''}"
