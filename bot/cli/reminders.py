"""`foi-bot reminders preview|run-once`: see what the reminder sweep would send, or run one sweep by hand.

``preview`` only reads: it plans with the same code as the sweep, consults the ledger so reminders already
sent are left out, and writes nothing. ``run-once`` performs one real sweep (claims, sends through Slack,
marks, closes cases whose review window ended), optionally at a fixed ``--now`` — useful after an outage
or to check a deployment. Without ``SLACK_BOT_TOKEN`` it refuses with one line (exit 2) and sends nothing,
rather than writing ledger rows for messages that never left.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, timezone

from bot.config import ConfigError, Settings, load_settings
from bot.runtime import open_database
from commands.base import CommandContext
from commands.rules.reminder_plan import days_phrase, due_at


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("reminders", help="preview or send deadline reminders and the daily digest")
    sub = parser.add_subparsers(dest="reminders_command", metavar="ACTION")
    sub.required = True
    preview = sub.add_parser("preview", help="list what the sweep would send on a date (default: today)")
    preview.add_argument("--on", metavar="YYYY-MM-DD", help="the day to preview (default: today)")
    preview.add_argument("--json", action="store_true",
                         help="print a JSON list of {reference, kind, recipient, due, working_days_left}")
    preview.set_defaults(func=_preview)
    once = sub.add_parser("run-once", help="perform one sweep through Slack (needs SLACK_BOT_TOKEN)")
    once.add_argument("--now", metavar="ISO", help="sweep as if it were this time (e.g. 2026-03-30T09:00; "
                      "no offset means FOI_TIMEZONE; a bare date means the reminder hour that day)")
    once.set_defaults(func=_run_once)


class _NothingSent:
    """The preview's thread links: planning shows no links."""

    def thread_link(self, channel: str, ts: str) -> str | None:
        return None


def _context(settings: Settings) -> CommandContext:
    return CommandContext(engine=open_database(settings), settings=settings)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--on: {text!r} is not a date (use YYYY-MM-DD)") from None


def parse_now(text: str, settings: Settings) -> datetime:
    """``--now``: an ISO time (local to FOI_TIMEZONE unless it carries an offset), or a date at the reminder hour."""
    value = text.strip()
    try:
        if len(value) == 10:
            return due_at(date.fromisoformat(value), settings.reminder_hour, settings.tz)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--now: {text!r} is not an ISO date or time (e.g. 2026-03-30T09:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.tz)


def _preview(args: argparse.Namespace) -> int:
    from bot.reminders import ReminderSweeper, planned_json

    settings = load_settings()
    ctx = _context(settings)
    try:
        tz, hour = settings.tz, settings.reminder_hour
        real_now = datetime.now(timezone.utc)
        today = real_now.astimezone(tz).date()
        on = _day(args.on) if args.on else today
        at = due_at(on, hour, tz)
        if on == today:
            # Today: what a sweep at the hour (or now, if later) would send, catch-up included.
            plan = ReminderSweeper(ctx, _NothingSent()).plan(max(real_now, at))
        else:
            # Another day: that day's own reminders, assuming the bot runs until then.
            plan = ReminderSweeper(ctx, _NothingSent()).plan(at, since=on)
    finally:
        ctx.engine.dispose()
    items = sorted(plan.due, key=lambda i: (i.reference or "", i.target_date, i.kind, i.recipient))
    if args.json:
        print(json.dumps([planned_json(item) for item in items], indent=2))
        return 0
    when = f"{on:%a} {on.day} {on:%b %Y} ({hour:02d}:00 {settings.timezone})"
    if not items:
        print(f"No reminders due on {when}.")
    else:
        print(f"{len(items)} reminder(s) due on {when}:")
        for item in items:
            due = item.deadline.isoformat() if item.deadline else "-"
            late = "  (late: was due " + item.target_date.isoformat() + ")" if item.target_date < on else ""
            print(f"  {item.reference}  {item.kind:<24} -> {item.recipient:<12} due {due}  "
                  f"{days_phrase(item.working_days_left)}{late}")
    if plan.digest is not None:
        if plan.digest.empty:
            print(f"Digest to {settings.team_channel}: nothing to report (not posted).")
        else:
            sections = ", ".join(f"{title} ({len(lines)})" for _key, title, lines in plan.digest.sections)
            print(f"Digest to {settings.team_channel}: {sections}.")
    return 0


def _run_once(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.slack_bot_token:
        raise ConfigError("setting SLACK_BOT_TOKEN: Slack is not configured, so no reminder was sent "
                          "(`foi-bot reminders preview` lists what would be)")
    now = parse_now(args.now, settings) if args.now else datetime.now(timezone.utc)

    from bot.reminders import ReminderSweeper, SlackThreadLinks
    from bot.slack.app import make_client
    from bot.slack.delivery import Deliverer

    ctx = _context(settings)
    try:
        report = ReminderSweeper(ctx, SlackThreadLinks(make_client(settings))).run(now)
        # Deliver what the sweep queued (and anything else owed) before returning, as a run by hand expects;
        # what Slack refuses stays in the outbox for `foi-bot run` to retry.
        delivered = Deliverer(ctx, make_client(settings, retries=False), max_attempts=settings.outbox_max_attempts,
                              backoff=settings.outbox_backoff).run_until_idle(timeout=120)
    finally:
        ctx.engine.dispose()
    local = now.astimezone(settings.tz)
    print(f"Swept at {local:%Y-%m-%d %H:%M} {settings.timezone}: {report.summary()}.")
    for reference, kind, recipient in report.sent:
        print(f"  queued {reference} {kind} -> {recipient}")
    print(f"Delivered {delivered.sent} message(s) to Slack"
          + (f"; {delivered.retried} will be retried" if delivered.retried else "")
          + (f"; {delivered.dead} could not be delivered (see `foi-bot outbox list`)" if delivered.dead else "") + ".")
    return 1 if report.failed or delivered.dead or delivered.retried else 0
