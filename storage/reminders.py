"""The reminder ledger and the sweep's queries: a fixed handful of statements per sweep, whatever the register's size.

Exactly once rests on one rule: a reminder's ledger row is *claimed* (inserted with
``INSERT … ON CONFLICT DO NOTHING RETURNING``, or re-claimed with a compare-and-set ``UPDATE … RETURNING``)
in its own committed transaction *before* the message is sent. The unique key (case, kind, target date,
recipient) lets exactly one of any number of concurrent sweepers — threads or `foi-bot run` processes on
one PostgreSQL database — get the row back; the others see nothing returned and move on. After sending,
the row is marked sent (never sent again) or failed (the next sweep re-claims and retries it).

Per sweep: one query loads the recent ledger, one streams the candidate cases (filtered in SQL on the
stored ``due``, ``clarification_sought`` and ``review_request_by``, so cases far from any date are never
read), one inserts the new claims, one re-claims failed ones, and marks are written in batches with
``executemany``. No statement is issued per case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, insert, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlmodel import Session

from storage import outbox
from storage.models import Case, CaseEvent, CaseStatus, Reminder

# Ledger states.
QUEUED = "queued"  # its message is in the outbox; the deliverer marks it sent (or failed)
CLAIMED = "claimed"  # before the outbox: claimed by a sweeper that sent it itself
SENT = "sent"
FAILED = "failed"
ABANDONED = "abandoned"
SKIPPED = "skipped"
#: States after which a row is never sent again.
DONE_STATES = (SENT, ABANDONED, SKIPPED)

#: Rows per INSERT/UPDATE statement: 2,000 rows x 9 values stays under SQLite's 32,766 host parameters.
CHUNK = 2000

_R = Reminder.__table__.c  # type: ignore[attr-defined]
_C = Case.__table__.c  # type: ignore[attr-defined]

Key = tuple[int | None, str, date, str]


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    state: str
    attempts: int
    claimed_at: datetime | None
    snoozed_until: date | None
    case_id: int | None
    recipient: str


@dataclass(frozen=True)
class NewClaim:
    """A row to claim: the ledger key plus when it fell due."""

    case_id: int | None
    kind: str
    target_date: date
    recipient: str
    due_at: datetime

    @property
    def key(self) -> Key:
        return (self.case_id, self.kind, self.target_date, self.recipient)


def load_ledger(session: Session, since: date) -> dict[Key, LedgerEntry]:
    """Every ledger row with a target date from ``since`` on, by key (one query; bounded by the catch-up window)."""
    rows = session.execute(
        select(_R.id, _R.case_id, _R.kind, _R.target_date, _R.recipient, _R.state, _R.attempts, _R.claimed_at,
               _R.snoozed_until).where(_R.target_date >= since)
    )
    return {
        (r.case_id, r.kind, r.target_date, r.recipient): LedgerEntry(
            r.id, r.state, r.attempts, r.claimed_at, r.snoozed_until, r.case_id, r.recipient)
        for r in rows
    }


#: The case columns the planner needs. The requester's name and email are read only to mask them out of the
#: subject a reminder shows (`bot.reminders.facts_from_row`); they are never logged or sent.
CANDIDATE_COLUMNS = (
    _C.id, _C.reference, _C.regime, _C.status, _C.subject, _C.assignee, _C.due, _C.extended_due, _C.extended,
    _C.review_request_by, _C.review_requested, _C.received, _C.clarification_sought, _C.clarified,
    _C.fee_notice, _C.fee_paid, _C.parent_id, _C.channel_id, _C.thread_ts, _C.close_reason, _C.created_at,
    _C.requester_name, _C.requester_email, _C.requester_address,
)


@dataclass(frozen=True)
class CandidateBounds:
    """Date bounds of the candidate query, worked out by the sweep from its window and the calendars.

    Each bound is deliberately generous (a few days' margin for holidays): the planner decides exactly;
    the query only has to leave out the cases that certainly need nothing.
    """

    today: date
    due_until: date
    sought_from: date
    sought_until: date
    review_by_from: date
    auto_close_reason: str
    digest: bool = False
    fee_notice_from: date | None = None
    fee_notice_until: date | None = None
    review_by_until: date | None = None


def stream_candidates(session: Session, bounds: CandidateBounds, *, batch: int = 1000) -> Iterator[Row[Any]]:
    """Cases that may owe a reminder (or a digest line) today, streamed ``batch`` rows at a time.

    Active cases due by ``due_until`` (which includes every overdue one); cases awaiting clarification
    long enough to go stale; responded cases whose review window closed inside the catch-up window. With
    ``digest``, also every stale clarification, fees notices near lapsing and review windows closing this
    week. On PostgreSQL the rows come through a server-side cursor, so memory holds one batch.
    """
    active = list(CaseStatus.ACTIVE)
    review_statuses = or_(
        _C.status == CaseStatus.RESPONDED,
        and_(_C.status == CaseStatus.CLOSED, _C.close_reason == bounds.auto_close_reason),
    )
    conditions = [
        and_(_C.status.in_(active), _C.due.is_not(None), _C.due <= bounds.due_until),
        and_(_C.status == CaseStatus.AWAITING_CLARIFICATION, _C.clarified.is_(None),
             _C.clarification_sought <= bounds.sought_until,
             *([] if bounds.digest else [_C.clarification_sought >= bounds.sought_from])),
        and_(review_statuses, _C.review_request_by >= bounds.review_by_from,
             _C.review_request_by <= (bounds.review_by_until or bounds.today)),
    ]
    if bounds.digest and bounds.fee_notice_from and bounds.fee_notice_until:
        conditions.append(and_(_C.status == CaseStatus.AWAITING_FEE, _C.fee_paid.is_(None),
                               _C.fee_notice >= bounds.fee_notice_from, _C.fee_notice <= bounds.fee_notice_until))
    statement = select(*CANDIDATE_COLUMNS).where(or_(*conditions)).execution_options(yield_per=batch)
    yield from session.execute(statement)


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def claim(session: Session, new: Sequence[NewClaim], retry: Sequence[tuple[int, int]], *, claimer: str,
          now: datetime) -> dict[Key, int]:
    """Claim ledger rows for this sweeper; returns key -> row id for the rows it now owns (and must send).

    ``new`` rows are inserted; a row another sweeper inserted first is silently not returned. ``retry``
    lists (id, attempts as read) of failed or abandoned-in-flight rows: the UPDATE only matches while the
    attempts counter is unchanged, so of two sweepers retrying the same row exactly one wins. Commit
    before sending.
    """
    owned: dict[Key, int] = {}
    # One lock order for every sweeper: two multi-row claims of the same keys in different orders could
    # otherwise each wait for the other's uncommitted row (a deadlock on PostgreSQL).
    new = sorted(new, key=lambda c: (c.case_id or 0, c.kind, c.target_date, c.recipient))
    retry = sorted(retry)
    dialect_insert = _insert(session)
    table = Reminder.__table__  # type: ignore[attr-defined]
    if new:
        # executemany with RETURNING: SQLAlchemy compiles the statement once and sends the rows as
        # multi-row INSERTs of CHUNK rows ("insertmanyvalues"), so 2,000 claims are one statement.
        statement = (
            dialect_insert(table).on_conflict_do_nothing()
            .returning(_R.id, _R.case_id, _R.kind, _R.target_date, _R.recipient)
            .execution_options(insertmanyvalues_page_size=CHUNK)
        )
        values = [
            {"case_id": c.case_id, "kind": c.kind, "target_date": c.target_date, "recipient": c.recipient,
             "state": QUEUED, "due_at": c.due_at, "claimed_at": now, "claimed_by": claimer, "attempts": 1}
            for c in new
        ]
        for row in session.connection().execute(statement, values):
            owned[(row.case_id, row.kind, row.target_date, row.recipient)] = row.id
    for start in range(0, len(retry), CHUNK):
        pairs = list(retry[start:start + CHUNK])
        statement = (
            update(table)
            .where(tuple_(_R.id, _R.attempts).in_(pairs), _R.state.in_((FAILED, CLAIMED)))
            .values(state=QUEUED, claimed_at=now, claimed_by=claimer, attempts=_R.attempts + 1, last_error=None)
            .returning(_R.id, _R.case_id, _R.kind, _R.target_date, _R.recipient)
        )
        for row in session.execute(statement):
            owned[(row.case_id, row.kind, row.target_date, row.recipient)] = row.id
    return owned


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed row: sent (with where it landed) or not (with the error code).

    ``permanent`` marks a failure that retrying cannot fix (Slack rejected the message itself); transient
    failures (5xx, timeouts, rate limits, a revoked token being replaced) are retried for as long as the
    catch-up window keeps planning the reminder, so an outage never loses one.
    """

    id: int
    sent: bool
    channel: str | None = None
    message_ts: str | None = None
    note: str | None = None
    permanent: bool = False


def record_outcomes(session: Session, outcomes: Iterable[Outcome], *, now: datetime, max_attempts: int) -> int:
    """Mark claimed rows sent or failed: at most three ``executemany`` statements, whatever the count.

    A permanently failing row whose attempts reached ``max_attempts`` becomes ``abandoned``, so a message
    Slack refuses forever does not retry forever.
    """
    table = Reminder.__table__  # type: ignore[attr-defined]
    outcomes = list(outcomes)
    sent = [{"b_id": o.id, "b_channel": o.channel, "b_ts": o.message_ts, "b_note": o.note} for o in outcomes if o.sent]
    failed = [{"b_id": o.id, "b_note": (o.note or "error")[:300]} for o in outcomes if not o.sent and not o.permanent]
    refused = [{"b_id": o.id, "b_note": (o.note or "error")[:300]} for o in outcomes if not o.sent and o.permanent]
    connection = session.connection()
    mine = or_(_R.state == QUEUED, _R.state == CLAIMED)  # an IN list cannot be used with executemany
    if sent:
        connection.execute(
            update(table).where(_R.id == bindparam("b_id"), mine)
            .values(state=SENT, sent_at=now, channel=bindparam("b_channel"), message_ts=bindparam("b_ts"),
                    last_error=bindparam("b_note")),
            sent,
        )
    if failed:
        connection.execute(
            update(table).where(_R.id == bindparam("b_id"), mine)
            .values(state=FAILED, last_error=bindparam("b_note")),
            failed,
        )
    if refused:
        connection.execute(
            update(table).where(_R.id == bindparam("b_id"), mine)
            .values(state=case((_R.attempts >= max_attempts, ABANDONED), else_=FAILED),
                    last_error=bindparam("b_note")),
            refused,
        )
    return len(outcomes)


def mark_skipped(session: Session, ids: Sequence[int], note: str) -> None:
    """Rows that were claimed but need no message (an empty digest): done, never retried."""
    if ids:
        session.execute(update(Reminder.__table__).where(_R.id.in_(list(ids))).values(state=SKIPPED, last_error=note))  # type: ignore[attr-defined]


def close_cases_after_review_window(session: Session, windows: dict[int, date], *, reason: str, actor: str,
                                    now: datetime) -> list[int]:
    """Close responded cases whose review window ended with no review requested; one event each.

    The UPDATE re-checks the status and that no review was requested, so a review recorded a moment ago, or
    another sweeper closing the same case, is never overwritten; only the cases this call closed get an event.
    """
    if not windows:
        return []
    table = Case.__table__  # type: ignore[attr-defined]
    closed = [row.id for row in session.execute(
        update(table)
        .where(_C.id.in_(list(windows)), _C.status == CaseStatus.RESPONDED, _C.review_requested.is_(None))
        .values(status=CaseStatus.CLOSED, close_reason=reason, closed_at=now, updated_at=now)
        .returning(_C.id)
    )]
    if closed:
        session.execute(insert(CaseEvent.__table__), [  # type: ignore[attr-defined]
            {"case_id": case_id, "at": now, "actor": actor, "kind": CaseStatus.CLOSED,
             "summary": f"Closed automatically: the review window ended on {windows[case_id].isoformat()} "
                        "and no internal review was requested",
             "details": {"from": CaseStatus.RESPONDED, "reason": reason,
                         "review_request_by": windows[case_id].isoformat(), "automatic": True}}
            for case_id in closed
        ])
    return closed


@dataclass(frozen=True)
class SnoozedReminder:
    case_id: int | None
    reference: str | None
    regime: str | None
    recipient: str


def reminders_for_snooze(session: Session, ids: Sequence[int]) -> list[SnoozedReminder]:
    """The rows a Snooze button names, with their case's reference and regime (for its calendar)."""
    if not ids:
        return []
    rows = session.execute(
        select(_R.case_id, _C.reference, _C.regime, _R.recipient)
        .select_from(Reminder.__table__.outerjoin(Case.__table__, _R.case_id == _C.id))  # type: ignore[attr-defined]
        .where(_R.id.in_(list(ids)))
    )
    return [SnoozedReminder(r.case_id, r.reference, r.regime, r.recipient) for r in rows]


def snooze(session: Session, ids: Sequence[int], until: date) -> int:
    """Ask for one more reminder on ``until`` (idempotent: pressing twice sets the same day)."""
    if not ids:
        return 0
    result = session.execute(update(Reminder.__table__).where(_R.id.in_(list(ids))).values(snoozed_until=until))  # type: ignore[attr-defined]
    return int(result.rowcount or 0)


# -- what the outbox records for reminder messages ---------------------------------------------------------
@outbox.records("reminders")
def _reminders_sent(session: Session, ids: list[int], result: dict[str, Any]) -> None:
    """Slack said ok: the message's ledger rows are sent, with where it landed (and a fallback's note)."""
    from storage.models import utcnow

    record_outcomes(session, [Outcome(i, True, channel=result.get("channel"), message_ts=result.get("ts"),
                                      note=result.get("note")) for i in ids], now=utcnow(), max_attempts=1)


@outbox.records_death("reminders")
def _reminders_dead(session: Session, ids: list[int], error: str, permanent: bool) -> None:
    """The message was given up: a refused one is abandoned; one lost to an outage is failed, so the next
    sweep queues it again while it is inside the catch-up window."""
    from storage.models import utcnow

    record_outcomes(session, [Outcome(i, False, note=error, permanent=permanent) for i in ids], now=utcnow(),
                    max_attempts=1)
