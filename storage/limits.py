"""What the database can hold, checked before it is asked: alike on SQLite and PostgreSQL.

SQLite stores a 5,000-character assignee and a NUL byte without complaint; PostgreSQL refuses both with an
error that used to surface as "something went wrong". Before every flush, text is cleaned of NUL bytes
(no one means to type them, and PostgreSQL text cannot hold them) and text longer than its column is
refused with `FieldTooLong`, which the command layer turns into a sentence naming the field and its limit.
Nothing is written when it is raised: the flush never reaches the database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Session

#: Words people use for the columns they can type into.
FIELD_NAMES = {
    "assignee": "assignee", "extension_reason": "reason", "close_reason": "reason", "subject": "subject",
    "requester_name": "requester's name", "requester_email": "requester's email", "response_outcome": "outcome",
    "review_outcome": "outcome", "question": "question number", "section": "provision", "summary": "summary",
    "template": "template name", "author": "author", "actor": "user",
}


class FieldTooLong(ValueError):
    def __init__(self, column: str, limit: int, length: int) -> None:
        self.column = column
        self.limit = limit
        self.length = length
        super().__init__(f"{column} longer than {limit}")

    @property
    def sentence(self) -> str:
        name = FIELD_NAMES.get(self.column, self.column.replace("_", " "))
        return (f"The {name} is too long: at most {self.limit:,} characters (this one has {self.length:,}). "
                "Nothing was changed.")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


@event.listens_for(Session, "before_flush")
def _check(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.new) + list(session.dirty):
        mapper = inspect(obj).mapper
        for column in mapper.columns:
            key = mapper.get_property_by_column(column).key
            value = getattr(obj, key, None)
            if value is None:
                continue
            cleaned = _clean(value)
            if cleaned is not value and cleaned != value:
                setattr(obj, key, cleaned)
                value = cleaned
            # SQLModel's AutoString is a decorator over String: ask the type for its length, whatever it is.
            length = getattr(column.type, "length", None) or getattr(getattr(column.type, "impl", None), "length", None)
            if isinstance(value, str) and length and len(value) > length:
                raise FieldTooLong(column.name, int(length), len(value))
