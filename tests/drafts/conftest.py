"""Fixtures for the draft-letter tests: a command context with approvers, the seed request as a case, and the
Slack stand-in with the bot (re-using the HTTP fixtures of tests/slack)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_settings
from bot.runtime import build_context
from commands.base import CommandContext
from commands.registration import NewCase, register_case
from tests.slack.conftest import SECRET, TEAM_CHANNEL, bot  # noqa: F401 - fixture re-used here

#: A filled-in organisation profile (the shipped example's letters cannot be approved).
TEST_PROFILE = Path(__file__).resolve().parents[1] / "support" / "profile.toml"

DRAFTER = "U_ALICE"
APPROVER = "U_BOB"
OTHER_APPROVER = "U_CAROL"
OUTSIDER = "U_DAVE"

#: The seed request (FOI2018/00739, received 9 February 2018) as the intake parser splits it.
SEED_REQUEST = """I am doing a story looking into the issue of "youth produced sexual imagery" (sexting by under 18s).

All questions relate to period covering January 2016 - December 2017:

1. How many times in total has your force used Outcome 21?
2. How many of those Outcome 21s relate to Youth Produced Sexual Imagery (sexting by under 18s)?
a. How many of those involved 11-17 year olds?
b. How many of those involved children aged 10 and under?
3. How many overall reports of crimes relating to Youth Produced Sexual Imagery (sexting by under 18s) have been made to your force?
4. Of those overall reports
a) how many were by pupils aged 11-17?
b) how many were by pupils aged 10 and under?"""

SEED_QUESTIONS: list[dict[str, Any]] = [
    {"number": "1", "text": "How many times in total has your force used Outcome 21?", "parts": []},
    {"number": "2", "text": "How many of those Outcome 21s relate to Youth Produced Sexual Imagery?", "parts": [
        {"number": "a", "text": "How many of those involved 11-17 year olds?", "parts": []},
        {"number": "b", "text": "How many of those involved children aged 10 and under?", "parts": []},
    ]},
    {"number": "3", "text": "How many overall reports of crimes relating to Youth Produced Sexual Imagery?",
     "parts": []},
    {"number": "4", "text": "Of those overall reports", "parts": [
        {"number": "a", "text": "how many were by pupils aged 11-17?", "parts": []},
        {"number": "b", "text": "how many were by pupils aged 10 and under?", "parts": []},
    ]},
]

Q2_COST = ("As detailed above, we cannot provide this figure within cost. However the total number of offences "
           'relating to "Indecent Images of Children" during this period was 76.')
Q3_COST = ("As detailed above, we cannot provide this figure within cost. The total number of offences relating to "
           '"Indecent Images of Children" during this period was 622.')


@pytest.fixture
def approvers_env(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOI_APPROVERS", f"{APPROVER},{OTHER_APPROVER}")
    monkeypatch.setenv("FOI_ORG_PROFILE", str(TEST_PROFILE))
    return clean_env


@pytest.fixture
def dctx(approvers_env: Path) -> Iterator[CommandContext]:
    context = build_context(load_settings())
    yield context
    context.engine.dispose()


def make_case(ctx: CommandContext, *, regime: str = "foia", received: date = date(2018, 2, 9),
              questions: list[dict[str, Any]] | None = None, request_text: str = SEED_REQUEST,
              parent_id: int | None = None, **requester: str) -> str:
    """Register a case the way `/foi new` does, with the questions already split (independent of the parser);
    ``requester`` may give requester_name, requester_email, requester_address and language."""
    new = NewCase(request_text=request_text, received=received, regime=regime, subject="Outcome 21",
                  questions=SEED_QUESTIONS if questions is None else questions, parent_id=parent_id, **requester)
    case, _created = register_case(ctx, new, actor=DRAFTER)
    return case.reference


@pytest.fixture
def slack_env(clean_env: Path, monkeypatch: pytest.MonkeyPatch, standin) -> Path:
    """The Slack settings of tests/slack plus approvers (overrides that fixture for the tests here)."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_API_URL", standin.api_url)
    monkeypatch.setenv("FOI_TEAM_CHANNEL", TEAM_CHANNEL)
    monkeypatch.setenv("FOI_APPROVERS", f"{APPROVER},{OTHER_APPROVER}")
    monkeypatch.setenv("FOI_ORG_PROFILE", str(TEST_PROFILE))
    standin.channel_members[TEAM_CHANNEL] = [DRAFTER, APPROVER, OTHER_APPROVER]
    return clean_env
