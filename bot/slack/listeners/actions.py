"""Buttons on case cards and replies. Every action is idempotent: a double click changes nothing twice."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.slack.surface import SlackSurface
from commands.base import CommandContext, Invocation
from commands.registry import dispatch


def invocation_from_action(body: dict[str, Any], text: str) -> Invocation:
    container = body.get("container") or {}
    return Invocation(
        user=body["user"]["id"],
        text=text,
        now=datetime.now(timezone.utc),
        surface="slack",
        channel=(body.get("channel") or {}).get("id") or container.get("channel_id"),
        thread_ts=container.get("thread_ts") or container.get("message_ts"),
        trigger_id=body.get("trigger_id"),
    )


def register(app: App, ctx: CommandContext, surface: SlackSurface) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def assign_me(body: dict[str, Any], respond: Respond) -> None:
        reference = body["actions"][0]["value"]
        invocation = invocation_from_action(body, f"assign {reference} me")
        reply = dispatch(ctx, invocation)
        reply.ephemeral = True
        surface.deliver(reply, user=invocation.user, channel=invocation.channel, respond=respond)

    app.action("case_assign_me")(ack=acknowledge, lazy=[assign_me])

    def reuse_answers(body: dict[str, Any], respond: Respond) -> None:
        # The button's value is the command ("reuse TARGET FROM_REF"), built by commands.asked_before.
        invocation = invocation_from_action(body, body["actions"][0]["value"])
        reply = dispatch(ctx, invocation)
        surface.deliver(reply, user=invocation.user, channel=invocation.channel, respond=respond)

    app.action("similar_reuse")(ack=acknowledge, lazy=[reuse_answers])
