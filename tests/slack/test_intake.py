"""Requests arriving as Slack messages: intake proposals, the Register button, retries, follow-ups."""

from __future__ import annotations

import json

from sqlmodel import select

from storage.db import session_scope
from storage.models import Case, CaseEvent, IntakeProposal
from tests.slack.conftest import TEAM_CHANNEL
from tests.support.waiting import wait_until

INTAKE = "C_INTAKE"
REQUEST = """Dear Sir or Madam,

Under the Freedom of Information Act 2000 please provide:

1. The number of crimes recorded as indecent images offences between January 2016 and December 2017.
2. Of those, how many were given:
a) Outcome 21
b) Outcome 10
3. The number of officers in your digital forensics unit.

Yours faithfully,
A. Requester
"""


def cases(bot) -> list[Case]:
    with session_scope(bot.ctx.engine) as session:
        return list(session.exec(select(Case).order_by(Case.id)).all())




def message_event(text: str, ts: str = "1718919000.000100", channel: str = INTAKE, **extra) -> dict:
    return {"type": "message", "channel": channel, "user": "U_FWD", "text": text, "ts": ts, "event_ts": ts, **extra}


def click(bot, action_id: str, value: str, *, user: str = "U_ALICE", channel: str = INTAKE, message_ts: str = "1.1") -> None:
    bot.sender.interaction({
        "type": "block_actions", "user": {"id": user}, "trigger_id": "TRIG", "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel, "message_ts": message_ts},
        "response_url": bot.standin.response_url("act"),
        "actions": [{"action_id": action_id, "value": value, "type": "button", "block_id": "b"}],
    })


def test_intake_message_gets_a_proposal_and_register_makes_the_case(bot, monkeypatch) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    status, _ = bot.sender.event(message_event(REQUEST), event_id="EvA")
    assert status == 200
    [proposal] = bot.standin.wait_for("chat.postMessage", where=lambda c: c.args.get("thread_ts") == "1718919000.000100")
    text = proposal.args["text"]
    assert "Proposed case" in text and "2.a" not in text
    assert "Outcome 21" in text and "Received: 2024-06-20" in text
    buttons = [e["action_id"] for b in proposal.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["intake_register", "intake_edit", "intake_dismiss"]
    assert cases(bot) == []  # nothing registered until a person confirms
    proposal_id = next(e["value"] for b in proposal.args["blocks"] if b["type"] == "actions" for e in b["elements"])
    click(bot, "intake_register", proposal_id)
    click(bot, "intake_register", proposal_id)  # a double click registers once
    bot.standin.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == TEAM_CHANNEL)
    wait_until(lambda: len(bot.standin.calls_to("chat.update")) >= 1)
    bot.idle()  # both clicks handled
    [case] = cases(bot)
    assert (case.reference, case.source_channel, case.source_ts) == ("FOI2024/00001", INTAKE, "1718919000.000100")
    assert [q["number"] for q in case.questions] == ["1", "2", "3"]
    assert [p["number"] for p in case.questions[1]["parts"]] == ["a", "b"]
    assert case.requester_name == "A. Requester"
    updated = bot.standin.calls_to("chat.update")[0]
    assert "Registered as *FOI2024/00001*" in updated.args["text"]


def test_event_retried_three_times_makes_one_proposal_and_one_case(bot, monkeypatch) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    bot.ctx.settings.auto_register = True
    for retry in (None, 1, 2, 3):
        status, _ = bot.sender.event(message_event(REQUEST), event_id="EvRetry", retry_num=retry)
        assert status == 200
    # A different event id for the same message (Slack re-sent it) still registers once.
    bot.sender.event(message_event(REQUEST), event_id="EvOther")
    bot.standin.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == TEAM_CHANNEL)
    bot.idle()  # every delivery of the event handled
    assert len(cases(bot)) == 1
    with session_scope(bot.ctx.engine) as session:
        assert len(session.exec(select(IntakeProposal)).all()) == 1


def test_not_a_request_button(bot) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    bot.sender.event(message_event(REQUEST), event_id="EvB")
    [proposal] = bot.standin.wait_for("chat.postMessage")
    proposal_id = next(e["value"] for b in proposal.args["blocks"] if b["type"] == "actions" for e in b["elements"])

    def reply_recorded() -> bool:  # the listener stores the reply's ts just after posting it
        with session_scope(bot.ctx.engine) as session:
            return bool(session.get(IntakeProposal, int(proposal_id)).reply_ts)

    assert wait_until(reply_recorded)
    click(bot, "intake_dismiss", proposal_id)
    [update] = bot.standin.wait_for("chat.update")
    assert "Marked as not a request" in update.args["text"]
    click(bot, "intake_register", proposal_id)
    bot.standin.wait_for("response_url")
    assert cases(bot) == []


def test_empty_message_gets_a_clear_answer(bot) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    bot.sender.event(message_event("   "), event_id="EvEmpty")
    [reply] = bot.standin.wait_for("chat.postMessage")
    assert "I could not read a request here" in reply.args["text"]


def test_edit_opens_the_prefilled_form(bot) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    bot.sender.event(message_event(REQUEST), event_id="EvC")
    [proposal] = bot.standin.wait_for("chat.postMessage")
    proposal_id = next(e["value"] for b in proposal.args["blocks"] if b["type"] == "actions" for e in b["elements"])
    click(bot, "intake_edit", proposal_id)
    [opened] = bot.standin.wait_for("views.open")
    view = json.dumps(opened.args["view"])
    assert "2024-06-20" in view and "A. Requester" in view and "digital forensics" in view


def test_review_request_in_a_case_thread_is_proposed_as_a_review(bot) -> None:
    bot.sender.command("new How many drones? received:2024-01-08")
    [card] = bot.standin.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == TEAM_CHANNEL)
    wait_until(lambda: cases(bot) and cases(bot)[0].thread_ts)
    bot.sender.command("respond FOI2024/00001 2024-02-01 refused")
    wait_until(lambda: cases(bot)[0].status == "responded")
    thread_ts = cases(bot)[0].thread_ts
    bot.sender.event(message_event("I am not satisfied with your response and request an internal review.",
                                   ts="1707000000.000200", channel=TEAM_CHANNEL, thread_ts=thread_ts), event_id="EvR")
    [proposal] = bot.standin.wait_for("chat.postMessage", where=lambda c: "looks like a request for an internal review" in c.args.get("text", ""))
    value = next(e["value"] for b in proposal.args["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert value == "FOI2024/00001|2024-02-03"
    click(bot, "intake_review", value, channel=TEAM_CHANNEL)
    wait_until(lambda: len(cases(bot)) == 2)
    review = cases(bot)[1]
    assert review.reference == "IR2024/00001" and review.received.isoformat() == "2024-02-03"
    with session_scope(bot.ctx.engine) as session:
        kinds = [e.kind for e in session.exec(select(CaseEvent).where(CaseEvent.case_id == cases(bot)[0].id))]
    assert "review-requested" in kinds


def test_a_forwarded_email_file_is_read_with_its_headers(bot) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    email = {"id": "F1", "filetype": "email", "mode": "email", "subject": "FOI request - indecent images",
             "plain_text": REQUEST,
             "headers": {"from": "A. Requester <requester@example.org>", "date": "Fri, 9 Feb 2018 10:15:00 +0000"}}
    bot.sender.event(message_event("", subtype="file_share", files=[email]), event_id="EvMail")
    [proposal] = bot.standin.wait_for("chat.postMessage")
    text = proposal.args["text"]
    assert "Received: 2018-02-09" in text
    assert "Subject: FOI request - indecent images" in text
    assert "Questions (3)" in text


def test_a_message_that_is_only_an_unreadable_attachment_says_so(bot) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    pdf = {"id": "F2", "filetype": "pdf", "name": "letter.pdf"}
    bot.sender.event(message_event("", subtype="file_share", files=[pdf]), event_id="EvPdf")
    [reply] = bot.standin.wait_for("chat.postMessage")
    assert "I could not read a request here" in reply.args["text"]
