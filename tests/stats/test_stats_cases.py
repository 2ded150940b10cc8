"""Case-register queries (source `cases`) against the agreed `cases`/`case_exemptions` schema, each
checked against a plain-Python computation over the same rows. Runs on SQLite, and on PostgreSQL too
when TEST_DATABASE_URL is set (the `database_url` fixture)."""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, create_engine
from sqlalchemy.engine import Engine

from commands.rules.query_catalogue import Catalogue
from storage.analytics.store import open_store
from tests.stats.conftest import run

AS_OF = date(2024, 6, 30)
PERIOD = ("from=2023-07-01", "to=2024-06-30")

metadata = MetaData()
cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(40), nullable=False, unique=True),
    Column("regime", String(8), nullable=False),
    Column("status", String(32), nullable=False),
    Column("received", Date, nullable=False),
    Column("responded", Date),
    Column("due", Date),
    Column("response_outcome", String(32)),
    Column("working_days_taken", Integer),
    Column("extended", Boolean, nullable=False, default=False),
    Column("parent_id", Integer),
    Column("review_outcome", String(32)),
    Column("created_at", DateTime, nullable=False),
)
case_exemptions = Table(
    "case_exemptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, nullable=False),
    Column("section", String(20), nullable=False),
    Column("question", String(20), nullable=False, default=""),
)


def make_cases(seed: int = 7) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    exemptions: list[dict[str, object]] = []
    for i in range(1, 401):
        received = date(2023, 5, 1) + timedelta(days=rng.randint(0, 420))
        regime = rng.choice(["foia", "foia", "foia", "eir", "sar"])
        answered = rng.random() < 0.8 and received < AS_OF
        days = rng.randint(3, 35) if answered else None
        responded = received + timedelta(days=days * 7 // 5) if answered and days else None
        outcome = rng.choice(["granted", "part", "refused", "not-held", "ncnd", "cost-limit", "withdrawn"]) if answered else (
            "withdrawn" if rng.random() < 0.05 else None)
        rows.append({
            "id": i, "reference": f"FOI/{i:04d}", "regime": regime, "status": "closed" if answered else "open",
            "received": received, "responded": responded, "due": received + timedelta(days=28),
            "response_outcome": outcome, "working_days_taken": days if rng.random() > 0.05 else None,
            "extended": rng.random() < 0.1, "parent_id": None, "review_outcome": None, "created_at": datetime(2024, 1, 1),
        })
        if answered and outcome in ("part", "refused"):
            for section in rng.sample(["s12", "s30(1)", "s31(1)(a)", "s40(2)", "s23(5)"], k=rng.randint(1, 2)):
                for question in rng.sample(["1", "2", "3"], k=rng.randint(1, 2)):
                    exemptions.append({"case_id": i, "section": section, "question": question})
    for j, parent in enumerate(rng.sample([r for r in rows if r["responded"]], 60), start=1001):
        requested = parent["responded"] + timedelta(days=rng.randint(1, 50))  # type: ignore[operator]
        rows.append({
            "id": j, "reference": f"IR/{j}", "regime": parent["regime"], "status": "open", "received": requested,
            "responded": None, "due": requested + timedelta(days=28), "response_outcome": None,
            "working_days_taken": None, "extended": False, "parent_id": parent["id"],
            "review_outcome": rng.choice(["upheld", "upheld", "overturned", "partly", None]),
            "created_at": datetime(2024, 1, 1),
        })
    return rows, exemptions


CASES, EXEMPTIONS = make_cases()


@pytest.fixture
def register(database_url: str) -> Engine:
    writer = create_engine(database_url)
    metadata.create_all(writer)
    with writer.begin() as conn:
        conn.execute(cases.insert(), CASES)
        conn.execute(case_exemptions.insert(), EXEMPTIONS)
    writer.dispose()
    engine = open_store(database_url)
    yield engine  # type: ignore[misc]
    engine.dispose()


def in_period(day: object) -> bool:
    return day is not None and date(2023, 7, 1) <= day <= date(2024, 6, 30)  # type: ignore[operator]


def originals() -> list[dict[str, object]]:
    return [c for c in CASES if c["parent_id"] is None]


def test_caseload(register: Engine, catalogue: Catalogue) -> None:
    result = run(register, catalogue, "caseload", *PERIOD, f"as_of={AS_OF}")
    groups: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for c in originals():
        if in_period(c["received"]):
            groups[(f"{c['received']:%Y-%m}", str(c["regime"]))].append(c)
    expected = []
    for key in sorted(groups):
        items = groups[key]
        responded = [c for c in items if c["responded"] is not None]
        within = [c for c in responded if c["working_days_taken"] is not None and c["working_days_taken"] <= 20]  # type: ignore[operator]
        overdue = [c for c in items if c["responded"] is None and c["response_outcome"] != "withdrawn" and c["due"] < AS_OF]  # type: ignore[operator]
        pct = round(100 * len(within) / len(responded), 1) if responded else None
        expected.append((*key, len(items), len(responded), len(within), pct, len(overdue)))
    assert len(result.rows) == len(expected)
    for got, want in zip(result.rows, expected, strict=True):
        assert got[:5] == want[:5] and got[6] == want[6]
        assert (got[5] is None and want[5] is None) or got[5] == pytest.approx(want[5], abs=0.051)
    assert result.totals == ("Total", None, *[sum(r[i] for r in expected) for i in (2, 3, 4)], None, sum(r[6] for r in expected))
    assert result.columns[5] == "% within 20 working days"
    assert not result.synthetic and result.freshness.startswith("Data: the live case register as at ")


def quarter(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


@pytest.mark.parametrize(("regime", "regimes"), [("foi-eir", {"foia", "eir"}), ("sar", {"sar"}), ("all", {"foia", "eir", "sar"})])
def test_caseload_by_quarter(register: Engine, catalogue: Catalogue, regime: str, regimes: set[str]) -> None:
    result = run(register, catalogue, "caseload-quarterly", *PERIOD, f"as_of={AS_OF}", f"regime={regime}")
    groups: dict[str, list[dict[str, object]]] = defaultdict(list)
    for c in originals():
        if in_period(c["received"]) and c["regime"] in regimes:
            groups[quarter(c["received"])].append(c)  # type: ignore[arg-type]
    expected = []
    for key in sorted(groups):
        items = groups[key]
        answered = [c for c in items if c["responded"] is not None]
        within = [c for c in answered if c["working_days_taken"] is not None and c["working_days_taken"] <= 20]  # type: ignore[operator]
        pct = round(100 * len(within) / len(answered), 1) if answered else None
        meets = None if not answered else ("yes" if len(within) >= 0.9 * len(answered) else "no")
        expected.append((
            key, len(items), len(answered), len(within), pct, meets,
            sum(1 for c in items if c["extended"]),
            sum(1 for c in items if c["response_outcome"] in ("refused", "ncnd", "cost-limit")),
            sum(1 for c in items if c["response_outcome"] == "part"),
            sum(1 for c in items if c["responded"] is None and c["response_outcome"] != "withdrawn"
                and c["due"] < AS_OF),  # type: ignore[operator]
        ))
    assert [r[0] for r in result.rows] == [e[0] for e in expected] and len(expected) >= 4
    for got, want in zip(result.rows, expected, strict=True):
        assert got[:4] == want[:4] and got[5:] == want[5:]
        assert got[4] == pytest.approx(want[4], abs=0.051)
    assert result.totals is not None and result.totals[1] == sum(e[1] for e in expected)
    assert result.title.startswith("FOI caseload by quarter, ")


def test_exemptions_and_reviews_by_quarter(register: Engine, catalogue: Catalogue) -> None:
    answered = {c["id"]: c for c in originals() if in_period(c["responded"])}
    cited = {(e["case_id"], e["section"]) for e in EXEMPTIONS if e["case_id"] in answered}
    expected = Counter((section, quarter(answered[case]["responded"])) for case, section in cited)  # type: ignore[arg-type]
    result = run(register, catalogue, "exemptions-by-quarter", *PERIOD)
    assert sorted(result.rows) == sorted((s, q, n) for (s, q), n in expected.items())
    reviews = run(register, catalogue, "reviews-by-quarter", *PERIOD)
    by_quarter: dict[str, Counter[object]] = defaultdict(Counter)
    for c in CASES:
        if c["parent_id"] is not None and in_period(c["received"]):
            by_quarter[quarter(c["received"])][c["review_outcome"]] += 1  # type: ignore[arg-type]
    assert list(reviews.rows) == [
        (q, sum(n.values()), n["upheld"], n["overturned"], n["partly"], n[None]) for q, n in sorted(by_quarter.items())
    ]


def test_outcomes(register: Engine, catalogue: Catalogue) -> None:
    result = run(register, catalogue, "outcomes", *PERIOD)
    by_regime: dict[str, Counter[str]] = defaultdict(Counter)
    for c in originals():
        if in_period(c["responded"]):
            by_regime[str(c["regime"])][str(c["response_outcome"])] += 1
    expected = [
        (regime, n["granted"], n["part"], n["refused"], n["not-held"], n["ncnd"], n["cost-limit"], sum(n.values()))
        for regime, n in sorted(by_regime.items())
    ]
    assert list(result.rows) == expected
    assert result.totals == ("Total", *[sum(r[i] for r in expected) for i in range(1, 8)])


def test_exemptions(register: Engine, catalogue: Catalogue) -> None:
    result = run(register, catalogue, "exemptions", *PERIOD)
    responded = {c["id"] for c in originals() if in_period(c["responded"])}
    requests: dict[str, set[object]] = defaultdict(set)
    times: Counter[str] = Counter()
    for e in EXEMPTIONS:
        if e["case_id"] in responded:
            requests[str(e["section"])].add(e["case_id"])
            times[str(e["section"])] += 1
    expected = sorted(((s, len(ids), times[s]) for s, ids in requests.items()), key=lambda r: (-r[1], r[0]))
    assert list(result.rows) == expected
    assert result.totals == ("Total", None, sum(times.values()))


def test_reviews(register: Engine, catalogue: Catalogue) -> None:
    result = run(register, catalogue, "reviews", *PERIOD)
    by_regime: dict[str, Counter[object]] = defaultdict(Counter)
    for c in CASES:
        if c["parent_id"] is not None and in_period(c["received"]):
            by_regime[str(c["regime"])][c["review_outcome"]] += 1
    expected = [
        (regime, sum(n.values()), n["upheld"], n["overturned"], n["partly"], n[None])
        for regime, n in sorted(by_regime.items())
    ]
    assert list(result.rows) == expected


def test_response_times(register: Engine, catalogue: Catalogue) -> None:
    result = run(register, catalogue, "response-times", *PERIOD)
    days: dict[str, list[int]] = defaultdict(list)
    for c in originals():
        if in_period(c["responded"]) and c["working_days_taken"] is not None:
            days[str(c["regime"])].append(int(c["working_days_taken"]))  # type: ignore[arg-type]
    expected = []
    for regime, values in sorted(days.items()):
        values.sort()
        p90 = values[math.ceil(0.9 * len(values)) - 1]
        expected.append((regime, len(values), round(statistics.median(values), 1), p90, max(values)))
    assert [r[0] for r in result.rows] == [e[0] for e in expected]
    for got, want in zip(result.rows, expected, strict=True):
        assert got[1] == want[1] and got[3:] == want[3:]
        assert got[2] == pytest.approx(want[2])
    assert result.totals is None


@pytest.mark.parametrize(
    ("values", "median", "p90"),
    [([5], 5, 5), ([1, 9], 5, 9), ([3, 1, 2], 2, 3), (list(range(1, 11)), 5.5, 9), (list(range(1, 12)), 6, 10)],
)
def test_median_and_p90_rules(tmp_path, catalogue: Catalogue, values: list[int], median: float, p90: int) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'small.sqlite3'}"
    writer = create_engine(url)
    metadata.create_all(writer)
    with writer.begin() as conn:
        conn.execute(cases.insert(), [
            {"reference": f"F{i}", "regime": "foia", "status": "closed", "received": date(2024, 1, 2),
             "responded": date(2024, 2, 1), "due": date(2024, 1, 30), "response_outcome": "granted",
             "working_days_taken": v, "extended": False, "created_at": datetime(2024, 1, 1)}
            for i, v in enumerate(values)
        ])
    writer.dispose()
    engine = open_store(url)
    result = run(engine, catalogue, "response-times", "from=2024-01-01", "to=2024-12-31")
    engine.dispose()
    assert result.rows == (("foia", len(values), pytest.approx(median), p90, max(values)),)


def test_cases_queries_run_against_the_real_case_register_models(tmp_path, catalogue: Catalogue) -> None:  # type: ignore[no-untyped-def]
    """Contract check: the queries use only columns the bot's own models provide."""
    models = pytest.importorskip("storage.models")
    from sqlmodel import Session, SQLModel

    engine = create_engine(f"sqlite:///{tmp_path / 'foi.sqlite3'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        case = models.Case(reference="FOI/1", received=date(2024, 1, 2), responded=date(2024, 1, 20),
                           due=date(2024, 1, 30), response_outcome="part", working_days_taken=12)
        session.add(case)
        session.commit()
        session.refresh(case)
        session.add(models.CaseExemption(case_id=case.id, section="s40(2)", question="1"))
        session.add(models.Case(reference="IR/1", received=date(2024, 2, 2), due=date(2024, 3, 1), parent_id=case.id,
                                review_outcome="upheld"))
        session.commit()
    expected = {
        "caseload": (("2024-01", "foia", 1, 1, 1, 100.0, 0),),
        "exemptions": (("s40(2)", 1, 1),),
        "outcomes": (("foia", 0, 1, 0, 0, 0, 0, 1),),
        "response-times": (("foia", 1, 12.0, 12, 12),),
        "reviews": (("foia", 1, 1, 0, 0, 0),),
    }
    for name, rows in expected.items():
        # the bot's own read-write engine works too, and stays writable afterwards
        words = ["from=2024-01-01", "to=2024-12-31"] + (["as_of=2024-12-31"] if name == "caseload" else [])
        assert run(engine, catalogue, name, *words).rows == rows, name
    with Session(engine) as session:
        session.add(models.Case(reference="FOI/2", received=date(2024, 1, 3), due=date(2024, 2, 1)))
        session.commit()
    engine.dispose()
