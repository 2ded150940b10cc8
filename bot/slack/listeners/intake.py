"""Requests arriving as messages: the intake channel, follow-ups in case threads, and their buttons.

Slack retries events (up to three times) and people double-click: an event id is handled once, a message
(channel + ts) gets one proposal and registers at most one case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import select

from bot.slack.blocks import actions_block, section
from bot.slack.listeners.actions import invocation_from_action
from bot.slack.modals import registration_modal
from bot.slack.surface import SlackSurface, slack_error
from commands.base import Action, CommandContext, Reply
from commands.intake import new_case_from_proposal, proposal_actions, proposal_lines, propose, readable
from commands.registration import register_case
from commands.registry import dispatch
from commands.rules.clock import ClockError
from commands.rules.request_text import classify_follow_up, find_references
from storage.cases import claim_delivery, get_case, get_case_by_thread
from storage.db import session_scope
from storage.models import CaseStatus, IntakeProposal, SlackDelivery
from storage.references import normalise_reference

log = logging.getLogger(__name__)

IGNORED_SUBTYPES = {"bot_message", "message_changed", "message_deleted", "channel_join", "channel_leave",
                    "channel_topic", "channel_purpose", "channel_name", "thread_broadcast", "pinned_item"}

#: Called for a reply in a case thread that is neither a review request nor a clarification:
#: (ctx, reference, user, text, ts, now) -> Reply | None. The drafts family registers itself here.
THREAD_REPLY_HANDLERS: list[Callable[..., Reply | None]] = []
#: Called for a reply in a case thread that carries files: (ctx, surface, client, event, reference) -> True when
#: it dealt with the message (the drafts family encloses documents as annexes).
THREAD_FILE_HANDLERS: list[Callable[..., bool]] = []


def message_text(event: dict[str, Any]) -> str:
    """The message and any email or text file Slack attached (forwarded emails arrive as `email` files)."""
    parts = [event.get("text") or ""]
    for file in event.get("files") or []:
        body = file.get("plain_text") or file.get("preview_plain_text") or file.get("preview") or ""
        headers = file.get("headers") or {}
        header_lines = [f"{k.capitalize()}: {headers[k]}" for k in ("from", "date", "subject") if headers.get(k)]
        if file.get("subject") and not headers.get("subject"):
            header_lines.append(f"Subject: {file['subject']}")
        if body or header_lines:
            parts.append("\n".join(header_lines + [body]))
    return "\n\n".join(p for p in parts if p.strip())


def message_time(ts: str | None) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts or ""), tz=timezone.utc)
    except ValueError:
        return datetime.now(timezone.utc)


def register(app: App, ctx: CommandContext, surface: SlackSurface) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def on_message(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id"):
            return
        event_key = f"event:{body.get('event_id') or event.get('client_msg_id') or event.get('ts')}"
        with session_scope(ctx.engine) as session:
            if not claim_delivery(session, event_key):
                return
        try:
            _handle_message(ctx, surface, client, event)
        except Exception:
            with session_scope(ctx.engine) as session:  # let Slack's retry try again
                claim = session.get(SlackDelivery, event_key)
                if claim is not None:
                    session.delete(claim)
            raise

    app.event("message")(ack=acknowledge, lazy=[on_message])

    def register_clicked(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        user = body["user"]["id"]
        proposal_id = int(body["actions"][0]["value"])
        with session_scope(ctx.engine) as session:
            row = session.get(IntakeProposal, proposal_id)
            if row is None:
                respond(text="That proposal no longer exists.", response_type="ephemeral", replace_original=False)
                return
            channel, ts, text, state, reply_ts = row.channel_id, row.message_ts, row.text, row.state, row.reply_ts
        if state == "dismissed":
            respond(text="This message was marked as not a request.", response_type="ephemeral", replace_original=False)
            return
        today = datetime.now(ctx.tz).date()
        proposal = propose(ctx, text, today=today, message_time=message_time(ts))
        new = new_case_from_proposal(proposal, text, today=today, default_regime=ctx.settings.profile.default_regime)
        new.source_channel, new.source_ts = channel, ts
        try:
            case, created = register_case(ctx, new, actor=user)
        except ClockError as exc:
            respond(text=f"Nothing was registered: {exc}", response_type="ephemeral", replace_original=False)
            return
        mark_proposal(ctx, proposal_id, "registered", case.id)
        if created:
            surface.post_case_card(case.reference, fallback_channel=channel, user=user)
        _replace_proposal(client, channel, reply_ts, f"Registered as *{case.reference}* by <@{user}>.")
        if not created:
            respond(text=f"Already registered as {case.reference}.", response_type="ephemeral", replace_original=False)

    def edit_clicked(body: dict[str, Any], client: WebClient) -> None:
        proposal_id = int(body["actions"][0]["value"])
        with session_scope(ctx.engine) as session:
            row = session.get(IntakeProposal, proposal_id)
            if row is None:
                return
            channel, ts, text = row.channel_id, row.message_ts, row.text
        today = datetime.now(ctx.tz).date()
        proposal = propose(ctx, text, today=today, message_time=message_time(ts))
        open_registration_form(ctx, client, body["trigger_id"], proposal, text, today=today,
                               metadata={"channel": channel, "ts": ts, "proposal": proposal_id})

    def dismiss_clicked(body: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        proposal_id = int(body["actions"][0]["value"])
        with session_scope(ctx.engine) as session:
            row = session.get(IntakeProposal, proposal_id)
            if row is None or row.state != "proposed":
                return
            row.state = "dismissed"
            session.add(row)
            channel, reply_ts = row.channel_id, row.reply_ts
        _replace_proposal(client, channel, reply_ts, f"Marked as not a request by <@{user}>.")

    def follow_up_clicked(body: dict[str, Any], respond: Respond) -> None:
        action = body["actions"][0]
        reference, _, day = action["value"].partition("|")
        verb = "review" if action["action_id"] == "intake_review" else "clarified"
        invocation = invocation_from_action(body, f"{verb} {reference} {day}")
        reply = dispatch(ctx, invocation)
        surface.deliver(reply, user=invocation.user, channel=invocation.channel, thread_ts=invocation.thread_ts,
                        respond=respond)

    app.action("intake_register")(ack=acknowledge, lazy=[register_clicked])
    app.action("intake_edit")(ack=acknowledge, lazy=[edit_clicked])
    app.action("intake_dismiss")(ack=acknowledge, lazy=[dismiss_clicked])
    app.action("intake_review")(ack=acknowledge, lazy=[follow_up_clicked])
    app.action("intake_clarified")(ack=acknowledge, lazy=[follow_up_clicked])


def open_registration_form(ctx: CommandContext, client: WebClient, trigger_id: str, proposal: Any, text: str, *,
                           today: Any, metadata: dict[str, Any]) -> None:
    new = new_case_from_proposal(proposal, text, today=today, default_regime=ctx.settings.profile.default_regime)
    prefill = {"received": new.received.isoformat(), "regime": new.regime, "subject": new.subject[:200]}
    view = registration_modal(text=text, received=new.received, regime=new.regime, subject=new.subject,
                              requester_name=new.requester_name or "", requester_email=new.requester_email or "",
                              metadata={**metadata, "prefill": prefill},
                              notes=[f"Regime guess: {proposal.regime.reason}", *proposal.problems])
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        log.warning("registration form not opened: %s", slack_error(exc))


def _handle_message(ctx: CommandContext, surface: SlackSurface, client: WebClient, event: dict[str, Any]) -> None:
    channel, ts = event.get("channel", ""), event.get("ts", "")
    thread_ts = event.get("thread_ts")
    text = message_text(event)
    when = message_time(ts)
    day = when.astimezone(ctx.tz).date()
    if thread_ts and thread_ts != ts:
        with session_scope(ctx.engine) as session:
            case = get_case_by_thread(session, channel, thread_ts)
            if case is None:
                return
            reference, status = case.reference, case.status
        _follow_up_in_thread(ctx, surface, client, event, reference, status, text, day, when)
        return
    if channel != ctx.settings.intake_channel:
        _quoted_review_request(ctx, client, channel, ts, text, day)
        return
    if _quoted_review_request(ctx, client, channel, ts, text, day):
        return
    _propose(ctx, surface, client, channel, ts, text, day, when)


def _follow_up_in_thread(ctx: CommandContext, surface: SlackSurface, client: WebClient, event: dict[str, Any],
                         reference: str, status: str, text: str, day: Any, when: datetime) -> None:
    if event.get("files") and any(handler(ctx, surface, client, event, reference) for handler in THREAD_FILE_HANDLERS):
        return
    kind = classify_follow_up(text)
    channel, thread_ts = event["channel"], event["thread_ts"]
    if kind == "internal_review" and status in (CaseStatus.RESPONDED, CaseStatus.CLOSED):
        _post(client, channel, thread_ts, f"This looks like a request for an internal review of {reference}, received {day}.",
              [Action("intake_review", "Open internal review", f"{reference}|{day.isoformat()}", style="primary")])
        return
    if kind == "clarification" or status == CaseStatus.AWAITING_CLARIFICATION:
        if status == CaseStatus.AWAITING_CLARIFICATION:
            _post(client, channel, thread_ts, f"This looks like the requester's clarification for {reference}, received {day}.",
                  [Action("intake_clarified", "Clarification received", f"{reference}|{day.isoformat()}", style="primary")])
            return
    for handler in THREAD_REPLY_HANDLERS:
        reply = handler(ctx, reference, event.get("user", ""), text, event.get("ts", ""), when)
        if reply is not None:
            surface.deliver(reply, user=event.get("user", ""), channel=channel, thread_ts=thread_ts)
            return


def _quoted_review_request(ctx: CommandContext, client: WebClient, channel: str, ts: str, text: str, day: Any) -> bool:
    """A top-level message quoting one of our references and asking for a review is proposed as one."""
    if classify_follow_up(text) != "internal_review":
        return False
    for found in find_references(text):
        reference = normalise_reference(getattr(found, "text", found))
        if reference is None:
            continue
        with session_scope(ctx.engine) as session:
            case = get_case(session, reference)
            if case is None or case.parent_id is not None:
                continue
        _post(client, channel, ts, f"This looks like a request for an internal review of {reference}, received {day}.",
              [Action("intake_review", "Open internal review", f"{reference}|{day.isoformat()}", style="primary")])
        return True
    return False


def _propose(ctx: CommandContext, surface: SlackSurface, client: WebClient, channel: str, ts: str, text: str,
             day: Any, when: datetime) -> None:
    proposal = propose(ctx, text, today=day, message_time=when)
    if not text.strip() or not readable(proposal):
        why = "; ".join(proposal.problems) or "the message has no text"
        _post(client, channel, ts, f"I could not read a request here ({why}). Use the message shortcut "
              "*Register FOI request* to register it by hand.", [])
        return
    with session_scope(ctx.engine) as session:
        existing = session.exec(select(IntakeProposal).where(IntakeProposal.channel_id == channel,
                                                             IntakeProposal.message_ts == ts)).first()
        if existing is not None:
            return
        row = IntakeProposal(channel_id=channel, message_ts=ts, text=text, proposal=_stored(proposal))
        session.add(row)
        session.flush()
        proposal_id = row.id
    if ctx.settings.auto_register:
        new = new_case_from_proposal(proposal, text, today=day, default_regime=ctx.settings.profile.default_regime)
        new.source_channel, new.source_ts = channel, ts
        case, created = register_case(ctx, new, actor="foi-bot")
        mark_proposal(ctx, proposal_id, "registered", case.id)
        if created:
            surface.post_case_card(case.reference, fallback_channel=channel)
        _post(client, channel, ts, f"Registered automatically as *{case.reference}*.", [])
        return
    lines = proposal_lines(proposal)
    reply_ts = _post(client, channel, ts, "*Proposed case* — check it, then Register:\n" + "\n".join(lines),
                     proposal_actions(proposal_id))
    with session_scope(ctx.engine) as session:
        row = session.get(IntakeProposal, proposal_id)
        if row is not None:
            row.reply_ts = reply_ts
            session.add(row)


def _stored(proposal: Any) -> dict[str, Any]:
    """What is kept of a proposal; the requester's details stay out (they go to the case when registered)."""
    data = proposal.as_json()
    data.pop("requester", None)
    return data


def mark_proposal(ctx: CommandContext, proposal_id: int, state: str, case_id: int | None) -> None:
    with session_scope(ctx.engine) as session:
        row = session.get(IntakeProposal, proposal_id)
        if row is not None:
            row.state, row.case_id = state, case_id
            session.add(row)


def _post(client: WebClient, channel: str, thread_ts: str, text: str, actions: list[Action]) -> str | None:
    blocks: list[dict[str, Any]] = [section(text)]
    if actions:
        blocks.append(actions_block(actions))
    try:
        response = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text[:3000], blocks=blocks)
        return response["ts"]
    except SlackApiError as exc:
        log.warning("intake reply not posted: %s", slack_error(exc))
        return None


def _replace_proposal(client: WebClient, channel: str, reply_ts: str | None, text: str) -> None:
    if not reply_ts:
        return
    try:
        client.chat_update(channel=channel, ts=reply_ts, text=text, blocks=[section(text)])
    except SlackApiError as exc:
        log.warning("intake proposal not updated: %s", slack_error(exc))

