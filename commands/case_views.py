"""Snapshots of cases for replies: the card every surface shows, with the deadline explaining itself."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import object_session

from commands.base import CaseView
from commands.case_clock import deadlines_for
from commands.rules.clock import ClockError, working_days_left
from commands.rules.personal_data import erase, known_details

if TYPE_CHECKING:  # pragma: no cover
    from bot.config import Settings
    from storage.models import Case

REGIME_NAMES = {"foia": "FOIA", "eir": "EIR", "foisa": "FOISA", "sar": "SAR"}


#: What masks a requester's details in text a channel sees.
MASK = "[personal data]"
#: Statuses after the response: no countdown, the response and its timeliness instead.
ANSWERED = ("responded", "under review", "closed", "withdrawn", "lapsed")


def case_view(case: Case, settings: Settings, today: date, *, explain: bool = True, private: bool = False) -> CaseView:
    """The case as the team sees it. ``private`` (a team member's own `/foi show`) keeps the requester's details
    and shows them; otherwise they are masked wherever they appear, as is anything shaped like contact
    details (a pasted request often ends "Yours, Jane Doe, jane@…")."""
    explanation: tuple[str, ...] = ()
    if explain:
        try:
            deadlines = deadlines_for(case, settings, _parent(case))
            explanation = tuple(deadlines.explanation)
            stored = case.extended_due if case.parent_id else case.due
            fresh = deadlines.review_max if case.parent_id else deadlines.due
            if case.calendar_version and deadlines.calendar_version != case.calendar_version and fresh != stored:
                explanation += (
                    f"The holiday calendar has changed since this date was set ({case.calendar_version} → "
                    f"{deadlines.calendar_version}): today it would give {fresh}. The stored date stands until "
                    "the case is recomputed, which is then recorded.",
                )
        except ClockError as exc:  # stored facts that no longer add up are shown, not hidden
            explanation = (f"The deadline cannot be computed: {exc}",)
    left = None
    if case.due is not None and case.status not in ANSWERED:
        left = working_days_left(case.due, today, case.regime)
    limit = case.extended_due if case.extended and case.extended_due and not case.parent_id else case.due
    on_time = (case.responded <= limit) if case.responded and limit else None
    details = known_details(case.requester_name, case.requester_email, case.requester_address)

    def shown(text: str) -> str:
        return text if private else erase(text, details, MASK)

    requester: tuple[tuple[str, str], ...] = ()
    if private:
        requester = tuple((label, value) for label, value in (
            ("Requester", case.requester_name), ("Email", case.requester_email), ("Address", case.requester_address))
            if value)
    return CaseView(
        reference=case.reference,
        status=case.status,
        regime=case.regime,
        received=case.received,
        due=case.due,
        assignee=case.assignee,
        subject=shown(case.subject),
        channel_id=case.channel_id,
        thread_ts=case.thread_ts,
        extended_due=case.extended_due,
        explanation=explanation,
        questions=tuple(shown(line) for line in _question_lines(case.questions)),
        working_days_left=left,
        is_review=case.parent_id is not None,
        responded=case.responded,
        review_request_by=case.review_request_by,
        on_time=on_time,
        requester=requester,
    )


def _parent(case: Case) -> Case | None:
    """An internal review is explained by its parent's review rules; the parent is read through the case's
    own session when there is one (a detached case is explained as a request of its own)."""
    if case.parent_id is None:
        return None
    session = object_session(case)
    return session.get(type(case), case.parent_id) if session is not None else None


def _question_lines(questions: list[dict], depth: int = 0) -> list[str]:
    lines: list[str] = []
    for question in questions or []:
        lines.append(f"{'  ' * depth}{question.get('number', '')}. {question.get('text', '')}".rstrip())
        lines.extend(_question_lines(question.get("parts") or [], depth + 1))
    return lines


def due_phrase(view: CaseView) -> str:
    """The deadline in words: the countdown while it runs; once answered, when and whether in time, and the
    requester's review window, never "OVERDUE" for a case answered in time."""
    if view.responded is not None and view.status in ANSWERED:
        text = f"Responded on {view.responded.strftime('%a %-d %b %Y')}"
        if view.on_time is True:
            text += " (in time)"
        elif view.on_time is False and view.due is not None:
            text += f" (after the due date, {view.due.strftime('%a %-d %b %Y')})"
        if view.status == "responded" and view.review_request_by is not None:
            text += f" — review window until {view.review_request_by.strftime('%a %-d %b %Y')}"
        elif view.status == "under review":
            text += " — internal review open"
        return text
    if view.due is None:
        return "no deadline"
    text = view.due.strftime("%a %-d %b %Y")
    if view.working_days_left is None:
        return text
    if view.working_days_left > 0:
        return f"{text} ({view.working_days_left} working days left)"
    if view.working_days_left == 0:
        return f"{text} (due today)"
    return f"{text} (OVERDUE by {-view.working_days_left} working days)"
