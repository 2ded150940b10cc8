"""reminder ledger: where a reminder landed, a unique key for case-less rows (the digest), a date index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00

Hand-written. SQL unique constraints treat NULL as distinct, so the daily digest (a ledger row with no
case) needs its own partial unique index to be claimed exactly once; both SQLite and PostgreSQL support
partial indexes. Batch mode keeps SQLite happy (it only adds a column and indexes, so no table copy).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.create_index("ix_reminders_target_date", ["target_date"], unique=False)
        batch_op.create_index(
            "uq_reminders_global_key",
            ["kind", "target_date", "recipient"],
            unique=True,
            sqlite_where=sa.text("case_id IS NULL"),
            postgresql_where=sa.text("case_id IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("uq_reminders_global_key")
        batch_op.drop_index("ix_reminders_target_date")
        batch_op.drop_column("channel")
