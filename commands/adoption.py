"""Adopting a team's existing register mid-year: its open and recent cases, its numbering, its history out.

`import_register` reads the CSV a team exports from its old register (one row per case: reference, regime,
received, subject, status, assignee, responded, due), checks every row — all of them, with line numbers,
before anything is written — and registers them in one transaction, or none. Each case's deadlines are
recomputed by the statutory clock; where the old register's due date differs, the difference is listed
(and the clock's date stands unless the team keeps theirs with ``keep_due``). The reference counters move
past the imported numbers so new cases continue the sequence. Imported cases count as created now, so the
reminders owe nothing from before the import (nothing arrives "late").

`set_next_reference` continues a numbering (`FOI 2026 740` makes the next case FOI2026/00740) and refuses a
number already used. `audit_rows` is the append-only history as rows for `foi-bot audit export`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from commands.base import CommandContext
from commands.case_clock import apply_clock
from commands.rules.clock import ClockError
from storage.cases import record_event
from storage.models import Case, CaseEvent, CaseStatus, ReferenceCounter, utcnow
from storage.references import REFERENCE_PATTERN, format_reference

COLUMNS = ("reference", "regime", "received", "subject", "status", "assignee", "responded", "due")
REQUIRED = ("reference", "regime", "received", "subject", "status")
REGIMES = ("foia", "eir", "foisa", "sar")
STATUSES = {
    "open": CaseStatus.OPEN, "awaiting clarification": CaseStatus.AWAITING_CLARIFICATION,
    "awaiting fee": CaseStatus.AWAITING_FEE, "extended": CaseStatus.EXTENDED, "responded": CaseStatus.RESPONDED,
    "under review": CaseStatus.UNDER_REVIEW, "closed": CaseStatus.CLOSED, "withdrawn": CaseStatus.WITHDRAWN,
    "lapsed": CaseStatus.LAPSED,
}


class RegisterImportError(ValueError):
    """The file cannot be imported: every problem found, each with its line number."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    references: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    counters: list[str] = field(default_factory=list)


def _date(value: str) -> date:
    value = value.strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, form).date()
        except ValueError:
            continue
    raise ValueError(f"'{value}' is not a date (write 2026-03-02 or 02/03/2026)")


@dataclass(frozen=True)
class _Row:
    line: int
    reference: str
    prefix: str
    year: int
    number: int
    regime: str
    received: date
    subject: str
    status: str
    assignee: str | None
    responded: date | None
    due: date | None


def read_rows(text: str, *, today: date) -> list[_Row]:
    """Every row checked; raises RegisterImportError listing every problem (nothing is half-read)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise RegisterImportError([f"line 1: the header lacks {', '.join(missing)} (columns: {', '.join(COLUMNS)})"])
    unknown = [h for h in headers if h not in COLUMNS]
    if unknown:
        raise RegisterImportError([f"line 1: unknown column(s) {', '.join(unknown)} (columns: {', '.join(COLUMNS)})"])
    rows: list[_Row] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(reader, start=2):
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not any(cells.values()):
            continue
        row_problems: list[str] = []
        reference = cells.get("reference", "").upper().replace(" ", "")
        match = REFERENCE_PATTERN.fullmatch(reference)
        if not match:
            row_problems.append(f"reference '{cells.get('reference')}' is not like FOI2026/00042")
        elif reference in seen:
            row_problems.append(f"reference {reference} is also on line {seen[reference]}")
        regime = cells.get("regime", "").lower()
        if regime not in REGIMES:
            row_problems.append(f"regime '{cells.get('regime')}' is not one of {', '.join(REGIMES)}")
        received = responded = due = None
        for name in ("received", "responded", "due"):
            if not cells.get(name):
                if name == "received":
                    row_problems.append("received is empty")
                continue
            try:
                value = _date(cells[name])
            except ValueError as exc:
                row_problems.append(f"{name}: {exc}")
                continue
            if name != "due" and value > today:
                row_problems.append(f"{name} {value.isoformat()} is in the future")
            received, responded, due = ((value, responded, due) if name == "received" else
                                        (received, value, due) if name == "responded" else (received, responded, value))
        if received and responded and responded < received:
            row_problems.append("responded is before received")
        status = STATUSES.get(cells.get("status", "").lower())
        if status is None:
            row_problems.append(f"status '{cells.get('status')}' is not one of {', '.join(STATUSES)}")
        elif status in (CaseStatus.RESPONDED, CaseStatus.UNDER_REVIEW) and responded is None:
            row_problems.append(f"status '{status}' needs the responded date")
        subject = cells.get("subject", "")
        if not subject:
            row_problems.append("subject is empty")
        elif len(subject) > 300:
            row_problems.append(f"subject is {len(subject)} characters (at most 300)")
        assignee = cells.get("assignee") or None
        if assignee and (len(assignee) > 40 or not assignee.replace("_", "").isalnum()):
            row_problems.append(f"assignee '{assignee}' is not a Slack user id like U012ABCDEF")
        if row_problems:
            problems.extend(f"line {index}: {p}" for p in row_problems)
            continue
        assert match is not None and received is not None and status is not None
        seen[reference] = index
        rows.append(_Row(index, format_reference(match.group(1), int(match.group(2)), int(match.group(3))),
                         match.group(1), int(match.group(2)), int(match.group(3)), regime, received, subject,
                         status, assignee, responded, due))
    if problems:
        raise RegisterImportError(problems)
    if not rows:
        raise RegisterImportError(["the file has no cases"])
    return rows


def import_register(ctx: CommandContext, session: Session, text: str, *, today: date, actor: str,
                    keep_due: bool = False) -> ImportReport:
    """Import every row or none (the caller's transaction); raises RegisterImportError with every problem."""
    rows = read_rows(text, today=today)
    existing = set(session.exec(select(Case.reference).where(col(Case.reference).in_([r.reference for r in rows]))).all())
    problems = [f"line {r.line}: {r.reference} is already in the register" for r in rows if r.reference in existing]
    report = ImportReport()
    cases: list[tuple[_Row, Case]] = []
    for row in rows:
        case = Case(reference=row.reference, regime=row.regime, received=row.received, subject=row.subject,
                    request_text=f"(imported from the previous register: {row.subject})",
                    questions=[{"number": "1", "text": row.subject, "parts": []}], assignee=row.assignee,
                    status=row.status, responded=row.responded, created_by=actor, created_at=utcnow())
        try:
            apply_clock(case, ctx.settings)
        except ClockError as exc:
            problems.append(f"line {row.line}: {row.reference}: {exc}")
            continue
        if row.status in CaseStatus.FINISHED:
            case.closed_at = utcnow()
        cases.append((row, case))
    if problems:
        raise RegisterImportError(problems)
    for row, case in cases:
        computed = case.due
        if row.due and computed and row.due != computed:
            keep = "kept, as asked" if keep_due else "the statutory clock's date is used"
            report.differences.append(f"{row.reference}: the old register says due {row.due.isoformat()}, the "
                                      f"statutory clock gives {computed.isoformat()} ({keep})")
            if keep_due:
                case.due = row.due
        session.add(case)
        session.flush()
        record_event(session, case, actor=actor, kind="imported",
                     summary=f"Imported from the previous register ({row.status}, received {row.received.isoformat()})",
                     details={"line": row.line, "old_due": row.due.isoformat() if row.due else None,
                              "due": case.due.isoformat() if case.due else None})
        report.references.append(row.reference)
    highest: dict[tuple[str, int], int] = {}
    for row in rows:
        highest[(row.prefix, row.year)] = max(highest.get((row.prefix, row.year), 0), row.number)
    for (prefix, year), number in sorted(highest.items()):
        counter = session.get(ReferenceCounter, (prefix, year))
        if counter is None:
            session.add(ReferenceCounter(prefix=prefix, year=year, last=number))
        elif counter.last < number:
            counter.last = number
            session.add(counter)
        else:
            continue
        report.counters.append(f"{prefix}{year}: the next reference is {format_reference(prefix, year, number + 1)}")
    return report


def set_next_reference(session: Session, prefix: str, year: int, number: int) -> str:
    """Make ``number`` the next reference issued for ``prefix`` and ``year``; refuses a number already used."""
    prefix = prefix.upper()
    if not prefix.isalpha() or not 2 <= len(prefix) <= 5:
        raise ValueError(f"'{prefix}' is not a reference prefix like FOI, EIR, SAR or IR")
    if not 1900 < year < 3000 or number < 1:
        raise ValueError("write the year like 2026 and a number from 1")
    pattern = f"{prefix}{year}/%"
    used = [int(r.split("/", 1)[1]) for r in session.exec(select(Case.reference).where(col(Case.reference).like(pattern))).all()]
    counter = session.get(ReferenceCounter, (prefix, year))
    last_issued = max([counter.last if counter else 0, *used])
    if number <= last_issued:
        raise ValueError(f"{format_reference(prefix, year, number)} is already used (the last issued is "
                         f"{format_reference(prefix, year, last_issued)}); choose a number above {last_issued}")
    if counter is None:
        session.add(ReferenceCounter(prefix=prefix, year=year, last=number - 1))
    else:
        counter.last = number - 1
        session.add(counter)
    return format_reference(prefix, year, number)


AUDIT_COLUMNS = ("at", "reference", "actor", "kind", "summary", "before", "after", "details")


def audit_rows(session: Session, *, reference: str | None = None, since: date | None = None,
               until: date | None = None, tz: Any = None) -> Iterable[dict[str, Any]]:
    """The history, oldest first: who, when, what, and before/after where the change has them."""
    query = (sa_select(CaseEvent, Case.reference).join(Case, Case.id == CaseEvent.case_id)
             .order_by(CaseEvent.at, CaseEvent.id))
    if reference:
        query = query.where(Case.reference == reference)
    for event, ref in session.execute(query):
        at = event.at.astimezone(tz) if tz is not None and event.at.tzinfo else event.at
        day = at.date()
        if (since and day < since) or (until and day > until):
            continue
        details = event.details or {}
        yield {"at": at.isoformat(timespec="seconds"), "reference": ref, "actor": event.actor, "kind": event.kind,
               "summary": event.summary, "before": _side(details, "from"), "after": _side(details, "to"),
               "details": details}


def _side(details: dict[str, Any], key: str) -> str:
    value = details.get(key)
    return "" if value is None else str(value)


def audit_csv(rows: Sequence[dict[str, Any]]) -> str:
    import json

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(AUDIT_COLUMNS)
    for row in rows:
        writer.writerow([row[c] if c != "details" else json.dumps(row[c], ensure_ascii=False) for c in AUDIT_COLUMNS])
    return buffer.getvalue()
