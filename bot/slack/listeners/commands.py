"""`/foi …`: acknowledge at once, then run the command layer and deliver its reply."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.modals import registration_modal
from bot.slack.surface import SlackSurface, slack_error
from commands.base import CommandContext, Invocation
from commands.registry import dispatch

log = logging.getLogger(__name__)


def register(app: App, ctx: CommandContext, surface: SlackSurface) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def run(body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        invocation = Invocation(
            user=body.get("user_id", ""),
            text=body.get("text", ""),
            now=datetime.now(timezone.utc),
            surface="slack",
            channel=body.get("channel_id"),
            trigger_id=body.get("trigger_id"),
        )
        try:
            reply = dispatch(ctx, invocation)
        except Exception as exc:  # noqa: BLE001 - the person must hear something; details go to the log
            log.exception("/foi failed unexpectedly (%s)", type(exc).__name__)
            respond(text="Sorry — that went wrong on my side and nothing was changed. Please try again, and tell "
                         "the bot's administrator if it keeps happening.", response_type="ephemeral")
            return
        if reply.open_modal is not None:
            today = invocation.today(ctx.tz)
            view = registration_modal(text="", received=today, regime=ctx.settings.profile.default_regime,
                                      metadata={"channel": invocation.channel})
            try:
                client.views_open(trigger_id=invocation.trigger_id, view=view)
            except SlackApiError as exc:
                respond(text=f"Slack would not open the form ({slack_error(exc)}). Try `/foi new` with the request text.",
                        response_type="ephemeral")
            return
        try:
            surface.deliver(reply, user=invocation.user, channel=invocation.channel, respond=respond)
        except Exception as exc:  # noqa: BLE001 - e.g. the database went away between the command and the card
            log.exception("delivering /foi %s failed (%s)", invocation.text.split(" ", 1)[0], type(exc).__name__)
            respond(text="Done, but I could not finish posting about it in Slack. Check with `/foi show`.",
                    response_type="ephemeral")

    app.command("/foi")(ack=acknowledge, lazy=[run])
