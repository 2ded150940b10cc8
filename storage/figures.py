"""Statistics results stored for a case's questions (`case_figures`), the source of letter-ready tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from commands.rules.result_table import QueryResult
from storage.models import Case, CaseFigure, utcnow


def _plain(value: Any) -> Any:
    """A cell as JSON keeps it: whole numbers stay numbers, dates become ISO text."""
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def store_figure(session: Session, case: Case, question: str, result: QueryResult, *, author: str) -> CaseFigure:
    """Keep ``result`` for ``question`` (replacing the same query's earlier figures for it)."""
    row = session.exec(select(CaseFigure).where(CaseFigure.case_id == case.id, CaseFigure.question == question,
                                                CaseFigure.query == result.name)).first()
    if row is None:
        row = CaseFigure(case_id=case.id, question=question, query=result.name, title=result.title_without_period or result.title)
    row.title = (result.title_without_period or result.title)[:300]  # the letter gives the period on its own line
    row.columns = list(result.columns)
    row.rows = [[_plain(v) for v in r] for r in result.rows]
    row.totals = [_plain(v) for v in result.totals] if result.totals is not None else None
    row.params = [[k, v] for k, v in result.params_shown]
    row.note, row.caveat, row.synthetic = result.note, result.caveat, result.synthetic
    row.created_by, row.created_at = author, utcnow()
    session.add(row)
    return row


def figures_for(session: Session, case_id: int) -> Sequence[CaseFigure]:
    return session.exec(select(CaseFigure).where(CaseFigure.case_id == case_id).order_by(col(CaseFigure.id))).all()


def as_result(row: CaseFigure) -> QueryResult:
    """A stored figure as the query result it came from (without the analyst's timings)."""
    return QueryResult(
        name=row.query, title=row.title, columns=tuple(row.columns), keys=tuple(row.columns),
        rows=tuple(tuple(r) for r in row.rows), totals=tuple(row.totals) if row.totals is not None else None,
        params_shown=tuple((k, v) for k, v in row.params), row_count=len(row.rows), note=row.note,
        caveat=row.caveat, synthetic=row.synthetic,
    )


def remove_figures(session: Session, case_id: int, question: str) -> int:
    rows = session.exec(select(CaseFigure).where(CaseFigure.case_id == case_id, CaseFigure.question == question)).all()
    for row in rows:
        session.delete(row)
    return len(rows)
