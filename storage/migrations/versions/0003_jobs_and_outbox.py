"""durable work queue, applied-job markers and the Slack outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:30:00

Hand-written. ``jobs`` is used on PostgreSQL (claimed with FOR UPDATE SKIP LOCKED); on SQLite the queue
lives in its own file beside the register so acknowledging never waits on the register's write lock, and
this table stays empty there. ``applied_jobs`` and ``outbox`` are written in the same transaction as the
changes they belong to.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    string = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", string(length=160), nullable=False, unique=True),
        sa.Column("kind", string(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", string(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("leased_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("leased_by", string(length=80), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_error", string(length=300), nullable=True),
    )
    op.create_index("ix_jobs_state_available", "jobs", ["state", "available_at"])
    op.create_table(
        "applied_jobs",
        sa.Column("key", string(length=160), primary_key=True),
        sa.Column("applied_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_applied_jobs_applied_at", "applied_jobs", ["applied_at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", string(length=200), nullable=False, unique=True),
        sa.Column("kind", string(length=24), nullable=False),
        sa.Column("lane", string(length=80), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("on_sent", sa.JSON(), nullable=False),
        sa.Column("state", string(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("leased_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("leased_by", string(length=80), nullable=True),
        sa.Column("first_sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_error", string(length=300), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_outbox_state_available", "outbox", ["state", "available_at"])
    op.create_index("ix_outbox_lane", "outbox", ["lane", "id"])
    op.create_index("ix_outbox_case_id", "outbox", ["case_id"])


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("applied_jobs")
    op.drop_table("jobs")
