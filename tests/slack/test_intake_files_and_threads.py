"""The intake channel over real HTTP: non-requests get a quiet answer, shared files are downloaded with the
bot token and read, a WhatDoTheyKnow page with two requests gets two proposals, and the reuse button."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from commands.registration import NewCase, register_case
from storage.cases import get_case, set_answer
from storage.db import session_scope
from storage.models import Case, CaseAnswer, IntakeProposal
from tests.commands.test_attachment_text import LINES, pdf_bytes, scanned_pdf_bytes
from tests.slack.test_intake import INTAKE, click, message_event
from tests.support.waiting import wait_until


def proposals(bot) -> list[IntakeProposal]:
    with session_scope(bot.ctx.engine) as session:
        return list(session.exec(select(IntakeProposal).order_by(IntakeProposal.id)).all())


def test_a_colleagues_message_is_not_proposed(bot) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    bot.sender.event(message_event("Can anyone cover the FOI inbox on Friday afternoon? I've got a dentist appointment."),
                     event_id="EvChat")
    [reply] = bot.standin.wait_for("chat.postMessage")
    assert reply.args["text"] == "Not proposed — register it with the shortcut if it is a request."
    assert not any(b["type"] == "actions" for b in reply.args["blocks"])
    assert proposals(bot) == []


def test_a_shared_pdf_is_downloaded_with_the_token_and_proposed(bot) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    bot.standin.files["F1"] = pdf_bytes(["Date received: 3 February 2025", *LINES])
    pdf = {"id": "F1", "name": "letter.pdf", "filetype": "pdf", "size": len(bot.standin.files["F1"]),
           "url_private": bot.standin.file_url("F1")}
    bot.sender.event(message_event("", subtype="file_share", files=[pdf]), event_id="EvFile")
    [proposal] = bot.standin.wait_for("chat.postMessage")
    text = proposal.args["text"]
    assert "Received: 2025-02-03" in text and "Date received: 3 February 2025" in text
    assert "Questions (2)" in text
    [download] = bot.standin.calls_to("file_download")
    assert download.headers["authorization"] == "Bearer xoxb-test-token"


def test_a_scanned_pdf_asks_for_the_text(bot) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    bot.standin.files["F2"] = scanned_pdf_bytes()
    pdf = {"id": "F2", "name": "scan.pdf", "filetype": "pdf", "url_private": bot.standin.file_url("F2")}
    bot.sender.event(message_event("", subtype="file_share", files=[pdf]), event_id="EvScan")
    [reply] = bot.standin.wait_for("chat.postMessage")
    assert "scan.pdf: no text layer — type or paste the request" in reply.args["text"]


def test_a_file_on_another_host_never_sees_the_token(bot) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    elsewhere = {"id": "F3", "name": "x.pdf", "url_private": "http://192.0.2.1/files/x.pdf"}
    bot.sender.event(message_event("", subtype="file_share", files=[elsewhere]), event_id="EvHost")
    [reply] = bot.standin.wait_for("chat.postMessage")
    assert "not a Slack file address" in reply.args["text"]


TWO_REQUESTS = """Speed cameras

Alex Morgan made this Freedom of Information request to Kent Police

Dear Kent Police,

Please tell me how many speed camera offences were recorded in 2023.

Yours faithfully,

Alex Morgan

Drones

Alex Morgan made this Freedom of Information request to Kent Police

Dear Kent Police,

1. How many drones does the force own?
2. What did they cost?

Yours faithfully,

Alex Morgan
"""


def test_a_whatdotheyknow_page_with_two_requests_gets_two_proposals(bot) -> None:
    bot.ctx.settings.intake_channel = INTAKE
    bot.sender.event(message_event(TWO_REQUESTS, ts="1718919000.000300"), event_id="EvTwo")
    replies = bot.standin.wait_for("chat.postMessage", count=2)
    texts = sorted(reply.args["text"] for reply in replies)
    assert any("Subject: Drones" in t and "Questions (2)" in t for t in texts)
    assert any("Subject: Speed cameras" in t and "Questions (1)" in t for t in texts)
    assert all(reply.args["thread_ts"] == "1718919000.000300" for reply in replies)
    assert sorted(p.message_ts for p in proposals(bot)) == ["1718919000.000300", "1718919000.000300#2"]
    second = next(p for p in proposals(bot) if p.message_ts.endswith("#2"))
    click(bot, "intake_register", str(second.id))
    wait_until(lambda: proposals(bot)[1].state == "registered")
    with session_scope(bot.ctx.engine) as session:
        [case] = session.exec(select(Case)).all()
        assert case.subject == "Drones" and case.received == date(2024, 6, 20)


def test_reuse_button_copies_an_earlier_cases_answers(bot) -> None:
    old, _ = register_case(bot.ctx, NewCase(
        request_text="x", received=date(2023, 2, 6), subject="Taser discharges",
        questions=[{"number": "1", "text": "How many times was a Taser discharged at a dog?", "parts": []}]),
        actor="U1")
    new, _ = register_case(bot.ctx, NewCase(
        request_text="y", received=date(2024, 2, 5), subject="Tasers",
        questions=[{"number": "1", "text": "How many times was a Taser discharged at an animal?", "parts": []}]),
        actor="U1")
    with session_scope(bot.ctx.engine) as session:
        set_answer(session, get_case(session, old.reference), "1", "7", source="typed", author="U1")
    click(bot, "similar_reuse", f"reuse {new.reference} {old.reference}")
    bot.standin.wait_for("response_url", where=lambda c: "Copied 1 answer(s)" in c.args.get("text", ""))
    with session_scope(bot.ctx.engine) as session:
        [answer] = session.exec(select(CaseAnswer).where(CaseAnswer.case_id == new.id)).all()
        assert (answer.text, answer.source) == ("7", f"reused from {old.reference}")
