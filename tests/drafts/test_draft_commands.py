"""The draft commands through the command layer on a real database: answers, exemptions, versions and what
changed, gaps that block approval, who may approve, thread replies, hand edits, and what sending records."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import select

from commands.drafts import (
    APPROVE_ACTION,
    SENT_ACTION,
    draft_for_edit,
    handle_thread_reply,
    request_changes,
    save_edited_draft,
)
from commands.markup import plain
from commands.registry import COMMANDS, load_families
from storage.cases import answers_for, case_events, get_case, set_answer
from storage.db import session_scope
from storage.models import Case, Draft, DraftComment
from tests.conftest import run
from tests.drafts.conftest import (
    APPROVER,
    DRAFTER,
    OTHER_APPROVER,
    OUTSIDER,
    Q2_COST,
    Q3_COST,
    make_case,
)

NOW = datetime(2018, 3, 8, 10, 0, tzinfo=timezone.utc)
HOURS = "1,144 records at 3 minutes each = 57 hours"
ADVICE = "You could ask for the number of Outcome 21s only, which we can extract within the limit."


def case_row(ctx, reference: str) -> Case:
    with session_scope(ctx.engine) as session:
        return get_case(session, reference)


def drafts(ctx, reference: str) -> list[Draft]:
    with session_scope(ctx.engine) as session:
        case = get_case(session, reference)
        return list(session.exec(select(Draft).where(Draft.case_id == case.id).order_by(Draft.version)).all())


def events(ctx, reference: str) -> list[str]:
    with session_scope(ctx.engine) as session:
        return [e.kind for e in case_events(session, get_case(session, reference).id)]


def answer_seed(ctx, reference: str) -> None:
    for line in (f"answer {reference} 1 88", f"answer {reference} 2 {Q2_COST}", f"answer {reference} Q3 {Q3_COST}",
                 f"exempt {reference} s12 Q2 Q3 Q4", f"answer {reference} hours {HOURS}",
                 f"answer {reference} advice {ADVICE}"):
        reply = run(ctx, line, user=DRAFTER)
        assert not reply.is_error, reply.text


def test_the_commands_are_registered_with_help() -> None:
    load_families()
    for name in ("answer", "exempt", "draft", "approve", "changes", "sent"):
        assert name in COMMANDS and COMMANDS[name].family == "commands.drafts"


def test_answers_are_stored_multi_line_and_overwritten(dctx) -> None:
    reference = make_case(dctx)
    table = "Offence  Total\n-------  -----\nA           3\nTotal       3"
    reply = run(dctx, f"answer {reference} 2a The figures:\n\n{table}", user=DRAFTER)
    assert reply.text == f"The answer to Q2a is stored for {reference}."
    run(dctx, f"answer {reference} 1 87", user=DRAFTER)
    run(dctx, f"answer {reference} q1 88", user=DRAFTER)
    run(dctx, f"answer {reference} hours about 186 hours (3,715 records at 3 minutes each)", user=DRAFTER)
    with session_scope(dctx.engine) as session:
        stored = answers_for(session, get_case(session, reference).id)
    assert stored["2a"].text == f"The figures:\n\n{table}" and stored["1"].text == "88"
    assert stored["hours"].text.startswith("about 186 hours")
    with session_scope(dctx.engine) as session:  # as the statistics family may write it
        set_answer(session, get_case(session, reference), "2(b)", table, source="stats:outcome-usage", author="U_X")
    posted = run(dctx, f"draft {reference} date:2018-03-08", user=DRAFTER).thread_posts[0].text
    assert f"**Q2b** –\n```\n{table}\n```" in posted and "Q2(b)" not in posted
    warned = run(dctx, f"answer {reference} 7 something", user=DRAFTER)
    assert "has no question 7 on record" in warned.text
    assert run(dctx, f"answer {reference} banana 88").is_error
    assert "Write the answer" in run(dctx, f"answer {reference} 3").text


def test_exemptions_are_checked_against_the_cases_regime(dctx) -> None:
    reference = make_case(dctx)
    reply = run(dctx, f"exempt {reference} s40(2) Q4a", user=DRAFTER)
    assert "Recorded s.40(2) Personal information (third parties)" in reply.text and "absolute" in reply.text
    assert "already recorded" in run(dctx, f"exempt {reference} section 40(2) Q4a").text
    wrong = run(dctx, f"exempt {reference} s40 Q2")
    assert wrong.is_error and "Close matches: s.40(1)" in wrong.text and "s.40(2)" in wrong.text
    listed = run(dctx, f"exempt {reference}").text
    assert "s.40(2) Personal information (third parties) (Q4a)" in listed
    assert "Removed" in run(dctx, f"exempt {reference} remove s40(2) Q4a").text
    eir = make_case(dctx, regime="eir")
    refused = run(dctx, f"exempt {eir} s12")
    assert refused.is_error and "reg 12(4)(b)" in refused.text
    assert "Recorded reg 12(5)(b)" in run(dctx, f"exempt {eir} reg 12(5)(b)").text
    assert "exemption" in events(dctx, reference) and "exemption-removed" in events(dctx, reference)


def test_versions_say_what_changed_and_gaps_block_approval(dctx) -> None:
    reference = make_case(dctx)
    run(dctx, f"answer {reference} 1 88", user=DRAFTER)
    first = run(dctx, f"draft {reference} response date:2018-03-08", user=DRAFTER)
    assert first.text == f"Draft v1 of {reference} (Response) is in the case thread."
    [post] = first.thread_posts
    assert post.reference == reference and "Still needed before approval: Q2a, Q2b, Q3, Q4a, Q4b" in post.text
    assert [a.filename for a in post.attachments] == [f"{reference.replace('/', '-')}-response-v1.docx",
                                                      f"{reference.replace('/', '-')}-response-v1.md"]
    assert [a.action_id for a in post.actions] == [APPROVE_ACTION, "draft_changes", "draft_regenerate", "draft_edit"]
    assert post.actions[0].value == f"{reference} v1"
    blocked = run(dctx, f"approve {reference}", user=APPROVER)
    assert blocked.is_error and "cannot be approved while it has gaps: Q2a, Q2b, Q3, Q4a, Q4b" in blocked.text

    answer_seed(dctx, reference)
    second = run(dctx, f"draft {reference}", user=DRAFTER)  # regenerate: same letter, same date
    text = second.thread_posts[0].text
    assert "Draft v2 of" in text and "Changes since v1:" in text and "+ Q3 – As detailed above" in text
    assert "8th March 2018" in text and "− Q3 – [ANSWER NEEDED: Q3]" in text
    assert "ANSWER NEEDED" not in drafts(dctx, reference)[-1].text
    again = run(dctx, f"draft {reference}", user=DRAFTER)
    assert again.text == f"No change since v2 of {reference}: nothing new was posted." and not again.thread_posts
    assert [(d.version, d.state) for d in drafts(dctx, reference)] == [(1, "superseded"), (2, "draft")]


def test_only_approvers_other_than_the_drafter_approve(dctx) -> None:
    reference = make_case(dctx)
    answer_seed(dctx, reference)
    run(dctx, f"draft {reference} date:2018-03-08", user=APPROVER)  # an approver drafted this one
    outsider = run(dctx, f"approve {reference}", user=OUTSIDER)
    assert outsider.is_error and "Only approvers can approve letters" in outsider.text
    own = run(dctx, f"approve {reference}", user=APPROVER)
    assert own.is_error and "You made v1, so another approver must approve it" in own.text
    run(dctx, f"answer {reference} 1 88 (eighty-eight)", user=DRAFTER)
    run(dctx, f"draft {reference}", user=DRAFTER)  # v2, made by the drafter
    stale = run(dctx, f"approve {reference} v1", user=OTHER_APPROVER)
    assert stale.is_error and "v1 of FOI2018/00001 has been replaced by v2" in stale.text
    approved = run(dctx, f"approve {reference} v2", user=OTHER_APPROVER)
    assert not approved.is_error and approved.text == f"Approved v2 of {reference}."
    assert approved.thread_posts[0].actions[0].action_id == SENT_ACTION
    twice = run(dctx, f"approve {reference}", user=APPROVER)
    assert not twice.is_error and "already approved by @U_CAROL" in plain(twice.text)
    [approval] = [e for e in events(dctx, reference) if e == "draft-approved"]
    assert approval
    [_v1, v2] = drafts(dctx, reference)
    assert v2.state == "approved" and v2.approved_by == OTHER_APPROVER and v2.approved_at is not None


def test_drafter_may_approve_when_the_force_allows_it(dctx) -> None:
    dctx.settings.drafter_may_approve = True
    reference = make_case(dctx)
    answer_seed(dctx, reference)
    run(dctx, f"draft {reference} date:2018-03-08", user=APPROVER)
    assert not run(dctx, f"approve {reference}", user=APPROVER).is_error


def test_no_approvers_configured_means_nobody_approves(ctx) -> None:
    reference = make_case(ctx)
    answer_seed(ctx, reference)
    run(ctx, f"draft {reference}", user=DRAFTER)
    refused = run(ctx, f"approve {reference}", user=APPROVER)
    assert refused.is_error and "No approvers are configured: set FOI_APPROVERS" in refused.text


def test_marking_the_response_sent_opens_the_review_window(dctx) -> None:
    reference = make_case(dctx)
    answer_seed(dctx, reference)
    run(dctx, f"draft {reference} response date:2018-03-08", user=DRAFTER)
    assert "is not approved yet" in run(dctx, f"sent {reference}", user=DRAFTER).text
    run(dctx, f"approve {reference}", user=APPROVER)
    sent = run(dctx, f"sent {reference}", user=DRAFTER)
    assert not sent.is_error, sent.text
    assert sent.refresh_cards == [reference]
    assert "The requester may ask for an internal review until Tue 8 May 2018." in sent.thread_posts[0].text
    case = case_row(dctx, reference)
    assert (case.responded, case.status, case.response_outcome) == (date(2018, 3, 8), "responded", "part")
    assert case.review_request_by == date(2018, 5, 8)
    assert case.working_days_taken == 19  # 9 Feb (day 0) to 8 Mar: the figure the timeliness statistics use
    assert events(dctx, reference)[-1] == "letter-sent"
    assert "already marked as sent" in run(dctx, f"sent {reference}", user=DRAFTER).text
    assert drafts(dctx, reference)[-1].state == "sent"


def test_a_full_disclosure_is_granted_and_a_refusal_refused(dctx) -> None:
    granted = make_case(dctx, questions=[{"number": "1", "text": "How many?", "parts": []}])
    run(dctx, f"answer {granted} 1 88", user=DRAFTER)
    run(dctx, f"draft {granted} date:2018-03-08", user=DRAFTER)
    run(dctx, f"approve {granted}", user=APPROVER)
    run(dctx, f"sent {granted} 2018-03-09", user=DRAFTER)
    case = case_row(dctx, granted)
    assert (case.response_outcome, case.responded) == ("granted", date(2018, 3, 9))
    refused = make_case(dctx)
    run(dctx, f"exempt {refused} s31", user=DRAFTER)
    run(dctx, f"draft {refused} refusal date:2018-03-08", user=DRAFTER)
    run(dctx, f"approve {refused}", user=APPROVER)
    run(dctx, f"sent {refused}", user=DRAFTER)
    assert case_row(dctx, refused).response_outcome == "refused"


def test_sending_a_clarification_or_fees_notice_stops_the_clock(dctx) -> None:
    reference = make_case(dctx)
    run(dctx, f"answer {reference} clarify Which force area do you mean?", user=DRAFTER)
    run(dctx, f"draft {reference} clarification date:2018-02-12", user=DRAFTER)
    run(dctx, f"approve {reference}", user=APPROVER)
    run(dctx, f"sent {reference}", user=DRAFTER)
    case = case_row(dctx, reference)
    assert (case.status, case.clarification_sought, case.due) == ("awaiting clarification", date(2018, 2, 12), None)

    fees = make_case(dctx)
    run(dctx, f"draft {fees} fees-notice date:2018-02-12", user=DRAFTER)
    assert "gaps: fee" in run(dctx, f"approve {fees}", user=APPROVER).text
    run(dctx, f"answer {fees} fee 25", user=DRAFTER)
    run(dctx, f"draft {fees}", user=DRAFTER)
    run(dctx, f"approve {fees}", user=APPROVER)
    run(dctx, f"sent {fees}", user=DRAFTER)
    case = case_row(dctx, fees)
    assert (case.status, case.fee_notice, case.due) == ("awaiting fee", date(2018, 2, 12), None)


def test_sending_an_extension_records_the_clocks_date(dctx) -> None:
    reference = make_case(dctx)
    run(dctx, f"exempt {reference} s31", user=DRAFTER)
    posted = run(dctx, f"draft {reference} extension date:2018-03-05", user=DRAFTER)
    # 20 further working days after 9 March, Easter skipped (the Code of Practice outer limit).
    assert "respond to you by 11th April 2018" in posted.thread_posts[0].text
    run(dctx, f"approve {reference}", user=APPROVER)
    run(dctx, f"sent {reference}", user=DRAFTER)
    case = case_row(dctx, reference)
    assert (case.status, case.extended, case.extended_until) == ("extended", True, date(2018, 4, 11))
    assert case.extended_due == date(2018, 4, 11)


def test_review_letters_on_an_internal_review_case(dctx) -> None:
    original = make_case(dctx)
    with session_scope(dctx.engine) as session:
        parent_id = get_case(session, original).id
    review = make_case(dctx, received=date(2018, 3, 20), parent_id=parent_id, request_text="Please review.")
    assert review.startswith("IR2018/")
    ack = run(dctx, f"draft {review} review-acknowledgement date:2018-03-21", user=DRAFTER)
    assert f"internal review of our response to your request {original}" in ack.thread_posts[0].text
    assert "outcome by 19th April 2018" in ack.thread_posts[0].text
    run(dctx, f"answer {review} outcome upheld", user=DRAFTER)
    outcome = run(dctx, f"draft {review} review-outcome date:2018-04-12", user=DRAFTER)
    assert "review-outcome" in outcome.thread_posts[0].attachments[0].filename
    assert "The review has upheld the original decision." in outcome.thread_posts[0].text
    run(dctx, f"approve {review}", user=APPROVER)
    run(dctx, f"sent {review}", user=DRAFTER)
    case, parent = case_row(dctx, review), case_row(dctx, original)
    assert (case.reviewed, case.review_outcome, case.status) == (date(2018, 4, 12), "upheld", "responded")
    assert (parent.review_outcome, parent.status) == ("upheld", "closed")


def test_bad_draft_requests_say_what_is_wrong(dctx) -> None:
    reference = make_case(dctx)
    assert "is not a letter template" in run(dctx, f"draft {reference} sonnet").text
    assert "does not apply to FOISA" in run(dctx, f"draft {make_case(dctx, regime='foisa')} extension").text
    assert "is before the request was received" in run(dctx, f"draft {reference} date:2018-01-01").text
    assert "is in the future" in run(dctx, f"draft {reference} date:2999-01-01").text
    assert "`2018-02-30` is not a valid letter date" in run(dctx, f"draft {reference} date:2018-02-30").text
    assert "has no draft yet" in run(dctx, f"approve {reference}", user=APPROVER).text
    sar = make_case(dctx, regime="sar")
    assert "(Acknowledgement)" in run(dctx, f"draft {sar} date:2018-02-12", user=DRAFTER).text
    assert "does not apply to SAR" in run(dctx, f"draft {sar} response", user=DRAFTER).text


def test_thread_replies_answer_questions_and_become_review_comments(dctx) -> None:
    reference = make_case(dctx)
    assert handle_thread_reply(dctx, reference, DRAFTER, "Looks good so far", "1.1", NOW) is None  # no draft yet
    reply = handle_thread_reply(dctx, reference, DRAFTER, "Q1: 88\nQ2a: 3\nacross two lines\nQ 2b: 0", "1.2", NOW)
    assert reply is not None and "Stored the answer to Q1, Q2a, Q2b" in reply.text
    with session_scope(dctx.engine) as session:
        stored = answers_for(session, get_case(session, reference).id)
    assert stored["2a"].text == "3\nacross two lines" and stored["2a"].source == "thread"
    run(dctx, f"draft {reference} date:2018-03-08", user=DRAFTER)
    comment = handle_thread_reply(dctx, reference, APPROVER, "Q2 wording is too long", "1.3", NOW)
    assert comment is not None and comment.text == f"Noted as a review comment on draft v1 of {reference}."
    assert handle_thread_reply(dctx, reference, APPROVER, "Q2 wording is too long", "1.3", NOW) is None  # retry
    hint = handle_thread_reply(dctx, reference, DRAFTER, "Q3: 622", "1.4", NOW)
    assert hint is not None and "Press Regenerate on draft v1" in hint.text
    dctx.is_team_member = lambda user: user != OUTSIDER
    assert handle_thread_reply(dctx, reference, OUTSIDER, "Q3: 1", "1.5", NOW) is None
    assert handle_thread_reply(dctx, "FOI2018/09999", DRAFTER, "Q3: 1", "1.6", NOW) is None
    with session_scope(dctx.engine) as session:
        comments = session.exec(select(DraftComment)).all()
    assert [(c.author, c.kind, c.text, c.message_ts) for c in comments] == [
        (APPROVER, "comment", "Q2 wording is too long", "1.3")]


def test_requesting_changes_then_editing_by_hand(dctx) -> None:
    reference = make_case(dctx)
    answer_seed(dctx, reference)
    run(dctx, f"draft {reference} date:2018-03-08", user=DRAFTER)
    changes = run(dctx, f"changes {reference} v1 Say 'un-audited' at the end", user=APPROVER)
    assert "requested changes to draft v1" in changes.thread_posts[0].text
    assert drafts(dctx, reference)[0].state == "changes"
    version, text, title = draft_for_edit(dctx, reference, 1)
    assert (version, title) == (1, "Response")
    edited = text.replace("**Q1** – 88", "**Q1** – 88 (eighty-eight)")
    reply = save_edited_draft(dctx, reference, base_version=1, user=DRAFTER, text=edited, now=NOW)
    post = reply.thread_posts[0].text
    assert "Draft v2 of" in post and "(edited by hand)" in post and "+ Q1 – 88 (eighty-eight)" in post
    [v1, v2] = drafts(dctx, reference)
    assert (v1.state, v2.state, v2.edited, v2.text) == ("superseded", "draft", True, edited)
    assert "No change" in save_edited_draft(dctx, reference, base_version=2, user=DRAFTER, text=edited, now=NOW).text
    stale = run(dctx, f"approve {reference} v1", user=APPROVER)
    assert "has been replaced by v2" in stale.text
    run(dctx, f"approve {reference} v2", user=APPROVER)
    sent = run(dctx, f"sent {reference} v2", user=DRAFTER)  # the edit keeps the letter date
    assert "marked as sent on Thu 8 Mar 2018" in sent.text
    assert "is sent" in request_changes_error(dctx, reference)


def request_changes_error(ctx, reference: str) -> str:
    try:
        request_changes(ctx, reference, version=None, user=APPROVER, text="x", now=NOW)
    except Exception as exc:  # noqa: BLE001 - the CommandError's text is the point
        return str(exc)
    return ""
