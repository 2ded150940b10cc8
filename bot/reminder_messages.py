"""Words and Block Kit for reminders and the daily digest.

Kept apart from the sweep so the wording can be read (and changed) in one place. Every reminder says the
same five things — reference, subject, due date, working days left, assignee — and carries the same
buttons (Open thread, Assign to me, Snooze until tomorrow), so a caseworker can act from the DM itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from commands.markup import link as markup_link
from commands.rules.clock import describe
from commands.rules.reminder_plan import (
    CLARIFICATION_STALE,
    DUE_TODAY,
    OVERDUE,
    REVIEW_WINDOW_CLOSED,
    SNOOZE,
    THREAD,
    VERY_OVERDUE,
    CaseFacts,
    Digest,
    DigestLine,
    PlannedReminder,
    ReminderPolicy,
    base_kind,
    days_phrase,
    due_at,
    is_late,
    when_phrase,
)
from commands.words import mention

SECTION_LIMIT = 3000
#: Lines per digest section before "…and N more" (the overdue list of a neglected register can be long).
DIGEST_SECTION_LINES = 15
#: Close buttons offered under the stale-clarification section of the digest.
DIGEST_CLOSE_BUTTONS = 5

SNOOZE_ACTION = "reminder_snooze"
OPEN_THREAD_ACTION = "reminder_open_thread"
CLOSE_ACTION = "reminder_close_case"
ASSIGN_ACTION = "case_assign_me"

#: How severe a kind is, to choose the headline when several reminders of a case go out as one message.
_SEVERITY = {VERY_OVERDUE: 5, OVERDUE: 4, DUE_TODAY: 3, REVIEW_WINDOW_CLOSED: 2, CLARIFICATION_STALE: 2, SNOOZE: 0}
_TRACK_WORDS = {
    "due": "due",
    "extended": "extended date (the estimate given to the requester)",
    "review": "internal review target",
}


def severity(item: PlannedReminder) -> int:
    kind = base_kind(item.kind)
    return _SEVERITY.get(kind, 1)


def _cut(text: str, limit: int = SECTION_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text) or " "}}


def short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def item_phrase(item: PlannedReminder) -> str:
    """A missed reminder in a catch-up list: "due in 2 working days", "overdue (Tue 31 Mar)"."""
    kind = base_kind(item.kind)
    track = "" if item.track in (None, "due") else ("extended date " if item.track == "extended" else "review target ")
    if kind.startswith("due-in-"):
        days = int(kind.rsplit("-", 1)[1])
        return f"{track}due in {days} working day{'s' if days != 1 else ''}"
    return {
        DUE_TODAY: f"{track}due today",
        OVERDUE: f"{track}overdue",
        VERY_OVERDUE: "escalation to the lead",
        CLARIFICATION_STALE: "clarification overdue",
        REVIEW_WINDOW_CLOSED: "review window closed",
        SNOOZE: "snoozed reminder",
    }.get(kind, kind)


@dataclass(frozen=True)
class CaseMessage:
    """One message about one case to one recipient: one or more ledger rows collapsed together."""

    facts: CaseFacts
    recipient: str
    items: Sequence[PlannedReminder]
    ids: Sequence[int]
    thread_link: str | None
    created_at: datetime | None = None


def headline_item(items: Sequence[PlannedReminder]) -> PlannedReminder:
    """The reminder a collapsed message leads with: the latest, and of those the most severe."""
    return max(items, key=lambda item: (item.target_date, severity(item)))


def headline(item: PlannedReminder, facts: CaseFacts, policy: ReminderPolicy) -> str:
    """The first line: what is owed, by when, in the team's words (mrkdwn)."""
    ref = f"*{facts.reference}*"
    kind = base_kind(item.kind)
    left = item.working_days_left
    what = _TRACK_WORDS.get(item.track or "due", "due")
    deadline = f"{what} {describe(item.deadline)}" if item.deadline else ""
    if kind == VERY_OVERDUE:
        limit = " and past the 40-working-day outer limit" if item.track == "review" else ""
        return (f":rotating_light: *Escalation:* {ref} is {days_phrase(left)}{limit} ({deadline}). "
                f"Assignee: {mention(facts.assignee)}.")
    if kind == CLARIFICATION_STALE:
        sought = describe(facts.clarification_sought) if facts.clarification_sought else "some time ago"
        return (f":speech_balloon: {ref} has been awaiting clarification for more than "
                f"{policy.clarification_stale_after} working days (sought {sought}). If nothing has arrived, "
                "it can be closed.")
    if kind == REVIEW_WINDOW_CLOSED:
        closed = describe(facts.review_request_by) if facts.review_request_by else "its last day"
        text = (f":lock: The requester's window to ask for an internal review of {ref} ended on {closed} "
                "and no review was requested")
        if item.closes_case or facts.status == "closed":
            return text + ", so the case is now closed."
        return text + f". It can be closed with `/foi close {facts.reference}`."
    if kind == SNOOZE and item.deadline is None:  # a snoozed stale-clarification reminder
        sought = describe(facts.clarification_sought) if facts.clarification_sought else "earlier"
        return f":speech_balloon: Snoozed reminder: {ref} is still awaiting clarification (sought {sought})."
    emoji = ":hourglass_flowing_sand:" if (left or 0) > 0 else ":alarm_clock:" if left == 0 else ":warning:"
    prefix = "Snoozed reminder: " if kind == SNOOZE else ""
    text = f"{emoji} {prefix}{ref} is {days_phrase(left)} ({deadline})."
    if item.track == "review" and facts.extended_due:
        text += f" Outer limit {describe(facts.extended_due)}."
    return text


def _fields(item: PlannedReminder, facts: CaseFacts) -> dict[str, Any]:
    if item.deadline is not None:
        due = short_day(item.deadline)
        left = days_phrase(item.working_days_left)
    else:
        due, left = "clock stopped", "—"
    fields = [
        ("Subject", _cut(facts.subject or "(no subject)", 500)),
        ("Due", due),
        ("Working days left", left),
        ("Assignee", mention(facts.assignee)),
    ]
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in fields]}


def _button(action_id: str, label: str, value: str = "", *, url: str | None = None,
            style: str | None = None, confirm: dict[str, Any] | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "action_id": action_id,
                               "text": {"type": "plain_text", "text": label[:75]}}
    if value:
        element["value"] = value[:2000]
    if url:
        element["url"] = url[:3000]
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def close_button(reference: str, reason: str) -> dict[str, Any]:
    return _button(
        CLOSE_ACTION, f"Close {reference}", f"{reference}|{reason}", style="danger",
        confirm={"title": {"type": "plain_text", "text": "Close the case?"},
                 "text": {"type": "mrkdwn", "text": f"Close {reference}: {reason}."},
                 "confirm": {"type": "plain_text", "text": "Close it"},
                 "deny": {"type": "plain_text", "text": "Keep it open"}},
    )


def render_case_message(message: CaseMessage, *, now: datetime, tz: tzinfo, policy: ReminderPolicy,
                        hour: int, fallback_note: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """Text and blocks of one reminder message (possibly several missed reminders collapsed into one).

    ``fallback_note`` heads a message re-routed to the team channel because its recipient was unreachable.
    """
    facts = message.facts
    items = sorted(message.items, key=lambda item: (item.target_date, severity(item)))
    lead = headline_item(items)
    local_now = now.astimezone(tz)
    lines = [headline(lead, facts, policy)]
    blocks: list[dict[str, Any]] = []
    if fallback_note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(fallback_note)}]})
    blocks.append(section(lines[0]))
    kind = base_kind(lead.kind)
    if kind != REVIEW_WINDOW_CLOSED:
        blocks.append(_fields(lead, facts))
    notes: list[str] = []
    lead_due = due_at(lead.target_date, hour, tz)
    if is_late(lead_due, now, created=message.created_at):
        notes.append(f"This reminder was due at {when_phrase(lead_due, local_now)}; it is sent late because the "
                     "bot or Slack was not available then.")
    missed = [item for item in items if item is not lead and item.target_date < lead.target_date]
    if missed:
        listed = ", ".join(f"{item_phrase(item)} ({when_phrase(due_at(item.target_date, hour, tz), local_now)})"
                           for item in missed)
        notes.append(f"Catching up on {len(missed)} missed reminder{'s' if len(missed) != 1 else ''}: {listed}.")
    if notes:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(" ".join(notes))}]})
    buttons: list[dict[str, Any]] = []
    if message.thread_link and message.recipient != THREAD:
        buttons.append(_button(OPEN_THREAD_ACTION, "Open thread", facts.reference, url=message.thread_link))
    if kind != REVIEW_WINDOW_CLOSED:
        buttons.append(_button(ASSIGN_ACTION, "Assign to me", facts.reference))
        ids = ",".join(str(i) for i in message.ids)
        buttons.append(_button(SNOOZE_ACTION, "Snooze until tomorrow", f"{facts.reference}|{ids}"))
    if kind == CLARIFICATION_STALE:
        buttons.append(close_button(facts.reference, "no clarification received"))
    if buttons:
        blocks.append({"type": "actions", "block_id": f"reminder:{facts.reference}", "elements": buttons})
    text = _plain(lines[0])
    if notes:
        text += " " + notes[0]
    return _cut(text), blocks


def _plain(mrkdwn: str) -> str:
    """Notification text: the headline without emoji codes or bold markers."""
    words = [w for w in mrkdwn.split(" ") if not (w.startswith(":") and w.endswith(":") and len(w) > 2)]
    return " ".join(words).replace("*", "")


def digest_line(line: DigestLine, link: str | None) -> str:
    """One case in a digest section: linked reference, subject, date, how far off, note, assignee."""
    reference = markup_link(link, line.reference) if link else f"*{line.reference}*"
    parts = [reference, _cut(line.subject or "(no subject)", 120)]
    if line.day is not None:
        parts.append(short_day(line.day))
    if line.working_days_left is not None:
        parts.append(days_phrase(line.working_days_left))
    if line.note:
        parts.append(line.note)
    parts.append(mention(line.assignee))
    return "• " + " · ".join(parts)


def render_digest(digest: Digest, *, link_for: Callable[[int | None], str | None],
                  late_note: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The digest as text and blocks: a header, one section per non-empty list, close buttons for stale ones."""
    title = f"FOI digest for {describe(digest.day)}"
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
    counts: list[str] = []
    for key, name, lines in digest.sections:
        counts.append(f"{name.split(' (')[0].split(':')[0].lower()}: {len(lines)}")
        shown = [digest_line(line, link_for(line.case_id)) for line in lines[:DIGEST_SECTION_LINES]]
        more = len(lines) - len(shown)
        if more > 0:
            hint = " (`/foi list overdue`)" if key == "overdue" else ""
            shown.append(f"…and {more} more{hint}.")
        chunk = f"*{name}* ({len(lines)})"
        for text in shown:
            if len(chunk) + len(text) + 1 > SECTION_LIMIT - 10:
                blocks.append(section(chunk))
                chunk = ""
            chunk = f"{chunk}\n{text}" if chunk else text
        blocks.append(section(chunk))
        if key == "clarification":
            buttons = [close_button(line.reference, "no clarification received")
                       for line in lines[:DIGEST_CLOSE_BUTTONS]]
            blocks.append({"type": "actions", "block_id": "digest:clarification", "elements": buttons})
    if late_note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": late_note}]})
    text = f"{title}: " + "; ".join(counts)
    return _cut(text), blocks[:50]
