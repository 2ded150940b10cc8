"""The case register on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from storage.cases import claim_delivery, get_case, list_cases, record_event
from storage.db import make_engine, session_scope
from storage.migrate import pending_revisions, upgrade
from storage.models import Case, CaseEvent
from storage.references import format_reference, next_reference, normalise_reference


@pytest.fixture
def engine(database_url: str):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_migrations_create_every_table_and_leave_nothing_pending(engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"cases", "case_events", "reference_counters", "reminders", "drafts", "alembic_version"} <= tables
    assert pending_revisions(engine) == []
    upgrade(engine)  # a second upgrade is a no-op
    assert pending_revisions(engine) == []


def test_references_are_sequential_per_prefix_and_year(engine) -> None:
    with session_scope(engine) as session:
        issued = [next_reference(session, "FOI", 2026) for _ in range(3)]
        issued.append(next_reference(session, "FOI", 2027))
        issued.append(next_reference(session, "EIR", 2026))
    assert issued == ["FOI2026/00001", "FOI2026/00002", "FOI2026/00003", "FOI2027/00001", "EIR2026/00001"]


def test_a_failed_registration_gives_its_number_back(engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        next_reference(session, "FOI", 2026)
        raise RuntimeError("registration failed half way")
    with session_scope(engine) as session:
        assert next_reference(session, "FOI", 2026) == "FOI2026/00001"


def test_concurrent_registrations_never_share_a_number(engine) -> None:
    issued: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def register(n: int) -> None:
        try:
            barrier.wait()
            for _ in range(10):
                with session_scope(engine) as session:
                    reference = next_reference(session, "FOI", 2026)
                    session.add(Case(reference=reference, received=date(2026, 3, 2), request_text=f"request {n}"))
                issued.append(reference)
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(issued) == [format_reference("FOI", 2026, n) for n in range(1, 81)]
    with session_scope(engine) as session:
        assert len(session.exec(select(Case)).all()) == 80


def test_events_are_appended_in_order(engine) -> None:
    with session_scope(engine) as session:
        case = Case(reference="FOI2026/00001", received=date(2026, 3, 2), request_text="x")
        session.add(case)
        session.flush()
        record_event(session, case, actor="U1", kind="registered", summary="one")
        record_event(session, case, actor="U2", kind="note", summary="two", details={"text": "two"})
    with session_scope(engine) as session:
        case = get_case(session, "FOI2026/00001")
        events = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
        assert [(e.actor, e.kind, e.details) for e in events] == [("U1", "registered", {}), ("U2", "note", {"text": "two"})]


def test_list_filters(engine) -> None:
    with session_scope(engine) as session:
        session.add(Case(reference="FOI2026/00001", received=date(2026, 1, 5), due=date(2026, 2, 2), assignee="U1"))
        session.add(Case(reference="FOI2026/00002", received=date(2026, 2, 5), due=date(2026, 3, 5)))
        session.add(Case(reference="FOI2026/00003", received=date(2026, 1, 2), due=date(2026, 1, 30), status="closed"))
    today = date(2026, 2, 10)
    with session_scope(engine) as session:
        refs = lambda which: [c.reference for c in list_cases(session, which, user="U1", today=today)]  # noqa: E731
        assert refs("open") == ["FOI2026/00001", "FOI2026/00002"]
        assert refs("overdue") == ["FOI2026/00001"]
        assert refs("mine") == ["FOI2026/00001"]
        assert refs("all") == ["FOI2026/00002", "FOI2026/00001", "FOI2026/00003"]


def test_slack_deliveries_are_claimed_once(engine) -> None:
    with session_scope(engine) as session:
        assert claim_delivery(session, "event:Ev1") is True
        assert claim_delivery(session, "event:Ev1") is False
    with session_scope(engine) as session:
        assert claim_delivery(session, "event:Ev1") is False


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("FOI2026/00042", "FOI2026/00042"), ("foi2026/42", "FOI2026/00042"), (" EIR2025/7 ", "EIR2025/00007"), ("2026/42", None), ("FOI-42", None)],
)
def test_normalise_reference(typed: str, stored: str | None) -> None:
    assert normalise_reference(typed) == stored
