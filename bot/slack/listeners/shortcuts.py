"""The "Register FOI request" message shortcut and the registration form it opens."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk import WebClient
from sqlmodel import select

from bot.slack.forms import form_for_message, submitted_text
from bot.slack.listeners.intake import message_text, message_time
from bot.slack.modals import REGISTER_CALLBACK, submitted_values
from bot.slack.routes import Routes, SlackJob
from commands.base import CommandContext, Reply
from commands.case_views import case_view
from commands.markup import user_ref
from commands.registration import register_case
from commands.requests import FormError, check_form, new_case_from_form
from commands.rules.clock import ClockError
from storage.cases import get_case, record_event
from storage.models import IntakeProposal

SHORTCUT_CALLBACK = "register_foi_request"


def register(routes: Routes) -> None:
    ctx = routes.ctx

    def open_form(body: dict[str, Any], client: WebClient) -> None:
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        form_for_message(ctx, client, body["trigger_id"], text=message_text(message),
                         when=message_time(message.get("ts")), metadata={"channel": channel, "ts": message.get("ts")})

    routes.shortcut(SHORTCUT_CALLBACK, fast=open_form)
    routes.view(REGISTER_CALLBACK, submit, check=lambda body: check_values(ctx, body))


def _values(body: dict[str, Any]) -> dict[str, Any]:
    values = submitted_values(body["view"])
    metadata = json.loads(body["view"].get("private_metadata") or "{}")
    if not values.get("request_text") and metadata.get("proposal"):
        values["request_text"] = "(kept in full)"  # a long request: the stored text is registered
    return values


def check_values(ctx: CommandContext, body: dict[str, Any]) -> dict[str, str] | None:
    """The form's checks, cheap enough for the acknowledgement (no parsing, no database)."""
    from datetime import datetime

    try:
        check_form(ctx, _values(body), today=datetime.now(ctx.tz).date())
    except FormError as exc:
        return {exc.field: exc.problem}
    return None


def submit(job: SlackJob) -> None:
    ctx, body = job.ctx, job.body
    user = body["user"]["id"]
    metadata = json.loads(body["view"].get("private_metadata") or "{}")
    today = job.now.astimezone(ctx.tz).date()
    values = submitted_values(body["view"])
    values["request_text"] = submitted_text(ctx, body["view"], values.get("request_text"))
    channel = metadata.get("channel")
    try:
        new = new_case_from_form(ctx, values, today=today)
    except FormError as exc:
        job.out.ephemeral(f"Nothing was registered: {exc.problem}", user=user, channel=channel)
        return
    new.source_channel, new.source_ts = channel, metadata.get("ts")
    if not new.source_ts:
        new.source_channel = None
    try:
        case, created = register_case(ctx, new, actor=user)
    except ClockError as exc:
        job.out.ephemeral(f"Nothing was registered: {exc}", user=user, channel=channel)
        return
    _record_edits(job, case.reference, user, metadata.get("prefill") or {}, new, created)
    row = job.session.get(IntakeProposal, int(metadata["proposal"])) if metadata.get("proposal") else None
    if row is None and channel and metadata.get("ts"):  # the shortcut on a message that also has a proposal
        row = job.session.exec(select(IntakeProposal).where(IntakeProposal.channel_id == channel,
                                                            IntakeProposal.message_ts == metadata["ts"])).first()
    if row is not None:
        row.state, row.case_id = "registered", case.id
        job.session.add(row)
        if created and row.kind != "form":  # the proposal in the intake thread says what happened
            job.out.update(f"Registered as *{case.reference}* by {user_ref(user)} (through the form).",
                           target={"proposal": row.id}, lane=f"proposal:{row.id}")
    view = case_view(case, ctx.settings, today)
    verb = "Registered" if created else "This message was already registered as"
    reply = Reply(text=f"{verb} {case.reference}.", case=view, post_card_for=case.reference)
    if channel:
        job.out.reply(reply, user=user, channel=channel)
    else:
        job.out.card(case.reference, actor=user)
        job.out.dm(user, reply.text)


def _record_edits(job: SlackJob, reference: str, user: str, prefill: dict[str, Any], new: Any, created: bool) -> None:
    """Fields a person changed from what the parser read are recorded (names only: values may be personal)."""
    if not created or not prefill:
        return
    submitted = {"received": new.received.isoformat(), "regime": new.regime, "subject": new.subject[:200]}
    changed = sorted(k for k, v in prefill.items() if submitted.get(k) != v)
    if not changed:
        return
    case = get_case(job.session, reference)
    if case is not None:
        record_event(job.session, case, actor=user, kind="edited-before-registering",
                     summary="Changed from the parser's reading: " + ", ".join(changed), details={"fields": changed})
