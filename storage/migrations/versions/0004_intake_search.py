"""intake search: full-text search over cases' subjects and questions; requester email index

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:30:00

Hand-written. SQLite: an FTS5 table ``case_search`` (rowid = case id, Porter stemming) kept in step with
``cases`` by triggers, the questions' texts pulled out of the JSON with ``json_tree``. PostgreSQL: an
IMMUTABLE SQL function ``case_search_document(subject, questions)`` giving the English ``tsvector`` (the
subject weighted A) and an expression GIN index over it, so nothing extra is stored or kept in step.
The index on ``requester_email`` serves the same-requester (aggregation / repeated request) check.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_QUESTIONS_TEXT = "(SELECT group_concat(value, ' ') FROM json_tree({row}.questions) WHERE key = 'text')"


def upgrade() -> None:
    op.create_index("ix_cases_requester_email", "cases", ["requester_email"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION case_search_document(subject text, questions json) RETURNS tsvector
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
              SELECT setweight(to_tsvector('english'::regconfig, coalesce(subject, '')), 'A')
                  || to_tsvector('english'::regconfig, coalesce(
                       (SELECT string_agg(value #>> '{}', ' ')
                          FROM jsonb_path_query(questions::jsonb, 'lax $.**.text') AS value), ''))
            $$
            """
        )
        op.execute("CREATE INDEX ix_cases_search ON cases USING gin (case_search_document(subject, questions))")
        return
    op.execute("CREATE VIRTUAL TABLE case_search USING fts5(subject, questions, tokenize = 'porter unicode61')")
    op.execute(
        "INSERT INTO case_search(rowid, subject, questions) "
        f"SELECT id, subject, {_QUESTIONS_TEXT.format(row='cases')} FROM cases"
    )
    op.execute(
        "CREATE TRIGGER case_search_insert AFTER INSERT ON cases BEGIN "
        "INSERT INTO case_search(rowid, subject, questions) "
        f"VALUES (new.id, new.subject, {_QUESTIONS_TEXT.format(row='new')}); END"
    )
    op.execute(
        "CREATE TRIGGER case_search_update AFTER UPDATE OF subject, questions ON cases BEGIN "
        "DELETE FROM case_search WHERE rowid = old.id; "
        "INSERT INTO case_search(rowid, subject, questions) "
        f"VALUES (new.id, new.subject, {_QUESTIONS_TEXT.format(row='new')}); END"
    )
    op.execute(
        "CREATE TRIGGER case_search_delete AFTER DELETE ON cases BEGIN "
        "DELETE FROM case_search WHERE rowid = old.id; END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_cases_search")
        op.execute("DROP FUNCTION IF EXISTS case_search_document(text, json)")
    else:
        for trigger in ("case_search_insert", "case_search_update", "case_search_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS case_search")
    op.drop_index("ix_cases_requester_email", table_name="cases")
