"""Replies as plain text, for the shell and for Slack's notification fallback."""

from __future__ import annotations

import re

from commands.base import CaseView, Reply
from commands.case_views import REGIME_NAMES, due_phrase
from commands.markup import plain as markup_plain

_SLACK_MARKUP = re.compile(r"<@([A-Z0-9_]+)(?:\|[^>]*)?>")


def plain(text: str) -> str:
    """The bot's mentions and links as readable words: `@U123`, `label (url)`."""
    return _SLACK_MARKUP.sub(r"@\1", markup_plain(text))


def case_card_text(view: CaseView) -> str:
    lines = [
        f"{view.reference} — {view.subject}",
        f"  status:   {view.status}",
        f"  regime:   {REGIME_NAMES.get(view.regime, view.regime)}",
        f"  received: {view.received.isoformat()}",
        f"  due:      {due_phrase(view)}",
        f"  assignee: {('@' + view.assignee) if view.assignee else 'unassigned'}",
    ]
    if view.extended_due:
        label = "outer limit" if view.is_review else "extended"
        lines.append(f"  {label + ':':<9} {view.extended_due.isoformat()}")
    if view.questions:
        lines.append("  questions:")
        lines.extend(f"    {q}" for q in view.questions)
    if view.explanation:
        lines.append("  how the deadline was computed:")
        lines.extend(f"    - {line}" for line in view.explanation)
    return "\n".join(lines)


def render_reply(reply: Reply) -> str:
    parts = [plain(reply.text)]
    if reply.case is not None:
        parts.append(case_card_text(reply.case))
    if reply.preformatted:
        parts.append(reply.preformatted)
    for post in reply.thread_posts:
        where = f"[thread {post.reference}] " if post.reference else "[thread] "
        parts.append(where + plain(post.text))
        if post.preformatted:
            parts.append(post.preformatted)
        parts.extend(f"  (attachment: {a.filename}, {len(a.content)} bytes)" for a in post.attachments)
    if reply.case is None and reply.paragraphs and reply.title and reply.title.startswith("/foi"):
        pass
    elif reply.case is not None and reply.paragraphs:
        parts.extend(plain(p) for p in reply.paragraphs if p not in reply.text)
    return "\n".join(p for p in parts if p)
