"""Annexes enclosed with a case's letter (`case_annexes`): labelled A, B, … in the order they were added."""

from __future__ import annotations

import string
from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import CaseAnnex


def annexes_for(session: Session, case_id: int) -> Sequence[CaseAnnex]:
    return session.exec(select(CaseAnnex).where(CaseAnnex.case_id == case_id).order_by(col(CaseAnnex.label))).all()


def next_label(session: Session, case_id: int) -> str:
    """The next free letter: A, B, … Z, then AA, AB, …"""
    used = {row.label for row in annexes_for(session, case_id)}
    letters = list(string.ascii_uppercase)
    for label in letters + [a + b for a in letters for b in letters]:
        if label not in used:
            return label
    raise ValueError("too many annexes")


def find_annex(session: Session, case_id: int, label: str) -> CaseAnnex | None:
    return session.exec(select(CaseAnnex).where(CaseAnnex.case_id == case_id,
                                                CaseAnnex.label == label.strip().upper())).first()


def annex_from_message(session: Session, case_id: int, source_ts: str, filename: str) -> CaseAnnex | None:
    """The annex already made from this Slack message's file, so a retried event adds nothing twice."""
    return session.exec(select(CaseAnnex).where(CaseAnnex.case_id == case_id, CaseAnnex.source_ts == source_ts,
                                                CaseAnnex.filename == filename)).first()
