"""The outbox: everything owed to Slack, written in the same transaction as the change that owes it.

Rows are added with `add` inside the caller's transaction. The deliverer (`bot.slack.delivery`) claims
due rows, sends them and records the outcome here: `mark_sent` (with Slack's channel and ts, and the
row's ``on_sent`` effects applied in the same transaction), `mark_retry` (backoff), `mark_unknown` (a
timeout after sending: reconcile before resending) or `mark_dead` (too many failures; an admin can
`retry` or `drop` it).

Ordering: rows sharing a ``lane`` (a case's thread) are delivered one at a time in id order, so a
case's card always lands before the posts that need its thread. A dead row does not block its lane.

Exactly once: a row leaves ``sending`` only through one of the marks above, each a conditional update
on the lease it was claimed with, so two deliverers (threads or replicas) never both send a row, and a
deliverer whose lease ran out cannot overwrite what another one recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session

from storage.models import OutboxItem, utcnow

PENDING = "pending"
SENDING = "sending"
UNKNOWN = "unknown"
SENT = "sent"
DEAD = "dead"
DROPPED = "dropped"
#: States that no longer hold up a lane.
FINISHED = (SENT, DROPPED, DEAD)

_O = OutboxItem.__table__.c  # type: ignore[attr-defined]

#: What a delivered row records: on_sent key -> function(session, value, result). Modules that own the
#: rows being updated register here (the case card's thread, a draft's message, reminder ledger rows).
RESULT_RECORDERS: dict[str, Callable[[Session, Any, dict[str, Any]], None]] = {}
#: What a dead-lettered row records: on_sent key -> function(session, value, error, permanent).
DEAD_RECORDERS: dict[str, Callable[[Session, Any, str, bool], None]] = {}


def records(name: str) -> Callable[[Callable[[Session, Any, dict[str, Any]], None]], Callable[..., None]]:
    def decorate(function: Callable[[Session, Any, dict[str, Any]], None]) -> Callable[..., None]:
        RESULT_RECORDERS[name] = function
        return function

    return decorate


def records_death(name: str) -> Callable[[Callable[[Session, Any, str, bool], None]], Callable[..., None]]:
    def decorate(function: Callable[[Session, Any, str, bool], None]) -> Callable[..., None]:
        DEAD_RECORDERS[name] = function
        return function

    return decorate


@dataclass(frozen=True)
class Owed:
    """One thing owed to Slack, before it has a row."""

    key: str
    kind: str
    payload: dict[str, Any]
    lane: str | None = None
    case_id: int | None = None
    content: bytes | None = None
    on_sent: dict[str, Any] | None = None
    delay: float = 0.0


@dataclass(frozen=True)
class ClaimedItem:
    id: int
    key: str
    kind: str
    lane: str | None
    case_id: int | None
    payload: dict[str, Any]
    content: bytes | None
    on_sent: dict[str, Any]
    attempts: int
    previous_state: str  # "unknown" (or a lapsed "sending") means: reconcile before sending again
    first_sent_at: datetime | None
    lease: datetime


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def add(session: Session, items: Sequence[Owed], *, now: datetime | None = None) -> int:
    """Add rows in the caller's transaction; a key already present is kept as it is (owed once)."""
    if not items:
        return 0
    now = now or utcnow()
    values = [{
        "key": item.key[:200], "kind": item.kind, "lane": item.lane, "case_id": item.case_id,
        "payload": item.payload, "content": item.content, "on_sent": item.on_sent or {}, "state": PENDING,
        "attempts": 0, "available_at": now + timedelta(seconds=item.delay), "result": {}, "created_at": now,
    } for item in items]
    statement = _insert(session)(OutboxItem.__table__).on_conflict_do_nothing(index_elements=["key"])
    result = session.execute(statement, values)
    return int(result.rowcount or 0)


def _due(now: datetime):  # type: ignore[no-untyped-def]
    ready = and_(_O.state.in_((PENDING, UNKNOWN)), _O.available_at <= now)
    lapsed = and_(_O.state == SENDING, _O.leased_until < now)
    return or_(ready, lapsed)


def claim(session: Session, worker: str, *, limit: int = 5, lease: float = 60.0,
          now: datetime | None = None) -> list[ClaimedItem]:
    """Claim due rows whose lane has nothing earlier still undelivered; commit before sending."""
    now = now or utcnow()
    earlier = aliased(OutboxItem.__table__)  # type: ignore[arg-type]
    blocked = exists().where(earlier.c.lane == _O.lane, earlier.c.id < _O.id, earlier.c.state.notin_(FINISHED))
    pick = (select(_O.id, _O.state).where(_due(now), or_(_O.lane.is_(None), ~blocked))
            .order_by(_O.available_at, _O.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True, of=OutboxItem.__table__)
    picked = {row.id: row.state for row in session.execute(pick)}
    if not picked:
        return []
    until = now + timedelta(seconds=lease)
    rows = session.execute(
        update(OutboxItem.__table__).where(_O.id.in_(list(picked)), _due(now))
        .values(state=SENDING, leased_until=until, leased_by=worker[:80], attempts=_O.attempts + 1)
        .returning(_O.id, _O.key, _O.kind, _O.lane, _O.case_id, _O.payload, _O.content, _O.on_sent, _O.attempts,
                   _O.first_sent_at)
    ).all()
    return sorted((ClaimedItem(r.id, r.key, r.kind, r.lane, r.case_id, r.payload, r.content, r.on_sent, r.attempts,
                               picked[r.id], r.first_sent_at, until) for r in rows), key=lambda c: c.id)


def _mine(item: ClaimedItem):  # type: ignore[no-untyped-def]
    """The row as this claim left it: the attempt counter is the claim's fencing token."""
    return and_(_O.id == item.id, _O.state == SENDING, _O.attempts == item.attempts)


def note_attempt(session: Session, item: ClaimedItem, now: datetime | None = None) -> None:
    """Remember when the first real send began: reconciliation looks for the message from then on."""
    if item.first_sent_at is None:
        session.execute(update(OutboxItem.__table__).where(_mine(item), _O.first_sent_at.is_(None))
                        .values(first_sent_at=now or utcnow()))


def mark_sent(session: Session, item: ClaimedItem, result: dict[str, Any], *, now: datetime | None = None) -> bool:
    """Record Slack's ok and apply the row's ``on_sent`` effects, in one transaction. False if the lease was lost."""
    now = now or utcnow()
    changed = session.execute(update(OutboxItem.__table__).where(_mine(item))
                              .values(state=SENT, sent_at=now, result=result, leased_until=None, last_error=None))
    if not changed.rowcount:
        return False
    for name, value in (item.on_sent or {}).items():
        recorder = RESULT_RECORDERS.get(name)
        if recorder is not None:
            recorder(session, value, result)
    return True


def mark_retry(session: Session, item: ClaimedItem, error: str, *, delay: float, unknown: bool = False,
               count: bool = True) -> bool:
    """Try again after ``delay`` seconds; ``unknown`` when Slack may have it already (reconcile first);
    ``count=False`` for a rate limit, which is Slack asking us to wait, not the item failing."""
    values: dict[str, Any] = {"state": UNKNOWN if unknown else PENDING, "leased_until": None,
                              "available_at": utcnow() + timedelta(seconds=delay), "last_error": error[:300]}
    if not count:
        values["attempts"] = _O.attempts - 1
    return bool(session.execute(update(OutboxItem.__table__).where(_mine(item)).values(**values)).rowcount)


def mark_dead(session: Session, item: ClaimedItem, error: str, *, permanent: bool = False) -> bool:
    """Give up on a row; ``permanent`` when Slack refused the message itself (retrying later cannot help)."""
    changed = session.execute(update(OutboxItem.__table__).where(_mine(item))
                              .values(state=DEAD, leased_until=None, last_error=error[:300]))
    if not changed.rowcount:
        return False
    for name, value in (item.on_sent or {}).items():
        recorder = DEAD_RECORDERS.get(name)
        if recorder is not None:
            recorder(session, value, error, permanent)
    return True


def release(session: Session, worker: str) -> int:
    """A draining deliverer hands back what it claimed but did not start (they were never sent)."""
    result = session.execute(update(OutboxItem.__table__)
                             .where(_O.leased_by == worker[:80], _O.state == SENDING, _O.first_sent_at.is_(None))
                             .values(state=PENDING, leased_until=None))
    return int(result.rowcount or 0)


# -- what an administrator sees and does (`foi-bot outbox list|retry|drop`) ------------------------------
@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str
    kind: str
    state: str
    attempts: int
    case_id: int | None
    created_at: datetime
    available_at: datetime
    last_error: str | None
    channel: str | None


def rows(session: Session, states: Sequence[str] | None = None, limit: int = 100) -> list[OutboxRow]:
    query = select(_O.id, _O.key, _O.kind, _O.state, _O.attempts, _O.case_id, _O.created_at, _O.available_at,
                   _O.last_error, _O.payload).order_by(_O.id.desc()).limit(limit)
    if states:
        query = query.where(_O.state.in_(list(states)))
    return [OutboxRow(r.id, r.key, r.kind, r.state, r.attempts, r.case_id, r.created_at, r.available_at,
                      r.last_error, (r.payload or {}).get("channel")) for r in session.execute(query)]


def retry(session: Session, item_id: int) -> bool:
    """Send a dead (or waiting) row again now, with a fresh attempt count; a sent row is left alone."""
    result = session.execute(update(OutboxItem.__table__).where(_O.id == item_id, _O.state.in_((DEAD, PENDING, UNKNOWN)))
                             .values(state=case_state_after_retry(), attempts=0, available_at=utcnow(),
                                     leased_until=None))
    return bool(result.rowcount)


def case_state_after_retry():  # type: ignore[no-untyped-def]
    """A retried row that may have reached Slack (it was sent at least once) is reconciled first."""
    from sqlalchemy import case

    return case((_O.first_sent_at.is_not(None), UNKNOWN), else_=PENDING)


def drop(session: Session, item_id: int) -> bool:
    result = session.execute(update(OutboxItem.__table__).where(_O.id == item_id, _O.state.in_((DEAD, PENDING, UNKNOWN)))
                             .values(state=DROPPED, leased_until=None))
    return bool(result.rowcount)


def counts(session: Session) -> dict[str, int]:
    return {state: int(n) for state, n in session.execute(select(_O.state, func.count()).group_by(_O.state))}


def prune(session: Session, older_than: timedelta, *, now: datetime | None = None) -> int:
    """Delete delivered rows past their use (they hold message text)."""
    from sqlalchemy import delete

    cutoff = (now or utcnow()) - older_than
    result = session.execute(delete(OutboxItem.__table__).where(_O.state.in_((SENT, DROPPED)), _O.created_at < cutoff))
    return int(result.rowcount or 0)
