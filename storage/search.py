"""Full-text search over the case register: subject and questions, ranked.

SQLite (the embedded default) keeps an FTS5 table ``case_search`` filled by triggers on ``cases``;
PostgreSQL searches an expression GIN index over ``case_search_document(subject, questions)``, a SQL
function returning a ``tsvector`` (both made by migration 0004). The two answer the same questions
through :func:`search_cases`: the words a person typed (``/foi search``) or the questions of a new
request (similar earlier cases), most relevant first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlmodel import Session, col, select

from storage.db import is_postgres
from storage.models import Case

#: Words too common in requests to say what one is about.
STOPWORDS = frozenset(
    """a about above after all also an and any are as at be been before being below between both but by can
    could did do does each for from had has have how i if in into is it its me more most my no nor not of on
    or other our out over own please provide provided request requested same should so some such than that the
    their them then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your information details number numbers many much total
    year years data tell confirm copy copies held hold force police council freedom act foi kindly like
    following per each breakdown broken down list records recorded""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")


@dataclass(frozen=True)
class CaseHit:
    case_id: int
    reference: str
    received: date
    status: str
    outcome: str | None
    subject: str
    rank: float


def keywords(text: str, limit: int = 40) -> list[str]:
    """The distinctive words of a text, in order of first use, lower-case, without stopwords."""
    seen: dict[str, None] = {}
    for match in _WORD.finditer(text):
        word = match.group().lower().strip("'-")
        if len(word) >= 3 and word not in STOPWORDS:
            seen.setdefault(word, None)
        if len(seen) >= limit:
            break
    return list(seen)


def question_text(questions: Iterable[dict]) -> str:
    """The words of a case's questions, nested parts included."""
    parts: list[str] = []
    for question in questions or []:
        parts.append(str(question.get("text", "")))
        parts.append(question_text(question.get("parts") or []))
    return " ".join(part for part in parts if part)


def search_cases(
    session: Session,
    words: Sequence[str],
    *,
    any_word: bool = False,
    regime: str | None = None,
    status: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    exclude_ids: Sequence[int] = (),
    limit: int = 20,
) -> list[CaseHit]:
    """Cases whose subject or questions hold ``words`` (all of them, or with ``any_word`` any), best first.

    Without words, the filters alone list cases, newest first.
    """
    terms = [w for w in (re.sub(r"[^\w'-]", "", word).lower() for word in words) if len(w) >= 2]
    if not terms:
        return _filtered(session, regime, status, received_from, received_to, exclude_ids, limit)
    if is_postgres(session.get_bind()):
        rows = _postgres(session, terms, any_word, limit * 3)
    else:
        rows = _sqlite(session, terms, any_word, limit * 3)
    if not rows:
        return []
    ranks = dict(rows)
    query = select(Case).where(col(Case.id).in_(list(ranks)))
    query = _apply_filters(query, regime, status, received_from, received_to, exclude_ids)
    cases = session.exec(query).all()
    hits = [_hit(case, ranks[case.id]) for case in cases]
    hits.sort(key=lambda hit: (-hit.rank, hit.received, hit.reference))
    return hits[:limit]


def _apply_filters(query, regime, status, received_from, received_to, exclude_ids):  # type: ignore[no-untyped-def]
    if regime:
        query = query.where(Case.regime == regime)
    if status:
        query = query.where(Case.status == status)
    if received_from:
        query = query.where(col(Case.received) >= received_from)
    if received_to:
        query = query.where(col(Case.received) <= received_to)
    if exclude_ids:
        query = query.where(col(Case.id).not_in(list(exclude_ids)))
    return query


def _filtered(session, regime, status, received_from, received_to, exclude_ids, limit) -> list[CaseHit]:  # type: ignore[no-untyped-def]
    query = _apply_filters(select(Case), regime, status, received_from, received_to, exclude_ids)
    query = query.order_by(col(Case.received).desc(), col(Case.id).desc()).limit(limit)
    return [_hit(case, 0.0) for case in session.exec(query).all()]


def _hit(case: Case, rank: float) -> CaseHit:
    return CaseHit(
        case_id=case.id or 0,
        reference=case.reference,
        received=case.received,
        status=case.status,
        outcome=case.response_outcome or case.review_outcome,
        subject=case.subject,
        rank=round(rank, 4),
    )


def _sqlite(session: Session, terms: list[str], any_word: bool, limit: int) -> list[tuple[int, float]]:
    # Each term is quoted (FTS5 string syntax) so that a word like "NOT" or "near" is a word, not an operator;
    # a trailing * matches plurals and other endings ("taser" finds "tasers").
    joiner = " OR " if any_word else " AND "
    match = joiner.join('"' + term.replace('"', '""') + '"*' for term in terms)
    rows = session.connection().execute(
        text(
            "SELECT rowid, -bm25(case_search, 2.0, 1.0) AS rank FROM case_search "
            "WHERE case_search MATCH :match ORDER BY rank DESC LIMIT :limit"
        ),
        {"match": match, "limit": limit},
    )
    return [(int(row[0]), float(row[1])) for row in rows]


def _postgres(session: Session, terms: list[str], any_word: bool, limit: int) -> list[tuple[int, float]]:
    # to_tsquery needs lexemes: each typed word is normalised by the English configuration on its own,
    # then joined with & or |; a word that is only a stopword there drops out.
    joiner = " | " if any_word else " & "
    lexemes = [
        row[0]
        for term in terms
        for row in session.connection().execute(
            text("SELECT plainto_tsquery('english', :word)::text"), {"word": term}
        )
        if row[0]
    ]
    if not lexemes:
        return []
    query = joiner.join(f"({lexeme}:*)" if "'" in lexeme and " " not in lexeme else f"({lexeme})" for lexeme in lexemes)
    rows = session.connection().execute(
        text(
            "SELECT id, ts_rank(case_search_document(subject, questions), to_tsquery('english', :q)) AS rank "
            "FROM cases WHERE case_search_document(subject, questions) @@ to_tsquery('english', :q) "
            "ORDER BY rank DESC LIMIT :limit"
        ),
        {"q": query, "limit": limit},
    )
    return [(int(row[0]), float(row[1])) for row in rows]


def forget_erased(session: Session) -> None:
    """After erasing personal data: SQLite's FTS5 keeps a deleted entry's words in its index segments until
    they are merged, so merge them now ('optimize'); nothing erased may survive inside the search index.
    PostgreSQL's expression index holds no copy beyond dead index tuples, which VACUUM reclaims."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO case_search(case_search) VALUES ('optimize')"))
