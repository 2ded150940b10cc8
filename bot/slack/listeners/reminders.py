"""Buttons on reminders and the digest: Snooze until tomorrow, Open thread, Close (stale clarification).

"Assign to me" is the case card's own action (``case_assign_me`` in ``actions``). Every handler is
idempotent: a double-click snoozes to the same day, and closing an already closed case changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.reminder_messages import CLOSE_ACTION, OPEN_THREAD_ACTION, SNOOZE_ACTION
from bot.slack.listeners.intake import run_clicked
from bot.slack.routes import Routes, SlackJob
from commands.base import CommandContext
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


def snooze_clicked(job: SlackJob) -> None:
    text = snooze_reminder(job.ctx, job.body["actions"][0].get("value", ""), job.now)
    channel = (job.body.get("channel") or {}).get("id")
    job.out.ephemeral(text, user=job.body["user"]["id"], channel=channel, response_url=job.body.get("response_url"))


def close_clicked(job: SlackJob) -> None:
    reference, _, reason = job.body["actions"][0].get("value", "").partition("|")
    run_clicked(job, f"close {reference} {reason or 'closed from a reminder'}")


def register(routes: Routes) -> None:
    routes.action(SNOOZE_ACTION, snooze_clicked)
    routes.action(CLOSE_ACTION, close_clicked)
    # A URL button still sends an interaction; acknowledging it keeps Slack from showing an error.
    routes.action(OPEN_THREAD_ACTION)
