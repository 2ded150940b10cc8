"""Signed slash commands over HTTP: acknowledgement, the case card, signatures, health."""

from __future__ import annotations

import json
import time
import urllib.request

from sqlmodel import select

from storage.db import session_scope
from storage.models import Case, CaseEvent, OutboxItem
from tests.slack.conftest import SECRET, TEAM_CHANNEL
from tests.support.waiting import wait_until


def test_app_checks_its_token_at_start(bot) -> None:
    assert bot.standin.calls_to("auth.test"), "Bolt should call auth.test when it starts"


def test_help_acks_within_three_seconds_and_answers_ephemerally(bot) -> None:
    started = time.monotonic()
    status, body = bot.sender.command("help")
    assert status == 200
    assert time.monotonic() - started < 3.0
    [reply] = bot.standin.wait_for("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert "/foi new REQUEST TEXT" in json.dumps(reply.args["blocks"])


def test_new_registers_a_case_and_posts_the_card_to_the_team_channel(bot) -> None:
    status, _ = bot.sender.command("new Please tell me how many times you used Outcome 21 received:2018-02-09")
    assert status == 200
    [card] = bot.standin.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == TEAM_CHANNEL)
    blocks = json.dumps(card.args["blocks"])
    assert "FOI2018/00001" in blocks and "Fri 9 Mar 2018" in blocks and "Outcome 21" in blocks
    [told] = bot.standin.wait_for("response_url")
    assert told.args["response_type"] == "ephemeral" and "Registered FOI2018/00001" in told.args["text"]
    def with_thread() -> Case | None:
        with session_scope(bot.ctx.engine) as session:
            case = session.exec(select(Case)).one()
            return case if case.thread_ts else None

    case = wait_until(with_thread, what="the card's thread recorded")
    assert case.channel_id == TEAM_CHANNEL and case.thread_ts  # the card's thread is the case's home
    with session_scope(bot.ctx.engine) as session:
        kinds = [e.kind for e in session.exec(select(CaseEvent)).all()]
    assert kinds == ["registered", "card-posted"]


def test_assign_updates_the_card(bot) -> None:
    bot.sender.command("new A request about drones received:2026-03-02")
    bot.standin.wait_for("chat.postMessage")
    bot.idle()
    bot.sender.command("assign FOI2026/00001 <@U_BOB|bob>")
    [update] = bot.standin.wait_for("chat.update")
    assert update.args["channel"] == TEAM_CHANNEL and "<@U_BOB>" in json.dumps(update.args["blocks"])


def test_bad_input_gets_an_ephemeral_error_with_usage(bot) -> None:
    bot.sender.command("show FOI2026/00077")
    [reply] = bot.standin.wait_for("response_url")
    assert reply.args["response_type"] == "ephemeral"
    assert "There is no case FOI2026/00077" in reply.args["text"] and "Usage: /foi show REF" in reply.args["text"]
    assert not bot.standin.calls_to("chat.postMessage")


def test_bad_signature_is_rejected(bot) -> None:
    status, _ = bot.sender.command("help", secret="not-the-secret")
    assert status == 401
    with session_scope(bot.ctx.engine) as session:
        assert not session.exec(select(OutboxItem)).all()  # nothing was queued, so nothing will be said
    assert bot.slack.queue.depth() == 0


def test_stale_timestamp_is_rejected(bot) -> None:
    status, _ = bot.sender.command("help", timestamp=int(time.time()) - 6 * 60)
    assert status == 401


def test_signing_secret_used_in_tests_is_the_configured_one(bot) -> None:
    assert bot.ctx.settings.slack_signing_secret == SECRET


def test_healthz_checks_the_database(bot) -> None:
    with urllib.request.urlopen(bot.url.replace("/slack/events", "/healthz"), timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok", "database": "ok", "queue": "ok"}


def test_message_shortcut_opens_the_prefilled_form_and_submit_registers_once(bot) -> None:
    message = {"type": "message", "user": "U_REQ", "ts": "1718919000.000100",  # 20 June 2024 21:30 UTC
               "text": "Dear FOI team, how many drones does the force own?"}
    bot.sender.interaction({"type": "message_action", "callback_id": "register_foi_request", "trigger_id": "TRIG1",
                            "user": {"id": "U_ALICE"}, "channel": {"id": "C_INBOX"}, "message": message,
                            "response_url": bot.standin.response_url("sc")})
    [opened] = bot.standin.wait_for("views.open")
    view = opened.args["view"]
    assert opened.args["trigger_id"] == "TRIG1"
    assert "how many drones" in json.dumps(view["blocks"])
    state = {"values": {
        "request_text": {"value": {"type": "plain_text_input", "value": message["text"]}},
        "received": {"value": {"type": "datepicker", "selected_date": "2024-06-20"}},
        "regime": {"value": {"type": "static_select", "selected_option": {"value": "foia"}}},
        "subject": {"value": {"type": "plain_text_input", "value": "Drones"}},
        "requester_name": {"value": {"type": "plain_text_input", "value": None}},
        "requester_email": {"value": {"type": "plain_text_input", "value": None}},
    }}
    submission = {"type": "view_submission", "user": {"id": "U_ALICE"},
                  "view": {**view, "id": "V1", "state": state}}
    for _ in range(2):  # a double submit registers once
        status, _ = bot.sender.interaction(submission)
        assert status == 200
    bot.standin.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == TEAM_CHANNEL)
    bot.idle()  # both submissions handled
    with session_scope(bot.ctx.engine) as session:
        cases = session.exec(select(Case)).all()
    assert [(c.reference, c.subject, c.source_channel, c.source_ts) for c in cases] == [
        ("FOI2024/00001", "Drones", "C_INBOX", "1718919000.000100")]
    with session_scope(bot.ctx.engine) as session:
        edits = session.exec(select(CaseEvent).where(CaseEvent.kind == "edited-before-registering")).all()
    assert [e.details for e in edits] == [{"fields": ["subject"]}]  # the person changed the parser's subject


def test_form_with_a_future_date_is_refused_in_the_form(bot) -> None:
    state = {"values": {
        "request_text": {"value": {"type": "plain_text_input", "value": "text"}},
        "received": {"value": {"type": "datepicker", "selected_date": "2999-01-01"}},
        "regime": {"value": {"type": "static_select", "selected_option": {"value": "foia"}}},
    }}
    status, body = bot.sender.interaction({"type": "view_submission", "user": {"id": "U_ALICE"},
                                           "view": {"type": "modal", "callback_id": "register_case", "id": "V1", "state": state,
                                                    "private_metadata": "{}"}})
    assert status == 200
    assert json.loads(body) == {"response_action": "errors", "errors": {"received": "The received date cannot be in the future."}}


def test_new_without_text_opens_the_registration_form(bot) -> None:
    bot.sender.command("new", trigger_id="TRIG-NEW")
    [opened] = bot.standin.wait_for("views.open")
    assert opened.args["trigger_id"] == "TRIG-NEW"
    assert opened.args["view"]["callback_id"] == "register_case"
    with session_scope(bot.ctx.engine) as session:
        assert session.exec(select(Case)).all() == []


def test_slack_refusing_the_card_still_keeps_the_case_and_says_so(bot) -> None:
    bot.standin.fail_next("chat.postMessage", error="not_in_channel")
    bot.sender.command("new A request about drones received:2026-03-02")
    told = bot.standin.wait_for("response_url", count=2)
    assert any("refused the case card for FOI2026/00001 (not_in_channel)" in c.args["text"] for c in told)
    with session_scope(bot.ctx.engine) as session:
        [case] = session.exec(select(Case)).all()
        [card] = session.exec(select(OutboxItem).where(OutboxItem.kind == "card")).all()
    assert case.reference == "FOI2026/00001" and case.thread_ts is None
    assert card.state == "dead" and card.last_error == "not_in_channel"  # kept for `foi-bot outbox retry`


def test_an_unexpected_failure_is_told_to_the_person(bot, monkeypatch) -> None:
    import commands.cases

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(commands.cases, "list_cases", broken)
    status, _ = bot.sender.command("list")
    assert status == 200
    [reply] = bot.standin.wait_for("response_url")
    assert reply.args["response_type"] == "ephemeral" and "went wrong on my side" in reply.args["text"]
