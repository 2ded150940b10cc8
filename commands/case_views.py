"""Snapshots of cases for replies: the card every surface shows, with the deadline explaining itself."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from commands.base import CaseView
from commands.case_clock import deadlines_for
from commands.rules.clock import ClockError, working_days_left

if TYPE_CHECKING:  # pragma: no cover
    from bot.config import Settings
    from storage.models import Case

REGIME_NAMES = {"foia": "FOIA", "eir": "EIR", "foisa": "FOISA", "sar": "SAR"}


def case_view(case: Case, settings: Settings, today: date, *, explain: bool = True) -> CaseView:
    explanation: tuple[str, ...] = ()
    if explain:
        try:
            explanation = tuple(deadlines_for(case, settings).explanation)
        except ClockError as exc:  # stored facts that no longer add up are shown, not hidden
            explanation = (f"The deadline cannot be computed: {exc}",)
    left = None
    if case.due is not None and case.status not in ("closed", "withdrawn", "lapsed", "responded"):
        left = working_days_left(case.due, today, case.regime)
    return CaseView(
        reference=case.reference,
        status=case.status,
        regime=case.regime,
        received=case.received,
        due=case.due,
        assignee=case.assignee,
        subject=case.subject,
        channel_id=case.channel_id,
        thread_ts=case.thread_ts,
        extended_due=case.extended_due,
        explanation=explanation,
        questions=tuple(_question_lines(case.questions)),
        working_days_left=left,
    )


def _question_lines(questions: list[dict], depth: int = 0) -> list[str]:
    lines: list[str] = []
    for question in questions or []:
        lines.append(f"{'  ' * depth}{question.get('number', '')}. {question.get('text', '')}".rstrip())
        lines.extend(_question_lines(question.get("parts") or [], depth + 1))
    return lines


def due_phrase(view: CaseView) -> str:
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
