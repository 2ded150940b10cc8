"""The "Register FOI request" message shortcut and the registration form it opens."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.modals import REGISTER_CALLBACK, registration_modal, submitted_values
from bot.slack.surface import SlackSurface, slack_error
from commands.base import CommandContext, Reply
from commands.case_views import case_view
from commands.registration import register_case
from commands.requests import FormError, new_case_from_form
from commands.rules.clock import ClockError

log = logging.getLogger(__name__)

SHORTCUT_CALLBACK = "register_foi_request"


def message_time(ts: str | None) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts or ""), tz=timezone.utc)
    except ValueError:
        return datetime.now(timezone.utc)


def register(app: App, ctx: CommandContext, surface: SlackSurface) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def open_form(body: dict[str, Any], client: WebClient) -> None:
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        text = message.get("text") or ""
        received = message_time(message.get("ts")).astimezone(ctx.tz).date()
        view = registration_modal(
            text=text,
            received=received,
            regime=ctx.settings.profile.default_regime,
            metadata={"channel": channel, "ts": message.get("ts")},
        )
        try:
            client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackApiError as exc:
            log.warning("registration form not opened: %s", slack_error(exc))

    app.shortcut(SHORTCUT_CALLBACK)(ack=acknowledge, lazy=[open_form])

    def validate(ack: Ack, body: dict[str, Any]) -> None:
        today = datetime.now(ctx.tz).date()
        try:
            new_case_from_form(ctx, submitted_values(body["view"]), today=today)
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
        view = case_view(case, ctx.settings, today)
        verb = "Registered" if created else "This message was already registered as"
        reply = Reply(text=f"{verb} {case.reference}.", case=view, post_card_for=case.reference)
        surface.deliver(reply, user=user, channel=metadata.get("channel"))
        if not metadata.get("channel"):
            _tell(client, user, None, reply.text)

    app.view(REGISTER_CALLBACK)(ack=validate, lazy=[submit])


def _tell(client: WebClient, user: str, channel: str | None, text: str) -> None:
    try:
        if channel:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        else:
            client.chat_postMessage(channel=user, text=text)
    except SlackApiError as exc:
        log.warning("could not tell the user: %s", slack_error(exc))
