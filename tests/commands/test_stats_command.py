"""`/foi stats` through the command layer: the seed table, bad parameters, access."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from bot.config import load_settings
from storage.analytics.demo import load_demo
from storage.analytics.store import open_store
from storage.db import session_scope
from storage.models import CaseAnswer, CaseFigure
from tests.conftest import run

NOW = datetime(2018, 3, 1, 10, tzinfo=timezone.utc)
SEED_Q = "stats outcome-by-offence outcome=21 from=2016-01-01 to=2018-01-31 group=indecent-images"


@pytest.fixture
def demo(clean_env):
    engine = open_store(load_settings().data_url, readonly=False)
    load_demo(engine, progress=False)
    engine.dispose()


def test_seed_outcome_21_table_goes_to_the_case_thread_with_csv_and_chart(ctx, demo) -> None:
    run(ctx, "new How many Outcome 21? received:2018-02-09", now=NOW)
    reply = run(ctx, SEED_Q + " chart for FOI2018/00001 Q1", now=NOW)
    assert not reply.is_error, reply.text
    [post] = reply.thread_posts
    assert post.reference == "FOI2018/00001"
    assert "Child-Distribute Indecent Photo" in post.preformatted and "149" in post.preformatted
    assert [a.filename for a in post.attachments] == ["outcome-by-offence.csv", "outcome-by-offence.png"]
    csv_text = post.attachments[0].content.decode("utf-8-sig")
    assert "Child-Distribute Indecent Photo,139" in csv_text
    assert post.attachments[1].content.startswith(b"\x89PNG")
    with session_scope(ctx.engine) as session:
        [figure] = session.exec(select(CaseFigure)).all()
        assert session.exec(select(CaseAnswer)).all() == []  # the officer's own answer is never written over
    assert figure.question == "1" and figure.query == "outcome-by-offence" and figure.totals == ["Total", 149]
    assert any("As the letter will show it (Q1)" in block for block in post.blocks_markdown)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("stats outcome-by-offence outcome=99 from=2016-01-01 to=2018-01-31", "parameter 'outcome'"),
        ("stats outcome-by-offence outcome=21 from=2016-13-01 to=2018-01-31", "parameter 'from'"),
        ("stats outcome-by-offence outcome=21 from=2016-01-01 to=2018-01-31 group=arson", "parameter 'group'"),
        ("stats outcome-by-offence outcome=21", "from"),
        ("stats outcom-by-offence", "did you mean outcome-by-offence"),
        ("stats help", "Say which query"),
        ("stats " + "outcome-by-offence outcome=21 from=2016-01-01 to=2018-01-31 for FOI2099/00001 Q1", "There is no case FOI2099/00001"),
        ("stats outcome-by-offence outcome=21;DROP from=2016-01-01 to=2018-01-31", "parameter 'outcome'"),
    ],
)
def test_bad_parameters_say_which_and_what_is_allowed(ctx, demo, line: str, message: str) -> None:
    reply = run(ctx, line, now=NOW)
    assert reply.is_error and message in reply.text, reply.text


def test_listing_and_help(ctx, demo) -> None:
    listing = run(ctx, "stats", now=NOW)
    assert "`outcome-by-offence`" in listing.text and "`caseload`" in listing.text
    help_reply = run(ctx, "stats help outcome-by-offence", now=NOW)
    assert "outcome=N (required)" in help_reply.text and "Example: /foi stats outcome-by-offence" in help_reply.text


def test_only_the_team_may_run_statistics(ctx, demo) -> None:
    ctx.is_team_member = lambda user: user == "U_TEAM"
    refused = run(ctx, SEED_Q, user="U_OUTSIDER", now=NOW)
    assert refused.is_error and "Only the information-rights team can" in refused.text
    assert not run(ctx, SEED_Q, user="U_TEAM", now=NOW).is_error


def test_no_data_yet_says_how_to_load_it(ctx) -> None:
    reply = run(ctx, SEED_Q, now=NOW)
    assert reply.is_error and "foi-bot data demo" in reply.text


def test_a_type_by_month_question_comes_back_as_a_pivot_with_a_line_chart_and_a_spreadsheet(ctx) -> None:
    from storage.analytics.import_policeuk import import_policeuk
    from tests.conftest import shared_path

    engine = open_store(load_settings().data_url, readonly=False)
    import_policeuk(engine, shared_path("data", "policeuk", "hertfordshire"), progress=False)
    engine.dispose()
    reply = run(ctx, "stats crimes-in-area place=stevenage from=2021-01 to=2021-03", now=NOW)
    assert not reply.is_error, reply.text
    [post] = reply.thread_posts
    assert [a.filename for a in post.attachments] == ["crimes-in-area.csv", "crimes-in-area.png", "crimes-in-area.xlsx"]
    assert post.attachments[1].content.startswith(b"\x89PNG")
    assert post.attachments[2].content.startswith(b"PK")  # an xlsx is a zip
    [header] = [line for line in post.preformatted.splitlines() if line.startswith("Crime type")]
    assert header.split()[2:] == ["Jan", "2021", "Feb", "2021", "Mar", "2021", "Total"]
    assert "Total crimes" in post.preformatted and "Open Government Licence v3.0" in post.preformatted
    assert post.blocks_markdown[-1].startswith("_Chart description:_ Small multiples")
    assert "Period: January–March 2021" in post.blocks_markdown[0]


def test_disclose_yes_and_for_ref_protect_small_numbers(ctx, demo) -> None:
    run(ctx, "new How many Outcome 21? received:2018-02-09", now=NOW)
    plain = run(ctx, SEED_Q, now=NOW).thread_posts[0]
    assert "fewer than 5" not in plain.preformatted
    for words in (" disclose=yes", " for FOI2018/00001"):
        [post] = run(ctx, SEED_Q + words, now=NOW).thread_posts
        assert "fewer than 5" in post.preformatted and "section 40(2)" in post.preformatted, words
        csv_text = post.attachments[0].content.decode("utf-8-sig")
        assert "Child-Taking Indecent Photo,fewer than 5" in csv_text
    bad = run(ctx, SEED_Q + " disclose=perhaps", now=NOW)
    assert bad.is_error and "disclose" in bad.text


def test_caseload_by_quarter_counts_time_with_the_statutory_clock(ctx) -> None:
    # received Tue 2 Jan 2024: day 20 is 30 Jan; received 4 Mar 2024: Good Friday and Easter Monday skipped
    now = datetime(2024, 7, 1, 10, tzinfo=timezone.utc)
    for subject, received in (("one", "2024-01-02"), ("two", "2024-01-03"), ("three", "2024-03-04")):
        assert not run(ctx, f"new {subject} received:{received}", now=now).is_error
    for line in ("respond FOI2024/00001 2024-01-30 granted",  # day 20: in time
                 "respond FOI2024/00002 2024-02-01 refused",  # day 21: late
                 "respond FOI2024/00003 2024-04-03 part"):  # day 22 by the calendar, 20 with Easter skipped
        assert not run(ctx, line, now=now).is_error, line
    reply = run(ctx, "stats caseload-quarterly from=2024-01-01 to=2024-03-31 as_of=2024-06-30", now=now)
    assert not reply.is_error, reply.text
    [line] = [x for x in reply.thread_posts[0].preformatted.splitlines() if x.startswith("2024 Q1")]
    assert line.split() == ["2024", "Q1", "3", "3", "2", "66.7", "no", "0", "1", "1", "0"]
