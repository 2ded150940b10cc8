"""The case register's tables.

`Case` holds the current state of a request; `CaseEvent` is the append-only history of every change
(who, what, when, details) so a case can always explain how it got where it is. Requester fields are
personal data: they live only on `Case` and are erased after the retention period (`personal_data_erased_at`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class CaseStatus:
    """Status words shown to the team; kept as plain strings so the database stays readable."""

    OPEN = "open"
    AWAITING_CLARIFICATION = "awaiting clarification"
    AWAITING_FEE = "awaiting fee"
    EXTENDED = "extended"
    RESPONDED = "responded"
    UNDER_REVIEW = "under review"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"

    ACTIVE = (OPEN, AWAITING_CLARIFICATION, AWAITING_FEE, EXTENDED)
    FINISHED = (CLOSED, WITHDRAWN, LAPSED)


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("source_channel", "source_ts", name="uq_cases_source_message"),
        Index("ix_cases_status_due", "status", "due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(index=True, unique=True, max_length=40)
    regime: str = Field(default="foia", max_length=8)
    status: str = Field(default=CaseStatus.OPEN, max_length=32, index=True)
    received: date
    received_at: datetime | None = None

    requester_name: str | None = Field(default=None, max_length=200)
    requester_email: str | None = Field(default=None, max_length=320, index=True)
    requester_address: str | None = Field(default=None, sa_column=Column(Text))
    personal_data_erased_at: datetime | None = None

    subject: str = Field(default="", max_length=300)
    request_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    language: str = Field(default="en", max_length=8)

    assignee: str | None = Field(default=None, max_length=40, index=True)
    created_by: str | None = Field(default=None, max_length=40)
    channel_id: str | None = Field(default=None, max_length=40)
    thread_ts: str | None = Field(default=None, max_length=40)
    source_channel: str | None = Field(default=None, max_length=40)
    source_ts: str | None = Field(default=None, max_length=40)

    # Facts the statutory clock needs; the computed dates are stored too so lists and sweeps can query them.
    clarification_sought: date | None = None
    clarified: date | None = None
    fee_notice: date | None = None
    fee_paid: date | None = None
    extended: bool = False
    extended_until: date | None = None
    extension_reason: str | None = Field(default=None, max_length=300)
    responded: date | None = None
    response_outcome: str | None = Field(default=None, max_length=32)
    review_requested: date | None = None
    parent_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    review_outcome: str | None = Field(default=None, max_length=32)
    reviewed: date | None = None
    due: date | None = Field(default=None, index=True)
    extended_due: date | None = None
    review_request_by: date | None = None
    working_days_taken: int | None = None
    calendar_version: str | None = Field(default=None, max_length=80)

    close_reason: str | None = Field(default=None, max_length=300)
    closed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CaseEvent(SQLModel, table=True):
    """Append-only: rows are inserted, never updated or deleted (erasure rewrites details, see retention)."""

    __tablename__ = "case_events"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=40)
    kind: str = Field(max_length=40)
    summary: str = Field(default="", max_length=500)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ReferenceCounter(SQLModel, table=True):
    """The last number issued per prefix and year; bumped atomically with an upsert."""

    __tablename__ = "reference_counters"

    prefix: str = Field(primary_key=True, max_length=8)
    year: int = Field(primary_key=True)
    last: int = 0


class CaseAnswer(SQLModel, table=True):
    __tablename__ = "case_answers"
    __table_args__ = (UniqueConstraint("case_id", "question", name="uq_case_answers_question"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    question: str = Field(max_length=20)
    text: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(default="typed", max_length=40)
    author: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class CaseExemption(SQLModel, table=True):
    __tablename__ = "case_exemptions"
    __table_args__ = (UniqueConstraint("case_id", "section", "question", name="uq_case_exemptions"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    section: str = Field(max_length=20)
    question: str = Field(default="", max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class SlackDelivery(SQLModel, table=True):
    """Slack event ids and message identities already handled, so retries never register twice."""

    __tablename__ = "slack_deliveries"

    key: str = Field(primary_key=True, max_length=120)
    at: datetime = Field(default_factory=utcnow)


class IntakeProposal(SQLModel, table=True):
    """A parsed message waiting for a person to press Register / Not a request."""

    __tablename__ = "intake_proposals"
    __table_args__ = (UniqueConstraint("channel_id", "message_ts", name="uq_intake_message"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=40)
    message_ts: str = Field(max_length=40)
    kind: str = Field(default="new", max_length=32)
    case_id: int | None = Field(default=None, foreign_key="cases.id")
    proposal: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    state: str = Field(default="proposed", max_length=20)
    reply_ts: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class Reminder(SQLModel, table=True):
    """The reminder ledger: one row per reminder ever due; the unique key makes sending exactly-once.

    A row is written (claimed) *before* the message goes out, so two sweepers can never both send it;
    states: claimed -> sent, or failed (retried by the next sweep) -> abandoned after too many attempts.
    Rows without a case (the daily digest) are kept unique by a partial index, because SQL treats NULL
    case ids as distinct in the unique constraint. ``channel``/``message_ts`` say where it landed.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "target_date", "recipient", name="uq_reminders_key"),
        Index("ix_reminders_state", "state"),
        Index("ix_reminders_target_date", "target_date"),
        Index("uq_reminders_global_key", "kind", "target_date", "recipient", unique=True,
              sqlite_where=text("case_id IS NULL"), postgresql_where=text("case_id IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    kind: str = Field(max_length=40)
    target_date: date
    recipient: str = Field(max_length=60)
    state: str = Field(default="claimed", max_length=16)
    due_at: datetime | None = None
    claimed_at: datetime = Field(default_factory=utcnow)
    claimed_by: str | None = Field(default=None, max_length=80)
    sent_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=300)
    message_ts: str | None = Field(default=None, max_length=40)
    snoozed_until: date | None = None
    channel: str | None = Field(default=None, max_length=40)


class Draft(SQLModel, table=True):
    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_drafts_version"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    version: int
    template: str = Field(max_length=60)
    text: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default="draft", max_length=20)
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)
    message_ts: str | None = Field(default=None, max_length=40)
    approval_ts: str | None = Field(default=None, max_length=40)  # the approval message (Mark as sent)
    approved_by: str | None = Field(default=None, max_length=40)
    approved_at: datetime | None = None
    sent_at: datetime | None = None
    edited: bool = False


class DraftComment(SQLModel, table=True):
    __tablename__ = "draft_comments"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="drafts.id", index=True)
    author: str = Field(max_length=40)
    kind: str = Field(default="comment", max_length=20)
    text: str = Field(sa_column=Column(Text, nullable=False))
    message_ts: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class Job(SQLModel, table=True):
    """Work acknowledged to Slack and not yet done: a slash command, a click, a form, a message event.

    Written on the request thread before the acknowledgement, so a process killed straight after the
    ack still owes the work: a row whose lease ran out is taken up again by any worker. ``key`` is unique:
    Slack's retries of an event (same event id) become one job. Finished jobs are deleted; their effects
    are recorded in the register with an `AppliedJob` marker in the same transaction (exactly once).
    On SQLite this table lives in its own file beside the register (see `storage.jobs`).
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_available", "state", "available_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, unique=True)
    kind: str = Field(max_length=40)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default="queued", max_length=16)
    attempts: int = 0
    available_at: datetime = Field(default_factory=utcnow)
    leased_until: datetime | None = None
    leased_by: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = Field(default=None, max_length=300)


class AppliedJob(SQLModel, table=True):
    """A job whose effects are committed: inserted in the job's own transaction, so a job run twice (its
    worker died after committing, or its lease ran out mid-run) changes the register once."""

    __tablename__ = "applied_jobs"

    key: str = Field(primary_key=True, max_length=160)
    applied_at: datetime = Field(default_factory=utcnow, index=True)


class OutboxItem(SQLModel, table=True):
    """A message, update, upload or reply owed to Slack, written in the transaction that owes it.

    The deliverer sends items in id order within a ``lane`` (one case's thread: the card before the posts
    that need its thread), retries with backoff, and marks an item sent only after Slack said ok. An item
    whose outcome is unknown (a timeout after sending) is reconciled against Slack by its ``key``, carried
    in the message's metadata, before it is ever sent again. ``on_sent`` says what to record when it lands
    (the card's thread, a draft's message, reminder ledger rows).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state_available", "state", "available_at"),
        Index("ix_outbox_lane", "lane", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=24)
    lane: str | None = Field(default=None, max_length=80)
    case_id: int | None = Field(default=None, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    on_sent: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default="pending", max_length=16)
    attempts: int = 0
    available_at: datetime = Field(default_factory=utcnow)
    leased_until: datetime | None = None
    leased_by: str | None = Field(default=None, max_length=80)
    first_sent_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=300)
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class CaseFigure(SQLModel, table=True):
    """A statistics result stored for a question (`/foi stats … for REF Qn`), as raw counts with what the
    letter needs to show them (title, columns, note, caveat, the period's parameters, whether the data were
    synthetic). The letter-ready table -- small numbers protected -- is made from it at each render, so a
    changed profile threshold applies to the next draft. One row per question and query: running the same
    query again for the question replaces its figures; what the officer wrote (`case_answers`) is untouched."""

    __tablename__ = "case_figures"
    __table_args__ = (UniqueConstraint("case_id", "question", "query", name="uq_case_figures"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    question: str = Field(max_length=20)
    query: str = Field(max_length=80)
    title: str = Field(max_length=300)
    columns: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rows: list[list[Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    totals: list[Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    params: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    caveat: str = Field(default="", sa_column=Column(Text, nullable=False))
    synthetic: bool = False
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class CaseAnnex(SQLModel, table=True):
    """A document enclosed with the case's letter: the figures as a spreadsheet (made afresh from
    `case_figures` when the letter is drafted, so ``content`` is empty) or a file the officer uploaded.
    ``label`` is the letter the annex is named by ("A"); ``publish`` false keeps it out of the
    disclosure-log version. ``source_ts`` makes an upload from a Slack message count once."""

    __tablename__ = "case_annexes"
    __table_args__ = (UniqueConstraint("case_id", "label", name="uq_case_annexes_label"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    label: str = Field(max_length=4)
    title: str = Field(max_length=300)
    kind: str = Field(default="upload", max_length=20)
    filename: str = Field(max_length=200)
    media_type: str = Field(default="application/octet-stream", max_length=120)
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    questions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    publish: bool = True
    source_ts: str | None = Field(default=None, max_length=40)
    created_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class HomeViewer(SQLModel, table=True):
    """Who has opened the App Home, so it is republished after the changes they make (and only theirs)."""

    __tablename__ = "home_viewers"

    user: str = Field(primary_key=True, max_length=40)
    opened_at: datetime = Field(default_factory=utcnow)
