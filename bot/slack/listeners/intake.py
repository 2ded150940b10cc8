"""Requests arriving as messages: the intake channel, follow-ups in case threads, and their buttons.

Slack retries events (up to three times) and people double-click: an event id becomes one job (its key),
a message (channel + ts) gets one proposal and registers at most one case. Everything the bot says back
is owed through the outbox in the same transaction as the proposal or the case, so a proposal whose post
failed is retried until it lands instead of leaving the request unseen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from slack_sdk import WebClient
from sqlmodel import select

from bot.slack.files import shared_files
from bot.slack.forms import form_for_message
from bot.slack.routes import Routes, SlackJob
from bot.slack.text import decode
from commands.base import Action, CommandContext, Invocation, Reply
from commands.intake import (
    NOT_PROPOSED,
    intake_reply,
    new_case_from_proposal,
    propose,
    readable,
    separate_requests,
    should_propose,
)
from commands.markup import user_ref
from commands.registration import register_case
from commands.registry import dispatch
from commands.rules.clock import ClockError
from commands.rules.intake import classify_follow_up, find_references
from storage.cases import get_case, get_case_by_thread
from storage.db import session_scope
from storage.models import CaseStatus, IntakeProposal
from storage.references import normalise_reference

log = logging.getLogger(__name__)

#: Message subtypes that are not a person writing something new. ``thread_broadcast`` ("also send to
#: channel") is a reply like any other and is read.
IGNORED_SUBTYPES = {"bot_message", "message_changed", "message_deleted", "channel_join", "channel_leave",
                    "channel_topic", "channel_purpose", "channel_name", "pinned_item", "unpinned_item",
                    "channel_archive", "channel_unarchive", "group_join", "group_leave", "ekm_access_denied",
                    "reminder_add", "tombstone"}

#: Called for a reply in a case thread that carries files: (job, event, reference) -> True when it dealt with
#: the message (the drafts family encloses documents as annexes).
THREAD_FILE_HANDLERS: list[Callable[..., bool]] = []

#: Called for a reply in a case thread that is neither a review request nor a clarification:
#: (ctx, reference, user, text, ts, now) -> Reply | None. The drafts family registers itself here.
THREAD_REPLY_HANDLERS: list[Callable[..., Reply | None]] = []
#: Called for a reply in a case thread that carries files: (ctx, surface, client, event, reference) -> True when
#: it dealt with the message (the drafts family encloses documents as annexes).
THREAD_FILE_HANDLERS: list[Callable[..., bool]] = []


def message_text(event: dict[str, Any]) -> str:
    """The message and any email or text file Slack attached (forwarded emails arrive as `email` files),
    decoded from Slack's markup to what the person wrote."""
    parts = [decode(event.get("text") or "")]
    for file in event.get("files") or []:
        body = file.get("plain_text") or file.get("preview_plain_text") or file.get("preview") or ""
        headers = file.get("headers") or {}
        header_lines = [f"{k.capitalize()}: {headers[k]}" for k in ("from", "date", "subject") if headers.get(k)]
        if file.get("subject") and not headers.get("subject"):
            header_lines.append(f"Subject: {file['subject']}")
        if body or header_lines:
            parts.append(decode("\n".join(header_lines + [body])))
    return "\n\n".join(p for p in parts if p.strip())


def message_time(ts: str | None) -> datetime:
    """The message's time from its ts; a "ts#2" key (the second request in one message) reads as the ts."""
    try:
        return datetime.fromtimestamp(float((ts or "").split("#", 1)[0]), tz=timezone.utc)
    except ValueError:
        return datetime.now(timezone.utc)


def wanted(event: dict[str, Any]) -> bool:
    """Cheap, on the request thread: people's new messages and replies only."""
    return event.get("subtype") not in IGNORED_SUBTYPES and not event.get("bot_id")


def invocation_from_action(job: SlackJob, text: str) -> Invocation:
    body = job.body
    container = body.get("container") or {}
    return Invocation(
        user=body["user"]["id"],
        text=text,
        now=job.now,
        surface="slack",
        channel=(body.get("channel") or {}).get("id") or container.get("channel_id"),
        thread_ts=container.get("thread_ts") or container.get("message_ts"),
        trigger_id=body.get("trigger_id"),
    )


def run_clicked(job: SlackJob, text: str) -> Reply:
    """A button as a command: the clicker gets the answer alone; thread posts go to the case's thread."""
    invocation = invocation_from_action(job, text)
    reply = dispatch(job.ctx, invocation)
    reply.ephemeral = True
    job.out.reply(reply, user=invocation.user, channel=invocation.channel, thread_ts=invocation.thread_ts,
                  response_url=job.body.get("response_url"))
    return reply


def register(routes: Routes) -> None:
    ctx = routes.ctx
    routes.event("message", on_message, wanted=wanted)
    routes.action("intake_register", register_clicked)
    routes.action("intake_dismiss", dismiss_clicked)
    routes.action("intake_review", follow_up_clicked)
    routes.action("intake_clarified", follow_up_clicked)

    def edit_clicked(body: dict[str, Any], client: WebClient) -> None:
        proposal_id = int(body["actions"][0]["value"])
        with session_scope(ctx.engine) as session:
            row = session.get(IntakeProposal, proposal_id)
            if row is None:
                return
            channel, ts, text = row.channel_id, row.message_ts, row.text
        form_for_message(ctx, client, body["trigger_id"], text=text, when=message_time(ts),
                         metadata={"channel": channel, "ts": ts}, proposal_id=proposal_id)

    routes.action("intake_edit", fast=edit_clicked)


def on_message(job: SlackJob) -> None:
    event = job.body.get("event") or {}
    ctx = job.ctx
    channel, ts = event.get("channel", ""), event.get("ts", "")
    thread_ts = event.get("thread_ts")
    text = message_text(event)
    file_problems: list[str] = []
    if channel == ctx.settings.intake_channel and not (thread_ts and thread_ts != ts):
        for shared in shared_files(event, job.client.token, api_url=ctx.settings.slack_api_url):
            if shared.extracted.readable:
                text = "\n\n".join(part for part in (text, decode(shared.extracted.text)) if part.strip())
            else:
                file_problems.append(f"{shared.name}: {shared.extracted.problem}")
    when = message_time(ts)
    day = when.astimezone(ctx.tz).date()
    if thread_ts and thread_ts != ts:
        case = get_case_by_thread(job.session, channel, thread_ts)
        if case is None:
            return
        _follow_up_in_thread(job, event, case.reference, case.status, text, day, when)
        return
    if channel != ctx.settings.intake_channel:
        _quoted_review_request(job, channel, ts, text, day)
        return
    if _quoted_review_request(job, channel, ts, text, day):
        return
    if not text.strip() and file_problems:
        job.out.post("I could not read a request here (" + "; ".join(file_problems) + "). Use the message shortcut "
                     "*Register FOI request* to register it by hand.", channel=channel, thread_ts=ts)
        return
    parts = separate_requests(text) or [text]
    for index, part in enumerate(parts):
        key = ts if index == 0 else f"{ts}#{index + 1}"
        _propose(job, channel, key, part, day, when, thread_ts=ts, several=len(parts) > 1)


def _follow_up_in_thread(job: SlackJob, event: dict[str, Any], reference: str, status: str, text: str, day: Any,
                         when: datetime) -> None:
    if event.get("files") and any(handler(job, event, reference) for handler in THREAD_FILE_HANDLERS):
        return
    kind = classify_follow_up(text)
    channel, thread_ts = event["channel"], event["thread_ts"]
    if kind == "internal_review" and status in (CaseStatus.RESPONDED, CaseStatus.CLOSED):
        job.out.post(f"This looks like a request for an internal review of {reference}, received {day}.",
                     channel=channel, thread_ts=thread_ts,
                     actions=[Action("intake_review", "Open internal review", f"{reference}|{day.isoformat()}",
                                     style="primary")])
        return
    if status == CaseStatus.AWAITING_CLARIFICATION:
        job.out.post(f"This looks like the requester's clarification for {reference}, received {day}.",
                     channel=channel, thread_ts=thread_ts,
                     actions=[Action("intake_clarified", "Clarification received", f"{reference}|{day.isoformat()}",
                                     style="primary")])
        return
    for handler in THREAD_REPLY_HANDLERS:
        reply = handler(job.ctx, reference, event.get("user", ""), text, event.get("ts", ""), when)
        if reply is not None:
            job.out.reply(reply, user=event.get("user", ""), channel=channel, thread_ts=thread_ts)
            return


def _quoted_review_request(job: SlackJob, channel: str, ts: str, text: str, day: Any) -> bool:
    """A top-level message quoting one of our references and asking for a review is proposed as one."""
    if classify_follow_up(text) != "internal_review":
        return False
    for found in find_references(text):
        reference = normalise_reference(getattr(found, "text", found))
        if reference is None:
            continue
        case = get_case(job.session, reference)
        if case is None or case.parent_id is not None:
            continue
        job.out.post(f"This looks like a request for an internal review of {reference}, received {day}.",
                     channel=channel, thread_ts=ts,
                     actions=[Action("intake_review", "Open internal review", f"{reference}|{day.isoformat()}",
                                     style="primary")])
        return True
    return False


def _propose(job: SlackJob, channel: str, ts: str, text: str, day: Any, when: datetime, *,
             thread_ts: str | None = None, several: bool = False) -> None:
    """Propose one case; ``ts`` is the message's ts, or "ts#2" for the second request in one message."""
    ctx = job.ctx
    thread_ts = thread_ts or ts
    proposal = propose(ctx, text, today=day, message_time=when)
    if not text.strip() or not readable(proposal):
        why = "; ".join(proposal.problems) or "the message has no text"
        job.out.post(f"I could not read a request here ({why}). Use the message shortcut *Register FOI request* "
                     "to register it by hand.", channel=channel, thread_ts=thread_ts)
        return
    if not should_propose(proposal) and not several:
        job.out.post(NOT_PROPOSED, channel=channel, thread_ts=thread_ts)
        return
    session = job.session
    existing = session.exec(select(IntakeProposal).where(IntakeProposal.channel_id == channel,
                                                         IntakeProposal.message_ts == ts)).first()
    if existing is not None and existing.state != "form":
        return
    row = existing or IntakeProposal(channel_id=channel, message_ts=ts)
    row.text, row.proposal, row.state, row.kind = text, _stored(proposal), "proposed", "new"
    session.add(row)
    session.flush()
    proposal_id = int(row.id)  # type: ignore[arg-type]
    lane = f"proposal:{proposal_id}"
    if ctx.settings.auto_register:
        new = new_case_from_proposal(proposal, text, today=day, default_regime=ctx.settings.profile.default_regime)
        new.source_channel, new.source_ts = channel, ts
        case, created = register_case(ctx, new, actor="foi-bot")
        row.state, row.case_id = "registered", case.id
        if created:
            job.out.card(case.reference, fallback_channel=channel)
        job.out.post(f"Registered automatically as *{case.reference}*.", channel=channel, thread_ts=thread_ts,
                     lane=lane)
        return
    reply_text, actions = intake_reply(ctx, proposal, text, proposal_id, today=day)
    job.out.post(reply_text, channel=channel, thread_ts=thread_ts, actions=actions,
                 on_sent={"proposal_reply": proposal_id}, lane=lane)


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


def register_clicked(job: SlackJob) -> None:
    ctx, user = job.ctx, job.body["user"]["id"]
    proposal_id = int(job.body["actions"][0]["value"])
    row = job.session.get(IntakeProposal, proposal_id, with_for_update=True)
    if row is None:
        job.out.ephemeral("That proposal no longer exists.", user=user, channel=_channel(job),
                          response_url=job.body.get("response_url"))
        return
    if row.state == "dismissed":
        job.out.ephemeral("This message was marked as not a request.", user=user, channel=_channel(job),
                          response_url=job.body.get("response_url"))
        return
    channel, ts, text = row.channel_id, row.message_ts, row.text
    today = job.now.astimezone(ctx.tz).date()
    proposal = propose(ctx, text, today=today, message_time=message_time(ts))
    new = new_case_from_proposal(proposal, text, today=today, default_regime=ctx.settings.profile.default_regime)
    new.source_channel, new.source_ts = channel, ts
    try:
        case, created = register_case(ctx, new, actor=user)
    except ClockError as exc:
        job.out.ephemeral(f"Nothing was registered: {exc}", user=user, channel=_channel(job),
                          response_url=job.body.get("response_url"))
        return
    row.state, row.case_id = "registered", case.id
    job.session.add(row)
    if created:
        job.out.card(case.reference, fallback_channel=channel, actor=user)
        job.out.update(f"Registered as *{case.reference}* by {user_ref(user)}.",
                       target={"proposal": proposal_id, "ts": _clicked_message(job)}, lane=f"proposal:{proposal_id}")
    else:
        job.out.ephemeral(f"Already registered as {case.reference} by {user_ref(case.created_by or '')}.",
                          user=user, channel=_channel(job), response_url=job.body.get("response_url"))


def dismiss_clicked(job: SlackJob) -> None:
    user = job.body["user"]["id"]
    proposal_id = int(job.body["actions"][0]["value"])
    row = job.session.get(IntakeProposal, proposal_id, with_for_update=True)
    if row is None or row.state != "proposed":
        return
    row.state = "dismissed"
    job.session.add(row)
    job.out.update(f"Marked as not a request by {user_ref(user)}.",
                   target={"proposal": proposal_id, "ts": _clicked_message(job)}, lane=f"proposal:{proposal_id}")


def follow_up_clicked(job: SlackJob) -> None:
    action = job.body["actions"][0]
    reference, _, day = action["value"].partition("|")
    verb = "review" if action["action_id"] == "intake_review" else "clarified"
    invocation = invocation_from_action(job, f"{verb} {reference} {day}")
    reply = dispatch(job.ctx, invocation)
    job.out.reply(reply, user=invocation.user, channel=invocation.channel, thread_ts=invocation.thread_ts,
                  response_url=job.body.get("response_url"))


def _clicked_message(job: SlackJob) -> str | None:
    """The proposal message the button sits on (its ts), in case the proposal's own record lacks it."""
    return (job.body.get("container") or {}).get("message_ts")


def _channel(job: SlackJob) -> str | None:
    return (job.body.get("channel") or {}).get("id") or (job.body.get("container") or {}).get("channel_id")
