"""Keeping a case's stored dates in step with the statutory clock.

The clock itself is pure (`commands.rules.clock`); this module maps a `Case` row to the clock's facts and
writes the computed dates back, so lists, reminders and statistics can query them. A recomputation that
would move an existing due date (a new calendar version, a corrected fact) is reported to the caller so it
is recorded as an event and said out loud, never applied silently.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from commands.rules.clock import ClockFacts, Deadlines, compute_deadlines

if TYPE_CHECKING:  # pragma: no cover
    from bot.config import Settings
    from storage.models import Case


def facts_for(case: Case, settings: Settings) -> ClockFacts:
    return ClockFacts(
        regime=case.regime,
        received=case.received,
        clarification_sought=case.clarification_sought,
        clarified=case.clarified,
        fee_notice=case.fee_notice,
        fee_paid=case.fee_paid,
        extended=case.extended,
        extended_until=case.extended_until,
        responded=case.responded,
        review_requested=case.review_requested,
        receipt_rule=settings.receipt_rule,
        review_window=settings.review_window,
        sar_extension=settings.sar_extension,
    )


@dataclass(frozen=True)
class ClockUpdate:
    deadlines: Deadlines
    previous_due: date | None
    moved: bool

    @property
    def change_note(self) -> str | None:
        if not self.moved:
            return None
        before = self.previous_due.isoformat() if self.previous_due else "none"
        after = self.deadlines.due.isoformat() if self.deadlines.due else "none"
        return f"Due date moved from {before} to {after}."


def deadlines_for(case: Case, settings: Settings, parent: Case | None = None) -> Deadlines:
    """An internal-review case is timed by its parent's regime rules for reviews (Code 5.4-5.5, EIR reg 11,
    FOISA s.21), counted from the day the review was requested; any other case by its own facts."""
    if parent is not None:
        return compute_deadlines(replace(facts_for(parent, settings), review_requested=case.received))
    return compute_deadlines(facts_for(case, settings))


def apply_clock(case: Case, settings: Settings, parent: Case | None = None) -> ClockUpdate:
    """Compute and store the case's dates; raises the clock's error for an impossible sequence."""
    deadlines = deadlines_for(case, settings, parent)
    previous = case.due
    if parent is not None:
        case.due = deadlines.review_due
        case.extended_due = deadlines.review_max
        case.review_request_by = None
    else:
        case.due = deadlines.due
        case.extended_due = deadlines.extended_due
        case.review_request_by = deadlines.review_request_by
    case.calendar_version = deadlines.calendar_version
    moved = previous is not None and case.due is not None and previous != case.due
    return ClockUpdate(deadlines=deadlines, previous_due=previous, moved=moved)
