"""the team's bot: the approval message of a draft, who opened the App Home, a history that cannot be rewritten

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 02:00:00

Hand-written. ``drafts.approval_ts`` remembers the approval message so its Mark as sent button can be retired
when the letter is marked sent by any path. ``home_viewers`` lists who opened the App Home. On PostgreSQL a
trigger refuses UPDATE and DELETE on ``case_events`` (the append-only history) unless the transaction has
set ``foi_bot.erasure`` to ``on``: the retention purge, which must rewrite a requester's details out of the
history (UK GDPR), is the only writer allowed to change a history row, and it cannot delete one.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('foi_bot.erasure', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'case history is append-only: % on case_events refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approval_ts", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    op.create_table(
        "home_viewers",
        sa.Column("user", sqlmodel.sql.sqltypes.AutoString(length=40), primary_key=True),
        sa.Column("opened_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(TRIGGER_FUNCTION)
        op.execute("CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events "
                   "FOR EACH ROW EXECUTE FUNCTION case_events_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_events_append_only ON case_events")
        op.execute("DROP FUNCTION IF EXISTS case_events_append_only()")
    op.drop_table("home_viewers")
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_column("approval_ts")
