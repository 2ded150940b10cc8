"""Buttons on reminders and the digest: Snooze until tomorrow, Open thread, Close (stale clarification).

"Assign to me" is the case card's own action (``case_assign_me`` in ``actions``). Every handler is
idempotent: a double-click snoozes to the same day, and closing an already closed case changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.reminder_messages import CLOSE_ACTION, OPEN_THREAD_ACTION, SNOOZE_ACTION
from bot.slack.listeners.actions import invocation_from_action
from bot.slack.surface import SlackSurface
from commands.base import CommandContext
from commands.registry import dispatch
from commands.rules.clock import describe
from commands.rules.reminder_plan import snooze_until
from storage.db import session_scope
from storage.reminders import reminders_for_snooze, snooze

log = logging.getLogger(__name__)


def parse_snooze_value(value: str) -> tuple[str, list[int]]:
    """The button's value: "REFERENCE|id,id,…" (the ledger rows of the message that carried it)."""
    reference, _, ids = (value or "").partition("|")
    return reference, [int(part) for part in ids.split(",") if part.strip().isdigit()]


def snooze_reminder(ctx: CommandContext, value: str, now: datetime) -> str:
    """Ask for one more reminder on the case's next working day; returns the sentence to show.

    The statutory date is untouched and the digest ignores snoozes, so an overdue case stays visible.
    """
    reference, ids = parse_snooze_value(value)
    today = now.astimezone(ctx.tz).date()
    with session_scope(ctx.engine) as session:
        rows = reminders_for_snooze(session, ids)
        if not rows:
            return f"That reminder for {reference or 'this case'} no longer exists; nothing was snoozed."
        until = snooze_until(rows[0].regime or "foia", today)
        snooze(session, [*ids], until)
    hour = ctx.settings.reminder_hour
    return (f"Snoozed: I'll remind you about {reference} again on {describe(until)} at {hour:02d}:00. "
            "Its statutory date still shows in the team's daily digest.")


def register(app: App, ctx: CommandContext, surface: SlackSurface) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def snooze_clicked(body: dict[str, Any], respond: Respond) -> None:
        value = body["actions"][0].get("value", "")
        text = snooze_reminder(ctx, value, datetime.now(timezone.utc))
        respond(text=text, response_type="ephemeral", replace_original=False)

    def close_clicked(body: dict[str, Any], respond: Respond) -> None:
        reference, _, reason = body["actions"][0].get("value", "").partition("|")
        invocation = invocation_from_action(body, f"close {reference} {reason or 'closed from a reminder'}")
        reply = dispatch(ctx, invocation)
        reply.ephemeral = True
        surface.deliver(reply, user=invocation.user, channel=invocation.channel, respond=respond)

    app.action(SNOOZE_ACTION)(ack=acknowledge, lazy=[snooze_clicked])
    app.action(CLOSE_ACTION)(ack=acknowledge, lazy=[close_clicked])
    # A URL button still sends an interaction; acknowledging it keeps Slack from showing an error.
    app.action(OPEN_THREAD_ACTION)(acknowledge)
