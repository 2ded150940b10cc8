"""Figures in letters: `/foi stats … for REF Qn` adds a letter-ready table to the answer (never replacing the
officer's words, never the analyst's metadata), small numbers are protected against back-calculation -- on the
seed table, whose Outcome 21 rows include 1s and 2s -- demonstration figures block approval, and the figures
travel as a spreadsheet annex named in the letter."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.config import load_settings
from commands.rules.letters.figures import letter_table, period_of, table_text
from commands.rules.result_table import QueryResult
from commands.rules.small_numbers import DisclosureRule, ProtectedTable, recoverable
from storage.analytics.demo import load_demo
from storage.analytics.import_extract import import_extract
from storage.analytics.store import open_store
from tests.conftest import run
from tests.drafts.conftest import APPROVER, DRAFTER, make_case

NOW = datetime(2018, 3, 8, 10, 0, tzinfo=timezone.utc)
RULE = DisclosureRule(threshold=4, wording="fewer than 5")
#: The seed table (004_*): crimes concerning indecent photos of children, 1 Jan 2016 - 31 Jan 2018.
OUTCOME_21 = {"Child - Having Indecent Photo Of": 2, "Child-Distribute Indecent Photo": 139,
              "Child-Make Indecent Photo/Pseudo Photo Of Child": 6, "Child-Taking Indecent Photo": 1,
              "Harassment-Disclose Private Sexual Photographs": 1}
ALL_OUTCOMES = {"Child - Having Indecent Photo Of": 125, "Child-Distribute Indecent Photo": 358,
                "Child-Make Indecent Photo/Pseudo Photo Of Child": 98, "Child-Possess Indecent Photo For Distribution": 12,
                "Child-Show Indecent Photo": 1, "Child-Taking Indecent Photo": 12,
                "Harassment-Disclose Private Sexual Photographs": 79}
SEED_Q = "stats outcome-by-offence outcome=21 from=2016-01-01 to=2018-01-31 group=indecent-images"


def seed_result(counts: dict[str, int], *, synthetic: bool = False) -> QueryResult:
    rows = tuple((offence, n) for offence, n in counts.items())
    return QueryResult(
        name="outcome-by-offence", title="Crimes by offence - indecent-images - Outcome 21", columns=("Offence", "Total"),
        keys=("offence", "total"), rows=rows, totals=("Total", sum(counts.values())),
        params_shown=(("outcome", "21"), ("from", "2016-01-01"), ("to", "2018-01-31"), ("group", "indecent-images")),
        row_count=len(rows), elapsed_s=0.42, freshness="Data loaded 2018-02-01 09:00 (2 files)", synthetic=synthetic,
        caveat="Figures are from live systems.", note="The following crime details relate to reported crimes where the "
        "outcome assignment date was in the period stated.")


def test_the_seed_outcome_21_table_is_protected_with_its_total_kept() -> None:
    table = letter_table(seed_result(OUTCOME_21), rule=RULE)
    shown = dict(table.rows)
    assert shown["Child - Having Indecent Photo Of"] == "fewer than 5"
    assert shown["Child-Taking Indecent Photo"] == "fewer than 5"
    assert shown["Harassment-Disclose Private Sexual Photographs"] == "fewer than 5"
    assert shown["Child-Distribute Indecent Photo"] == "139" and shown["Child-Make Indecent Photo/Pseudo Photo Of Child"] == "6"
    assert table.total == ("Total", "149") and table.protected
    assert table.title == "Crimes by offence - Indecent images - Outcome 21"  # the raw parameter reads as words
    assert table.period == "1st January 2016 to 31st January 2018"


def test_a_single_small_cell_is_not_left_recoverable_from_the_total() -> None:
    table = letter_table(seed_result(ALL_OUTCOMES), rule=RULE)
    shown = dict(table.rows)
    assert shown["Child-Show Indecent Photo"] == "fewer than 5"
    hidden = [offence for offence, value in shown.items() if value == "fewer than 5"]
    assert len(hidden) == 2  # the 1, and the next smallest (a 12) so that 685 minus the rest reveals nothing
    assert {offence for offence in hidden} - {"Child-Show Indecent Photo"} <= {
        "Child-Possess Indecent Photo For Distribution", "Child-Taking Indecent Photo"}
    published = ProtectedTable(cells=[[v] for _, v in table.rows], row_totals=None,
                               column_totals=[table.total[1]], grand_total=None)
    assert recoverable(published, RULE) == []


def test_a_row_total_column_is_protected_across_rows_and_columns() -> None:
    result = QueryResult(name="q", title="By year", columns=("Offence", "2016", "2017", "Total"),
                         keys=("o", "a", "b", "t"), rows=(("A", 3, 40, 43), ("B", 50, 60, 110), ("C", 20, 30, 50)),
                         totals=("Total", 73, 130, 203))
    table = letter_table(result, rule=RULE)
    assert table.rows[0][1] == "fewer than 5"
    published = ProtectedTable(cells=[list(r[1:3]) for r in table.rows], row_totals=[r[3] for r in table.rows],
                               column_totals=list(table.total[1:3]), grand_total=table.total[3])
    assert recoverable(published, RULE) == []  # no row or column gives a hidden figure away


def test_the_letter_table_has_no_analysts_metadata() -> None:
    text = table_text(letter_table(seed_result(OUTCOME_21), rule=RULE))
    for metadata in ("0.42", "row(s)", "loaded", "outcome=21", "group=indecent-images", "2016-01-01"):
        assert metadata not in text
    assert period_of((("from", "2021-01"), ("to", "2021-03"))) == (date(2021, 1, 1), date(2021, 3, 31))


def seed_extract(path: Path) -> Path:
    """A record-level extract reproducing the seed's Outcome 21 table (real, not synthetic, data)."""
    lines = ["Crime Reference,HO Offence Code,Offence,Recorded Date,Outcome,Outcome Date,Offence Group"]
    number = 0
    for offence, count in OUTCOME_21.items():
        for _ in range(count):
            number += 1
            lines.append(f"41/{number:04d}/16,86/2,{offence},2016-03-01,21,2016-06-01,indecent-images")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def real_data(dctx, tmp_path: Path):
    engine = open_store(load_settings().data_url, readonly=False)
    import_extract(engine, seed_extract(tmp_path / "extract.csv"), progress=False)
    engine.dispose()
    return dctx


def test_the_seed_figures_reach_the_letter_beside_the_officers_answer(real_data) -> None:
    dctx = real_data
    reference = make_case(dctx)
    assert not run(dctx, f"answer {reference} 1 88", user=DRAFTER, now=NOW).is_error
    stored = run(dctx, f"{SEED_Q} for {reference} Q1", user=DRAFTER, now=NOW)
    assert not stored.is_error, stored.text
    assert "added to the answer to Q1" in stored.text
    [preview] = [b for b in stored.thread_posts[0].blocks_markdown if "As the letter will show it" in b]
    assert "fewer than 5" in preview and "149" in preview and "0." not in preview.split("```")[1]
    for line in (f"answer {reference} 2 76", f"answer {reference} 2a 0", f"answer {reference} 2b 0",
                 f"answer {reference} 3 622", f"answer {reference} 4 622", f"annex {reference} figures xlsx Q1 Outcome 21"):
        assert not run(dctx, line, user=DRAFTER, now=NOW).is_error, line
    posted = run(dctx, f"draft {reference} response date:2018-03-08", user=DRAFTER, now=NOW)
    letter = posted.thread_posts[0].text
    assert ("**Q1** – 88\n\n**Crimes by offence, indecent photos of children, Home Office Outcome 21**\n"
            "1st January 2016 to 31st January 2018") in letter  # the period once, in the letter's own date style
    assert "Child-Distribute Indecent Photo" in letter and "fewer than 5" in letter
    assert letter.count("Where a figure is between 1 and 4, it is shown as \"fewer than 5\"") == 1
    assert "section 40(2) of the Freedom of Information Act 2000" in letter
    assert "- Annex A – Outcome 21 (FOI2018-00001-annex-A.xlsx)" in letter
    files = {a.filename: a for post in posted.thread_posts for a in post.attachments}
    workbook = load_workbook(io.BytesIO(files["FOI2018-00001-annex-A.xlsx"].content))
    cells = [[c for c in row] for row in workbook["Table 1"].iter_rows(values_only=True)]
    assert ["Child-Taking Indecent Photo", "fewer than 5"] in [list(r[:2]) for r in cells]
    assert ["Total", 149] in [list(r[:2]) for r in cells]
    assert workbook.properties.creator == "Hertfordshire Constabulary"
    assert not run(dctx, f"approve {reference}", user=APPROVER, now=NOW).is_error


def test_demo_figures_can_never_be_approved(dctx) -> None:
    engine = open_store(load_settings().data_url, readonly=False)
    load_demo(engine, progress=False)
    engine.dispose()
    reference = make_case(dctx, questions=[{"number": "1", "text": "How many?", "parts": []}])
    stored = run(dctx, f"{SEED_Q} for {reference} Q1", user=DRAFTER, now=NOW)
    assert "SYNTHETIC demonstration figures" in "\n".join(stored.thread_posts[0].blocks_markdown)
    posted = run(dctx, f"draft {reference} response date:2018-03-08", user=DRAFTER, now=NOW)
    assert "[SYNTHETIC DATA: demonstration figures" in posted.thread_posts[0].text
    refused = run(dctx, f"approve {reference}", user=APPROVER, now=NOW)
    assert refused.is_error and "SYNTHETIC demonstration figures" in refused.text
    assert "Removed the figures for Q1" in run(dctx, f"figures {reference} remove Q1", user=DRAFTER, now=NOW).text


def test_the_example_profile_blocks_approval(approvers_env, monkeypatch) -> None:
    from bot.runtime import build_context

    monkeypatch.delenv("FOI_ORG_PROFILE")
    ctx = build_context(load_settings())
    try:
        reference = make_case(ctx, questions=[{"number": "1", "text": "How many?", "parts": []}])
        run(ctx, f"answer {reference} 1 88", user=DRAFTER, now=NOW)
        posted = run(ctx, f"draft {reference} response date:2018-03-08", user=DRAFTER, now=NOW)
        assert posted.thread_posts[0].text.split("\n\n")[1].startswith("[EXAMPLE PROFILE: not for sending")
        refused = run(ctx, f"approve {reference}", user=APPROVER, now=NOW)
        assert refused.is_error and "EXAMPLE PROFILE" in refused.text and "foi-bot profile check" in refused.text
    finally:
        ctx.engine.dispose()


def test_the_cost_limit_summary_uses_the_regimes_own_limit(dctx) -> None:
    scottish = make_case(dctx, regime="foisa")
    reply = run(dctx, f"exempt {scottish} s12 Q2", user=DRAFTER, now=NOW)
    assert "£600 / 40 hours" in reply.text and "18 hours" not in reply.text
    english = make_case(dctx)
    assert "£450 / 18 hours" in run(dctx, f"exempt {english} s12 Q2", user=DRAFTER, now=NOW).text
