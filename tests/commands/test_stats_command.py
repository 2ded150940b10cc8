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
    assert "As the letter will show it (Q1)" in post.blocks_markdown[1]


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
    assert refused.is_error and "only available to the information-rights team" in refused.text
    assert not run(ctx, SEED_Q, user="U_TEAM", now=NOW).is_error


def test_no_data_yet_says_how_to_load_it(ctx) -> None:
    reply = run(ctx, SEED_Q, now=NOW)
    assert reply.is_error and "foi-bot data demo" in reply.text
