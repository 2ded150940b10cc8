"""The draft's life in the case thread over real HTTP against the Slack stand-in: posted with its files, a
review comment and an answer replied in the thread, changes requested in a form, regenerated, edited by hand,
refused for a non-approver, approved by an approver, and marked as sent."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from docx import Document
from sqlmodel import select

from storage.cases import answers_for, get_case
from storage.db import session_scope
from storage.models import Case, Draft, DraftComment
from tests.conftest import run
from tests.drafts.conftest import APPROVER, DRAFTER, OTHER_APPROVER, OUTSIDER, Q2_COST, Q3_COST, TEAM_CHANNEL
from tests.support.waiting import wait_until

REF = "FOI2018/00001"




def case_now(bot) -> Case:  # type: ignore[no-untyped-def]
    with session_scope(bot.ctx.engine) as session:
        return get_case(session, REF)


def versions(bot) -> list[Draft]:  # type: ignore[no-untyped-def]
    with session_scope(bot.ctx.engine) as session:
        return list(session.exec(select(Draft).order_by(Draft.version)).all())


def thread_post(bot, card_ts: str, needle: str, count: int = 1) -> Any:  # type: ignore[no-untyped-def]
    found = bot.standin.wait_for(
        "chat.postMessage", count=count,
        where=lambda c: c.args.get("thread_ts") == card_ts and needle in (c.args.get("text") or ""))
    return found[-1]


def buttons(message: Any) -> dict[str, str]:
    return {e["action_id"]: e["value"] for b in message.args["blocks"] if b["type"] == "actions" for e in b["elements"]}


def click(bot, action_id: str, value: str, *, user: str, message: Any | None = None,  # type: ignore[no-untyped-def]
          key: str = "act") -> None:
    payload: dict[str, Any] = {
        "type": "block_actions", "user": {"id": user}, "trigger_id": f"TRIG-{action_id}",
        "channel": {"id": TEAM_CHANNEL}, "team": {"id": "T0001"}, "api_app_id": "A0001",
        "response_url": bot.standin.response_url(key),
        "actions": [{"action_id": action_id, "value": value, "type": "button", "block_id": "b", "action_ts": "1"}],
    }
    if message is not None:
        ts = message.args.get("ts") or bot_ts(bot, message)
        payload["container"] = {"type": "message", "channel_id": TEAM_CHANNEL, "message_ts": ts,
                                "thread_ts": message.args.get("thread_ts")}
        payload["message"] = {"ts": ts, "thread_ts": message.args.get("thread_ts"), "text": message.args["text"],
                              "blocks": message.args["blocks"]}
    status, _ = bot.sender.interaction(payload)
    assert status == 200


def bot_ts(bot, message: Any) -> str:  # type: ignore[no-untyped-def]
    """The ts the stand-in gave a posted message (kept with the thread it was posted in)."""
    thread = bot.standin.threads[(TEAM_CHANNEL, message.args["thread_ts"])]
    return next(m["ts"] for m in thread if m["text"] == message.args["text"])


def submit(bot, view: dict[str, Any], values: dict[str, Any], *, user: str) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
    payload = {"type": "view_submission", "user": {"id": user}, "team": {"id": "T0001"}, "api_app_id": "A0001",
               "view": {**view, "id": "V1", "state": {"values": values}}}
    return bot.sender.interaction(payload)


def register_seed_case(bot) -> str:  # type: ignore[no-untyped-def]
    """`/foi new` over HTTP; returns the ts of the case card, whose thread is the case's home."""
    bot.sender.command("new Please tell me how many times you used Outcome 21 received:2018-02-09", user=DRAFTER)
    card = bot.standin.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == TEAM_CHANNEL)[0]
    assert buttons(card) == {"case_assign_me": REF, "case_draft": REF}
    return wait_until(lambda: case_now(bot).thread_ts)


def test_the_draft_thread_from_first_version_to_sent(bot) -> None:
    card_ts = register_seed_case(bot)
    with session_scope(bot.ctx.engine) as session:  # three questions, whatever the intake parser made of the text
        case = get_case(session, REF)
        case.questions = [{"number": str(n), "text": f"Question {n}?", "parts": []} for n in (1, 2, 3)]
        session.add(case)
    run(bot.ctx, f"answer {REF} 1 88", user=DRAFTER)
    run(bot.ctx, f"answer {REF} 2 {Q2_COST}", user=DRAFTER)
    run(bot.ctx, f"exempt {REF} s12 Q2 Q3", user=DRAFTER)
    run(bot.ctx, f"answer {REF} hours 1,144 records at 3 minutes each = 57 hours", user=DRAFTER)
    run(bot.ctx, f"answer {REF} advice You could ask for the Outcome 21 total only.", user=DRAFTER)
    run(bot.ctx, f"exempt {REF} remove s12 Q3", user=DRAFTER)

    # -- the first version, posted into the case thread with its files ----------------------------------------
    status, _ = bot.sender.command(f"draft {REF} response date:2018-03-08", user=DRAFTER, channel=TEAM_CHANNEL)
    assert status == 200
    v1 = thread_post(bot, card_ts, "Draft v1 of FOI2018/00001")
    assert v1.args["channel"] == TEAM_CHANNEL
    assert set(buttons(v1)) == {"draft_approve", "draft_changes", "draft_regenerate", "draft_edit"}
    assert buttons(v1)["draft_approve"] == f"{REF} v1"
    shown = json.dumps(v1.args["blocks"])
    assert "*Q1* \\u2013 88" in shown and "8th March 2018" in shown and "Still needed before approval: Q3" in shown
    asked = bot.standin.wait_for("files.getUploadURLExternal", count=2)
    assert sorted(c.args["filename"] for c in asked) == ["FOI2018-00001-response-v1.docx",
                                                        "FOI2018-00001-response-v1.md"]
    bot.standin.wait_for("upload", count=2)
    completed = bot.standin.wait_for("files.completeUploadExternal", count=2)
    assert all(c.args["channel_id"] == TEAM_CHANNEL and c.args["thread_ts"] == card_ts for c in completed)
    docx_bytes = next(body for body in bot.standin.uploads.values() if body.startswith(b"PK"))
    assert "Our Ref: FOI2018/00001" in "\n".join(p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs)
    [told] = bot.standin.wait_for("response_url", where=lambda c: "Draft v1" in c.args.get("text", ""))
    assert told.args["response_type"] == "ephemeral"
    wait_until(lambda: versions(bot)[0].message_ts)  # the draft remembers its message

    # -- replies in the thread: a review comment, and an answer ----------------------------------------------
    bot.sender.event({"type": "message", "channel": TEAM_CHANNEL, "user": OTHER_APPROVER, "ts": "1800000001.000100",
                      "thread_ts": card_ts, "text": "Please put the total of 76 first in Q2"}, event_id="EvComment")
    bot.sender.event({"type": "message", "channel": TEAM_CHANNEL, "user": DRAFTER, "ts": "1800000002.000100",
                      "thread_ts": card_ts, "text": f"Q3: {Q3_COST}"}, event_id="EvAnswer")
    noted = bot.standin.wait_for("chat.postEphemeral", count=2)
    assert {c.args["user"] for c in noted} == {OTHER_APPROVER, DRAFTER}
    assert any("Noted as a review comment on draft v1" in c.args["text"] for c in noted)
    with session_scope(bot.ctx.engine) as session:
        [comment] = session.exec(select(DraftComment)).all()
        assert (comment.author, comment.kind, comment.message_ts) == (OTHER_APPROVER, "comment", "1800000001.000100")
        assert answers_for(session, case.id)["3"].text == Q3_COST

    # -- changes requested in the form ----------------------------------------------------------------------
    click(bot, "draft_changes", f"{REF} v1", user=OTHER_APPROVER, message=v1)
    [opened] = bot.standin.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "draft_changes_form"
    status, body = submit(bot, opened.args["view"], {"changes": {"value": {"type": "plain_text_input",
                                                                          "value": "Q2 should give the total first"}}},
                          user=OTHER_APPROVER)
    assert status == 200
    thread_post(bot, card_ts, "requested changes to draft v1")
    assert wait_until(lambda: versions(bot)[0].state == "changes")

    # -- regenerated: version 2 says what changed ------------------------------------------------------------
    click(bot, "draft_regenerate", f"{REF} v1", user=DRAFTER, message=v1)
    v2 = thread_post(bot, card_ts, "Draft v2 of FOI2018/00001")
    assert "Changes since v1" in v2.args["text"] and "+ Q3 – As detailed above" in v2.args["text"]
    assert "Still needed" not in v2.args["text"]

    # -- edited by hand in the form: version 3 -------------------------------------------------------------
    click(bot, "draft_edit", f"{REF} v2", user=DRAFTER, message=v2)
    edit = bot.standin.wait_for("views.open", count=2)[-1].args["view"]
    assert edit["callback_id"] == "draft_edit_form"
    inputs = [b for b in edit["blocks"] if b["type"] == "input"]
    values = {}
    for block in inputs:
        text = block["element"]["initial_value"].replace("**Q1** – 88", "**Q1** – 88 (eighty-eight)")
        values[block["block_id"]] = {"value": {"type": "plain_text_input", "value": text}}
    submit(bot, edit, values, user=DRAFTER)
    v3 = thread_post(bot, card_ts, "Draft v3 of FOI2018/00001")
    assert "(edited by hand)" in v3.args["text"] and "+ Q1 – 88 (eighty-eight)" in v3.args["text"]
    assert wait_until(lambda: len(versions(bot)) == 3 and versions(bot)[2].edited)
    assert versions(bot)[2].text == versions(bot)[1].text.replace("**Q1** – 88", "**Q1** – 88 (eighty-eight)")

    # -- approval: refused for a non-approver and for an old version, then approved -------------------------
    click(bot, "draft_approve", f"{REF} v3", user=OUTSIDER, message=v3, key="outsider")
    refused = bot.standin.wait_for("response_url", where=lambda c: "Only the information-rights team can approve"
                                   in c.args.get("text", ""))[0]
    assert refused.args["response_type"] == "ephemeral"
    click(bot, "draft_approve", f"{REF} v1", user=APPROVER, message=v1, key="stale")
    bot.standin.wait_for("response_url", where=lambda c: "has been replaced by v3" in c.args.get("text", ""))
    assert versions(bot)[2].state == "draft"
    click(bot, "draft_approve", f"{REF} v3", user=APPROVER, message=v3, key="approve")
    approval = thread_post(bot, card_ts, "approved by <@U_BOB>")
    assert buttons(approval) == {"draft_sent": f"{REF} v3"}
    retired = bot.standin.wait_for("chat.update", where=lambda c: "Approved by <@U_BOB>" in json.dumps(c.args["blocks"]))
    assert not any(b["type"] == "actions" for b in retired[0].args["blocks"])
    draft = wait_until(lambda: versions(bot)[2] if versions(bot)[2].state == "approved" else None)
    assert draft.approved_by == APPROVER

    # -- marked as sent: the case is responded and the review window is open --------------------------------
    click(bot, "draft_sent", f"{REF} v3", user=DRAFTER, message=approval, key="sent")
    sent = thread_post(bot, card_ts, "marked as sent on Thu 8 Mar 2018")
    assert "internal review until Tue 8 May 2018" in sent.args["text"]
    final = wait_until(lambda: case_now(bot) if case_now(bot).status == "responded" else None)
    assert (final.responded, final.response_outcome, final.review_request_by) == (
        date(2018, 3, 8), "part", date(2018, 5, 8))
    bot.standin.wait_for("chat.update", where=lambda c: c.args.get("ts") == card_ts and "responded" in c.args["text"])

    # -- the disclosure-log version, from the button after Mark as sent ------------------------------------
    assert buttons(sent) == {"draft_disclosure_log": f"{REF} v3"}
    click(bot, "draft_disclosure_log", f"{REF} v3", user=DRAFTER, message=sent, key="log")
    thread_post(bot, card_ts, "Disclosure-log version of v3 of FOI2018/00001")
    for form in ("Word", "HTML", "Markdown"):
        bot.standin.wait_for("files.completeUploadExternal",
                             where=lambda c, form=form: f"disclosure-log version ({form})" in c.args.get("files", ""))


def test_a_document_shared_in_the_thread_with_annex_becomes_an_annex(bot) -> None:
    card_ts = register_seed_case(bot)
    bot.standin.files["F0PDF"] = b"%PDF-1.4 the force's policy"
    shared = {"id": "F0PDF", "name": "sexting-policy.pdf", "title": "sexting-policy.pdf",
              "url_private_download": f"{bot.standin.url}/files/F0PDF/sexting-policy.pdf"}
    bot.sender.event({"type": "message", "subtype": "file_share", "channel": TEAM_CHANNEL, "user": DRAFTER,
                      "ts": "1800000009.000100", "thread_ts": card_ts, "text": "annex: Police action on sexting",
                      "files": [shared]}, event_id="EvFile1")
    told = thread_post(bot, card_ts, "is enclosed as Annex A of FOI2018/00001")
    assert "Police action on sexting" in told.args["text"]
    download = bot.standin.wait_for("file_download")[0]
    assert download.headers["authorization"] == "Bearer xoxb-test-token"
    reply = run(bot.ctx, f"annex {REF}", user=DRAFTER)
    assert "Annex A – Police action on sexting (sexting-policy.pdf)" in reply.text
    bot.sender.event({"type": "message", "subtype": "file_share", "channel": TEAM_CHANNEL, "user": DRAFTER,
                      "ts": "1800000010.000100", "thread_ts": card_ts, "text": "annex",
                      "files": [{"id": "F0BAD", "name": "x.pdf", "url_private_download": "https://evil.example/x.pdf"}]},
                     event_id="EvFile2")
    bot.standin.wait_for("chat.postEphemeral", where=lambda c: "not on Slack, so it was not enclosed" in c.args["text"])
    assert len(bot.standin.calls_to("file_download")) == 1


def test_draft_response_button_on_the_case_card(bot) -> None:
    card_ts = register_seed_case(bot)
    click(bot, "case_draft", REF, user=DRAFTER)
    posted = thread_post(bot, card_ts, "Draft v1 of FOI2018/00001 — Response")
    assert "[ANSWER NEEDED: Q1]" in json.dumps(posted.args["blocks"])
    click(bot, "case_draft", REF, user=DRAFTER, key="again")  # a second click changes nothing
    bot.standin.wait_for("response_url", where=lambda c: "No change since v1" in c.args.get("text", ""))
    assert len(versions(bot)) == 1
