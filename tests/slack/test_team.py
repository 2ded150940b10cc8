"""The team's bot over signed HTTP: who may do what, the case thread as the case's home, messages that stay
true, the App Home, and personal data kept off channels."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import select

from commands.access import ACTIONS, Access
from commands.registry import COMMANDS, load_families
from storage.db import session_scope
from storage.models import Case, CaseEvent, Draft
from tests.drafts.conftest import TEST_PROFILE
from tests.slack.conftest import TEAM_CHANNEL, RunningBot, start_bot, stop_bot
from tests.support.slack_standin import SlackStandIn
from tests.support.waiting import wait_until

ALICE, BOB, EVE = "U_ALICE", "U_BOB", "U_EVE"  # Alice and Bob are the team; Eve is not
MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "manifest.yml"
REQUEST = ("new Dear FOI team, 1. How many drones do you own? Yours sincerely, Jane Doe, jane.doe@example.org, "
           "07700 900123 received:2026-03-02")


@pytest.fixture
def team_bot(slack_env: Path, monkeypatch: pytest.MonkeyPatch, standin: SlackStandIn,
             database_url: str) -> Iterator[RunningBot]:
    """The bot on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FOI_TEAM_USERS", f"{ALICE},{BOB}")
    monkeypatch.setenv("FOI_APPROVERS", BOB)
    monkeypatch.setenv("FOI_ORG_PROFILE", str(TEST_PROFILE))
    running, server = start_bot(standin)
    yield running
    stop_bot(running, server)


def cases(bot: RunningBot) -> list[Case]:
    with session_scope(bot.ctx.engine) as session:
        return list(session.exec(select(Case).order_by(Case.id)).all())


def history(bot: RunningBot) -> list[tuple[str, str]]:
    with session_scope(bot.ctx.engine) as session:
        return [(e.kind, e.actor) for e in session.exec(select(CaseEvent).order_by(CaseEvent.id)).all()]


def registered(bot: RunningBot) -> Case:
    bot.sender.command(REQUEST, user=ALICE)
    case = wait_until(lambda: next((c for c in cases(bot) if c.thread_ts), None), what="the case and its card")
    bot.idle()
    return case


def said_to(bot: RunningBot, text: str) -> list[Any]:
    return [c for c in bot.standin.calls if c.method in ("response_url", "chat.postEphemeral", "chat.postMessage")
            and text in (c.args.get("text") or "")]


# -- who may do what ------------------------------------------------------------------------------------------------
def test_every_command_and_every_button_says_who_may_use_it(team_bot: RunningBot) -> None:
    load_families()
    for name, spec in COMMANDS.items():
        assert spec.access in Access, name
        assert spec.access is Access.ANYONE or spec.what, name
    open_to_all = {name for name, spec in COMMANDS.items() if spec.access is Access.ANYONE}
    assert open_to_all == {"help", "deadline"}
    listened = {key for key in team_bot.slack.routes.registered if key[0] != "command"}
    assert listened <= set(ACTIONS), f"no access rule for {sorted(listened - set(ACTIONS))}"


def test_an_outsider_can_use_help_and_the_calculator_and_nothing_else(team_bot: RunningBot) -> None:
    case = registered(team_bot)
    before = history(team_bot)
    load_families()
    for name in COMMANDS:
        arguments = {"help": "", "deadline": "2026-03-02"}.get(name, f"{case.reference} 1 something")
        team_bot.sender.command(f"{name} {arguments}".strip(), user=EVE)
    team_bot.idle()
    answers = [c.args.get("text", "") for c in team_bot.standin.calls_to("response_url")
               if "cmd-U_EVE" in c.headers.get("host", "") or True]
    refusals = [a for a in answers if a.startswith("Only the information-rights team can")]
    assert len(refusals) == len(COMMANDS) - 2
    assert any("/foi new" in json.dumps(c.args) for c in team_bot.standin.calls_to("response_url"))  # help answered
    assert any("received 2026-03-02: due 2026-03-31" in a for a in answers)  # the calculator answered
    assert history(team_bot) == before  # nothing changed


@pytest.mark.parametrize(("action_id", "value"), [
    ("case_assign_me", "{ref}"), ("case_draft", "{ref}"), ("intake_register", "1"), ("intake_dismiss", "1"),
    ("intake_review", "{ref}|2026-03-20"), ("intake_clarified", "{ref}|2026-03-20"),
    ("similar_reuse", "reuse {ref} {ref}"), ("reminder_snooze", "{ref}|1"), ("reminder_close_case", "{ref}|x"),
    ("draft_approve", "{ref} v1"), ("draft_regenerate", "{ref} v1"), ("draft_sent", "{ref} v1"),
    ("draft_disclosure_log", "{ref} v1"), ("intake_edit", "1"), ("draft_changes", "{ref} v1"),
    ("draft_edit", "{ref} v1"),
])
def test_an_outsiders_click_is_refused_and_changes_nothing(team_bot: RunningBot, action_id: str, value: str) -> None:
    case = registered(team_bot)
    before = history(team_bot)
    team_bot.sender.interaction({
        "type": "block_actions", "user": {"id": EVE}, "api_app_id": "A0001", "token": "legacy", "team": {"id": "T0001"},
        "trigger_id": "T.1", "channel": {"id": TEAM_CHANNEL}, "response_url": team_bot.standin.response_url("eve"),
        "container": {"type": "message", "message_ts": case.thread_ts, "channel_id": TEAM_CHANNEL},
        "actions": [{"type": "button", "action_id": action_id, "value": value.format(ref=case.reference),
                     "action_ts": "1.3"}]})
    wait_until(lambda: said_to(team_bot, "Only the information-rights team can"), what="the refusal")
    team_bot.idle()
    assert history(team_bot) == before
    assert not team_bot.standin.calls_to("views.open")


def test_an_outsider_cannot_use_the_shortcut_or_submit_the_form(team_bot: RunningBot) -> None:
    team_bot.sender.interaction({"type": "message_action", "callback_id": "register_foi_request", "trigger_id": "T1",
                                 "user": {"id": EVE}, "channel": {"id": "C_X"}, "response_url": team_bot.standin.response_url("sc"),
                                 "message": {"type": "message", "ts": "1.1", "text": "Please send me figures"}})
    wait_until(lambda: said_to(team_bot, "Only the information-rights team can register requests"), what="refusal")
    state = {"values": {"request_text": {"value": {"type": "plain_text_input", "value": "Figures please"}},
                        "received": {"value": {"type": "datepicker", "selected_date": "2026-03-02"}},
                        "regime": {"value": {"type": "static_select", "selected_option": {"value": "foia"}}}}}
    team_bot.sender.interaction({"type": "view_submission", "user": {"id": EVE},
                                 "view": {"type": "modal", "callback_id": "register_case", "id": "V1", "state": state,
                                          "private_metadata": "{}"}})
    wait_until(lambda: len(said_to(team_bot, "Only the information-rights team can register requests")) >= 2,
               what="the form refused")
    team_bot.idle()
    assert cases(team_bot) == [] and not team_bot.standin.calls_to("views.open")


# -- the case thread is the case's home ------------------------------------------------------------------------------
def test_updates_land_in_the_case_thread_and_the_typist_gets_a_short_confirmation(team_bot: RunningBot) -> None:
    case = registered(team_bot)
    top_level_before = len([c for c in team_bot.standin.calls_to("chat.postMessage") if not c.args.get("thread_ts")])
    team_bot.sender.command(f"assign {case.reference} <@{BOB}|bob>", user=ALICE, channel="C_ELSEWHERE")
    team_bot.sender.command(f"extend {case.reference} until 2026-04-28 public interest test", user=ALICE,
                            channel="C_ELSEWHERE")
    team_bot.idle()
    in_thread = [c for c in team_bot.standin.calls_to("chat.postMessage") if c.args.get("thread_ts") == case.thread_ts]
    assert any("now assigned to" in c.args["text"] for c in in_thread)
    assert any("Extended" in c.args["text"] or "extend" in c.args["text"].lower() for c in in_thread)
    assert not [c for c in team_bot.standin.calls_to("chat.postMessage") if c.args.get("channel") == "C_ELSEWHERE"]
    assert len([c for c in team_bot.standin.calls_to("chat.postMessage") if not c.args.get("thread_ts")]) == top_level_before
    confirmations = [c for c in team_bot.standin.calls_to("response_url") if "Posted in the thread of" in c.args["text"]]
    assert len(confirmations) == 2


def test_personal_data_stays_off_the_channel_and_show_gives_it_privately(team_bot: RunningBot) -> None:
    case = registered(team_bot)
    team_bot.sender.command("list open", user=ALICE, channel=TEAM_CHANNEL)
    team_bot.idle()
    public = json.dumps([c.args for c in team_bot.standin.calls_to("chat.postMessage")
                         + team_bot.standin.calls_to("chat.update")])
    for detail in ("Jane Doe", "jane.doe@example.org", "07700 900123"):
        assert detail not in public
    assert "[personal data]" in public
    team_bot.sender.command(f"show {case.reference}", user=ALICE)
    shown = wait_until(lambda: [c for c in team_bot.standin.calls_to("response_url")
                                if case.reference in json.dumps(c.args) and "jane.doe@example.org" in json.dumps(c.args)],
                       what="the private view")
    assert shown[0].args["response_type"] == "ephemeral"


# -- messages stay true ----------------------------------------------------------------------------------------------
def test_approving_by_command_retires_the_drafts_buttons(team_bot: RunningBot) -> None:
    case = registered(team_bot)
    team_bot.sender.command(f"answer {case.reference} 1 We own four drones.", user=ALICE)
    team_bot.sender.command(f"draft {case.reference}", user=ALICE)
    team_bot.idle()

    def draft_message() -> str | None:
        with session_scope(team_bot.ctx.engine) as session:
            draft = session.exec(select(Draft)).first()
            return draft.message_ts if draft else None

    ts = wait_until(draft_message, what="the draft posted")
    team_bot.sender.command(f"approve {case.reference}", user=BOB)
    [update] = wait_until(lambda: [c for c in team_bot.standin.calls_to("chat.update") if c.args.get("ts") == ts],
                          what="the draft's buttons retired")
    blocks = update.args["blocks"]
    assert not [b for b in blocks if b.get("type") == "actions"]
    assert "Approved by <@U_BOB>" in json.dumps(blocks)


def test_a_closed_case_refuses_assign_draft_and_answer_and_a_responded_card_says_so(team_bot: RunningBot) -> None:
    case = registered(team_bot)
    team_bot.sender.command(f"respond {case.reference} 2026-03-20 granted", user=ALICE)
    team_bot.idle()
    card = [c for c in team_bot.standin.calls_to("chat.update") if c.args.get("ts") == case.thread_ts][-1]
    text = json.dumps(card.args["blocks"])
    assert "Responded on Fri 20 Mar 2026 (in time)" in text and "review window until" in text
    assert "OVERDUE" not in text and "working days left" not in text
    team_bot.sender.command(f"close {case.reference} answered", user=ALICE)
    for line in (f"assign {case.reference} me", f"draft {case.reference}", f"answer {case.reference} 1 x"):
        team_bot.sender.command(line, user=ALICE)
    team_bot.idle()
    refused = [c for c in team_bot.standin.calls_to("response_url") if "is closed (answered)" in c.args["text"]]
    assert len(refused) == 3 and all("/foi reopen" in c.args["text"] for c in refused)
    team_bot.sender.command(f"reopen {case.reference} a second question came in", user=ALICE)
    team_bot.idle()
    assert cases(team_bot)[0].status == "responded"


# -- App Home -------------------------------------------------------------------------------------------------------
def home_opened(bot: RunningBot, user: str, event_id: str) -> None:
    bot.sender.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"}, event_id=event_id)


def test_app_home_shows_a_team_members_lists_and_an_outsider_one_paragraph(team_bot: RunningBot) -> None:
    case = registered(team_bot)
    team_bot.sender.command(f"assign {case.reference} me", user=ALICE)
    team_bot.idle()
    home_opened(team_bot, ALICE, "EvHome1")
    home_opened(team_bot, EVE, "EvHome2")
    published = wait_until(lambda: len(team_bot.standin.calls_to("views.publish")) >= 2 and
                           team_bot.standin.calls_to("views.publish"), what="both homes")
    by_user = {c.args["user_id"]: c.args["view"] for c in published}
    alice = json.dumps(by_user[ALICE])
    for heading in ("My cases", "Due in the next 5 working days", "Overdue", "Awaiting my approval",
                    "Awaiting clarification", "The team's open cases"):
        assert heading in alice
    assert case.reference in alice and "Open thread" in alice and len(by_user[ALICE]["blocks"]) <= 100
    assert "Jane Doe" not in alice
    eve = by_user[EVE]["blocks"]
    assert len(eve) == 1 and case.reference not in json.dumps(eve) and "Case details are for the team" in json.dumps(eve)
    before = len(team_bot.standin.calls_to("views.publish"))
    team_bot.sender.command(f"note {case.reference} rang the requester", user=ALICE)
    wait_until(lambda: len(team_bot.standin.calls_to("views.publish")) > before, what="Alice's Home refreshed")


def test_every_event_the_manifest_subscribes_to_has_a_listener(team_bot: RunningBot) -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    listened = {route for kind, route in team_bot.slack.routes.registered if kind == "event"}
    for name in events:
        assert name.split(".")[0] in listened, f"{name} has no listener (Slack would get a 404 and retry)"
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    for name in events:
        status, _ = team_bot.sender.event({"type": name.split(".")[0], "user": EVE, "channel": "C_X", "tab": "home",
                                           "ts": "1.1", "text": "hello"}, event_id=f"Ev-{name}")
        assert status == 200


def test_help_shows_usage_and_an_example_in_the_blocks(team_bot: RunningBot) -> None:
    team_bot.sender.command("help assign", user=EVE)
    [reply] = wait_until(lambda: team_bot.standin.calls_to("response_url"), what="help")
    blocks = json.dumps(reply.args["blocks"])
    assert "/foi assign REF @user" in blocks and "/foi assign FOI2026/00042 @alex" in blocks
