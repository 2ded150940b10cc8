"""The synthetic demo extract reproduces the published FOI2018/00739 tables to the row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from commands.rules.query_catalogue import Catalogue
from commands.rules.result_table import render_table, to_csv, to_json
from storage.analytics.demo import DEMO_GROUPS, RealDataPresent, generate_demo_records, load_demo
from storage.analytics.import_extract import import_extract
from storage.analytics.schema import crime_records, data_sources
from storage.analytics.store import open_store
from tests.stats.conftest import SEED_TABLE, run

SEED_PERIOD = ("from=2016-01-01", "to=2018-01-31")

# The published tables, typed in from the seed letter (and checked against it below when available).
ALL_OUTCOMES = [
    ("Child - Having Indecent Photo Of", 125),
    ("Child-Distribute Indecent Photo", 358),
    ("Child-Make Indecent Photo/Pseudo Photo Of Child", 98),
    ("Child-Possess Indecent Photo For Distribution", 12),
    ("Child-Show Indecent Photo", 1),
    ("Child-Taking Indecent Photo", 12),
    ("Harassment-Disclose Private Sexual Photographs", 79),
]
OUTCOME_21 = [
    ("Child - Having Indecent Photo Of", 2),
    ("Child-Distribute Indecent Photo", 139),
    ("Child-Make Indecent Photo/Pseudo Photo Of Child", 6),
    ("Child-Taking Indecent Photo", 1),
    ("Harassment-Disclose Private Sexual Photographs", 1),
]
OUTCOME_10 = [("Child-Distribute Indecent Photo", 9)]


def seed_tables(path: Path) -> list[tuple[list[tuple[str, int]], int]]:
    """The (rows, total) tables of the seed letter, parsed from its tab-separated lines."""
    tables: list[tuple[list[tuple[str, int]], int]] = []
    rows: list[tuple[str, int]] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line == "Offence\tTotal":
            rows = []
        elif rows is not None and "\t" in line:
            name, number = line.split("\t")
            if name == "Total":
                tables.append((rows, int(number)))
                rows = None
            else:
                rows.append((name, int(number)))
    return tables


def test_typed_tables_match_the_seed_letter() -> None:
    if not SEED_TABLE.exists():
        pytest.skip(f"seed letter not available at {SEED_TABLE}")
    assert seed_tables(SEED_TABLE) == [(ALL_OUTCOMES, 685), (OUTCOME_21, 149), (OUTCOME_10, 9)]


@pytest.mark.parametrize(
    ("name", "words", "rows", "total"),
    [
        ("offences-by-group", ("group=indecent-images",), ALL_OUTCOMES, 685),
        ("outcome-by-offence", ("outcome=21", "group=indecent-images"), OUTCOME_21, 149),
        ("outcome-by-offence", ("outcome=10", "group=indecent-images"), OUTCOME_10, 9),
    ],
)
def test_demo_reproduces_the_seed_tables_exactly(
    demo_engine: Engine, catalogue: Catalogue, name: str, words: tuple[str, ...], rows: list, total: int
) -> None:
    result = run(demo_engine, catalogue, name, *words, *SEED_PERIOD)
    assert list(result.rows) == rows
    assert result.totals == ("Total", total)
    assert result.columns == ("Offence", "Total")
    assert not result.truncated and not result.timed_out


def test_period_edges_are_inclusive_and_rows_outside_are_excluded(demo_engine: Engine, catalogue: Catalogue) -> None:
    wider = run(demo_engine, catalogue, "outcome-by-offence", "outcome=21", "from=2015-12-31", "to=2018-02-01")
    assert wider.totals[1] > 149  # type: ignore[index]
    narrower = run(demo_engine, catalogue, "outcome-by-offence", "outcome=21", "from=2016-01-02", "to=2018-01-30")
    assert narrower.totals[1] < 149  # type: ignore[index]
    everything = run(demo_engine, catalogue, "offences-by-group", "from=2014-01-01", "to=2019-12-31")
    assert everything.totals[1] > 685  # type: ignore[index]


def test_demo_has_other_offences_and_outcomes(demo_engine: Engine, catalogue: Catalogue) -> None:
    summary = run(demo_engine, catalogue, "outcome-summary", *SEED_PERIOD)
    outcomes = {row[0] for row in summary.rows}
    assert {1, 8, 10, 14, 15, 16, 18, 21} <= outcomes
    assert 22 not in outcomes  # Outcome 22 only exists from April 2019
    usage = run(demo_engine, catalogue, "outcome-usage", "outcome=21", *SEED_PERIOD)
    assert len(usage.rows) == 25  # every month of the period
    assert usage.totals[1] > 149  # other offences use Outcome 21 too  # type: ignore[index]
    burglary = run(demo_engine, catalogue, "offences-by-group", "group=burglary", *SEED_PERIOD)
    assert [row[0] for row in burglary.rows] == sorted(DEMO_GROUPS["burglary"])


def test_demo_is_deterministic_and_the_seed_rows_do_not_depend_on_the_seed() -> None:
    first = list(generate_demo_records())
    assert first == list(generate_demo_records())
    other = list(generate_demo_records(seed=1))
    assert other != first

    def seed_counts(rows: list[tuple[object, ...]]) -> dict[tuple[object, object], int]:
        counts: dict[tuple[object, object], int] = {}
        for _ref, _code, offence, group, _rec, outcome, odate in rows:
            if group == "indecent-images" and odate and "2016-01-01" <= odate <= "2018-01-31":  # type: ignore[operator]
                counts[(offence, outcome)] = counts.get((offence, outcome), 0) + 1
        return counts

    a, b = seed_counts(first), seed_counts(other)
    for counts in (a, b):
        assert counts[("Child-Distribute Indecent Photo", 21)] == 139
        assert counts[("Child-Distribute Indecent Photo", 10)] == 9
        assert sum(v for (_o, outcome), v in counts.items() if outcome == 21) == 149
        assert sum(v for (_o, outcome), v in counts.items() if outcome == 10) == 9
        assert sum(counts.values()) == 685


def test_seed_codes_and_groups(demo_url: str) -> None:
    engine = open_store(demo_url)
    with engine.connect() as conn:
        codes = dict(conn.execute(
            select(crime_records.c.offence, func.min(crime_records.c.ho_offence_code))
            .where(crime_records.c.offence_group == "indecent-images")
            .group_by(crime_records.c.offence)
        ).all())
        unflagged = conn.execute(select(func.count()).where(crime_records.c.synthetic.is_(False))).scalar_one()
        source = conn.execute(select(data_sources)).one()
    engine.dispose()
    assert codes.pop("Harassment-Disclose Private Sexual Photographs") == "8/71"
    assert set(codes.values()) == {"86/2"} and len(codes) == 6
    assert unflagged == 0
    assert source.synthetic is True and source.kind == "extract"
    assert source.description.startswith("SYNTHETIC")


def test_synthetic_label_appears_everywhere_it_is_shown(demo_engine: Engine, catalogue: Catalogue) -> None:
    result = run(demo_engine, catalogue, "offences-by-group", *SEED_PERIOD)
    assert result.synthetic
    assert "SYNTHETIC" in result.freshness
    text = render_table(result)
    assert text.startswith("Crimes by offence, indecent photos of children, 1 January 2016 to 31 January 2018 [SYNTHETIC DATA]")
    assert "SYNTHETIC DATA - demonstration figures, not real crime records" in text
    assert "SYNTHETIC DATA" in to_csv(result).decode("utf-8-sig").splitlines()[-1]
    payload = json.loads(to_json(result))
    assert payload["synthetic"] is True and any("SYNTHETIC" in w for w in payload["warnings"])


def test_demo_refuses_to_mix_with_real_extract_data(tmp_path: Path) -> None:
    extract = tmp_path / "real.csv"
    extract.write_text(
        "Crime Reference,HO Offence Code,Offence,Recorded Date,Outcome,Outcome Date\n"
        "41/1/16,86/2,Child-Show Indecent Photo,2016-01-01,21,2016-02-01\n",
        encoding="utf-8",
    )
    engine = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}", readonly=False)
    import_extract(engine, extract, progress=False)
    with pytest.raises(RealDataPresent, match="holds real extract data \\(extract:real.csv\\)"):
        load_demo(engine, progress=False)
    engine.dispose()
