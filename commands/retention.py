"""Erasing requesters' personal data once a finished case passes the retention period (UK GDPR Art 5(1)(e)).

The case stays (reference, dates, questions, outcome: the register, statistics and the disclosure log need
them); the requester's name, email, address and phone go from *everywhere* they were stored: the case's
fields, its request text, subject and questions, its history (notes included), answers, every draft and
review comment, the documents enclosed with its letter, the intake proposal it came from, and whatever it still owed Slack (delivered rows are
deleted, waiting ones masked). Their known details are removed in any letter case, and anything shaped like
contact details (another email, a phone number, a postcode, a signed-off name) is masked too, because a
pasted request often carries more than the fields that were filled in. Intake proposals that never became
a case are erased the same way once they are older than the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from commands.rules.personal_data import erase, known_details
from storage.cases import record_event
from storage.models import Case, utcnow
from storage.outbox import PENDING, UNKNOWN
from storage.retention import (
    ERASED,
    allow_history_erasure,
    cases_due_for_erasure,
    proposals_never_registered,
    rows_of_case,
)
from storage.search import forget_erased


@dataclass
class PurgeReport:
    references: list[str] = field(default_factory=list)
    proposals: int = 0


def _masked(value: Any, details: list[str]) -> Any:
    if isinstance(value, str):
        return erase(value, details, ERASED)
    if isinstance(value, list):
        return [_masked(v, details) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v, details) for k, v in value.items() if k not in ("requester", "response_url")}
    return value


def erase_personal_data(session: Session, case: Case, *, actor: str) -> None:
    details = known_details(case.requester_name, case.requester_email, case.requester_address)
    case.request_text = erase(case.request_text, details, ERASED)
    case.subject = erase(case.subject, details, ERASED)[:300]
    case.questions = _masked(case.questions, details)
    case.requester_name = case.requester_email = case.requester_address = None
    case.personal_data_erased_at = utcnow()
    rows = rows_of_case(session, case)
    allow_history_erasure(session)
    for event in rows["events"]:
        event.summary = erase(event.summary, details, ERASED)[:500]  # type: ignore[attr-defined]
        event.details = _masked(event.details, details)  # type: ignore[attr-defined]
    for answer in rows["answers"]:
        answer.text = erase(answer.text, details, ERASED)  # type: ignore[attr-defined]
    for draft in rows["drafts"]:
        draft.text = erase(draft.text, details, ERASED)  # type: ignore[attr-defined]
    for comment in rows["comments"]:
        comment.text = erase(comment.text, details, ERASED)  # type: ignore[attr-defined]
    for proposal in rows["proposals"]:
        proposal.text = ERASED  # type: ignore[attr-defined]
        proposal.proposal = _masked(proposal.proposal, details)  # type: ignore[attr-defined]
    for annex in rows["annexes"]:
        # An uploaded document cannot be searched for the requester's details: its content goes, the record
        # that there was an annex (and its title, masked) stays for the register.
        annex.title = erase(annex.title, details, ERASED)[:300]  # type: ignore[attr-defined]
        if annex.kind == "upload":  # type: ignore[attr-defined]
            annex.content = None  # type: ignore[attr-defined]
    for item in rows["outbox"]:
        if item.state in (PENDING, UNKNOWN):  # type: ignore[attr-defined]
            item.payload = _masked(item.payload, details)  # type: ignore[attr-defined]
            item.content = None  # type: ignore[attr-defined]
        else:
            session.delete(item)
    for group in rows.values():
        for row in group:
            if row in session:
                session.add(row)
    session.add(case)
    record_event(session, case, actor=actor, kind="personal-data-erased",
                 summary="Requester's personal data erased from the case, its history, answers, drafts and messages")


def purge(session: Session, today: date, years: int, *, actor: str = "retention", dry_run: bool = False) -> PurgeReport:
    report = PurgeReport()
    for case in cases_due_for_erasure(session, today, years):
        report.references.append(case.reference)
        if not dry_run:
            erase_personal_data(session, case, actor=actor)
    for proposal in proposals_never_registered(session, today, years):
        report.proposals += 1
        if not dry_run:
            proposal.text = ERASED
            proposal.proposal = _masked(proposal.proposal, [])
            session.add(proposal)
    if report.references and not dry_run:
        session.flush()
        forget_erased(session)
    return report
