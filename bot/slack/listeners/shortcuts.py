"""The "Register FOI request" message shortcut and the registration form it opens."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.listeners.intake import mark_proposal, message_text, message_time, open_registration_form
from bot.slack.modals import REGISTER_CALLBACK, submitted_values
from bot.slack.surface import SlackSurface, slack_error
from commands.base import CommandContext, Reply
from commands.case_views import case_view
from commands.intake import propose
from commands.registration import register_case
from commands.requests import FormError, check_form, new_case_from_form
from commands.rules.clock import ClockError
from storage.cases import get_case, record_event
from storage.db import session_scope

log = logging.getLogger(__name__)

SHORTCUT_CALLBACK = "register_foi_request"


def register(app: App, ctx: CommandContext, surface: SlackSurface) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def open_form(body: dict[str, Any], client: WebClient) -> None:
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        text = message_text(message)
        when = message_time(message.get("ts"))
        today = datetime.now(ctx.tz).date()
        proposal = propose(ctx, text, today=today, message_time=when)
        open_registration_form(ctx, client, body["trigger_id"], proposal, text, today=today,
                               metadata={"channel": channel, "ts": message.get("ts")})

    app.shortcut(SHORTCUT_CALLBACK)(ack=acknowledge, lazy=[open_form])

    def validate(ack: Ack, body: dict[str, Any]) -> None:
        today = datetime.now(ctx.tz).date()
        try:
            check_form(ctx, submitted_values(body["view"]), today=today)
        except FormError as exc:
            ack(response_action="errors", errors={exc.field: exc.problem})
            return
        ack()

    def submit(body: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        metadata = json.loads(body["view"].get("private_metadata") or "{}")
        today = datetime.now(ctx.tz).date()
        new = new_case_from_form(ctx, submitted_values(body["view"]), today=today)
        new.source_channel, new.source_ts = metadata.get("channel"), metadata.get("ts")
        if not new.source_ts:
            new.source_channel = None
        try:
            case, created = register_case(ctx, new, actor=user)
        except ClockError as exc:
            _tell(client, user, metadata.get("channel"), f"Nothing was registered: {exc}")
            return
        _record_edits(ctx, case.reference, user, metadata.get("prefill") or {}, new, created)
        if metadata.get("proposal"):
            mark_proposal(ctx, int(metadata["proposal"]), "registered", case.id)
        view = case_view(case, ctx.settings, today)
        verb = "Registered" if created else "This message was already registered as"
        reply = Reply(text=f"{verb} {case.reference}.", case=view, post_card_for=case.reference)
        surface.deliver(reply, user=user, channel=metadata.get("channel"))
        if not metadata.get("channel"):
            _tell(client, user, None, reply.text)

    app.view(REGISTER_CALLBACK)(ack=validate, lazy=[submit])


def _record_edits(ctx: CommandContext, reference: str, user: str, prefill: dict[str, Any], new: Any,
                  created: bool) -> None:
    """Fields a person changed from what the parser read are recorded (names only: values may be personal)."""
    if not created or not prefill:
        return
    submitted = {"received": new.received.isoformat(), "regime": new.regime, "subject": new.subject[:200]}
    changed = sorted(k for k, v in prefill.items() if submitted.get(k) != v)
    if not changed:
        return
    with session_scope(ctx.engine) as session:
        case = get_case(session, reference)
        if case is not None:
            record_event(session, case, actor=user, kind="edited-before-registering",
                         summary="Changed from the parser's reading: " + ", ".join(changed), details={"fields": changed})


def _tell(client: WebClient, user: str, channel: str | None, text: str) -> None:
    try:
        if channel:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        else:
            client.chat_postMessage(channel=user, text=text)
    except SlackApiError as exc:
        log.warning("could not tell the user: %s", slack_error(exc))
