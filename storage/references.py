"""Case references: `FOI2026/00042`, sequential per prefix and year of receipt.

The number comes from one atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`) in the same
transaction that inserts the case: on PostgreSQL the conflicting row is locked until commit, so two
registrations at the same instant can never read the same number; on SQLite the write lock does the same.
If the registration fails the counter rolls back with it.
"""

from __future__ import annotations

import re

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import ReferenceCounter

REFERENCE_PATTERN = re.compile(r"\b([A-Z]{2,5})(\d{4})/(\d{3,6})\b")


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}{year}/{number:05d}"


def next_reference(session: Session, prefix: str, year: int) -> str:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ReferenceCounter.__table__
    statement = (
        insert(table)
        .values(prefix=prefix, year=year, last=1)
        .on_conflict_do_update(index_elements=["prefix", "year"], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    number = session.execute(statement).scalar_one()
    return format_reference(prefix, year, number)


def normalise_reference(text: str) -> str | None:
    """Accept what people type (`foi2026/42`, ` FOI2026/00042 `) and return the stored form, or None."""
    match = re.fullmatch(r"\s*([A-Za-z]{2,5})\s*(\d{4})\s*/\s*(\d{1,6})\s*", text or "")
    if not match:
        return None
    return format_reference(match.group(1).upper(), int(match.group(2)), int(match.group(3)))
