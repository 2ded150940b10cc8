"""Markup the bot means, kept apart from text people wrote.

Replies mix the bot's own words, which may mention a person or link somewhere, with text a person typed
(a subject, a question, a note), which must never turn into a mention, a channel-wide broadcast or a link
on the way out. Commands therefore never write Slack's ``<@U…>``/``<url|label>`` syntax themselves: they
wrap what they mean in two private-use characters that nobody can type (they are stripped from input),
and each surface turns only those into its own markup after escaping everything else. The shell shows
``@U123`` and ``label (url)``; Slack gets real mentions and links.
"""

from __future__ import annotations

import re

OPEN = "\ue000"
CLOSE = "\ue001"

_MARKED = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]*){CLOSE}")
_USER_ID = re.compile(r"^[UW][A-Z0-9_]{1,40}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9_]{1,40}$")


def user_ref(user: str) -> str:
    """A mention of a Slack user the bot means to notify (an assignee, an approver)."""
    return f"{OPEN}@{user}{CLOSE}" if _USER_ID.match(user or "") else f"@{strip_marks(user or '')}"


def channel_ref(channel: str) -> str:
    return f"{OPEN}#{channel}{CLOSE}" if _CHANNEL_ID.match(channel or "") else f"#{strip_marks(channel or '')}"


def link(url: str, label: str) -> str:
    """A link the bot makes (a thread, a help page); the label is shown as written."""
    clean_label = strip_marks(label).replace("|", "/").replace(">", "›").replace("<", "‹")
    clean_url = strip_marks(url).replace("|", "%7C").replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
    return f"{OPEN}{clean_url}|{clean_label}{CLOSE}"


def strip_marks(text: str) -> str:
    """Text a person wrote can never carry the bot's markers."""
    return text.replace(OPEN, "").replace(CLOSE, "")


def render(text: str, entity: callable, escape: callable = lambda s: s) -> str:  # type: ignore[valid-type]
    """Escape the unmarked text with ``escape`` and turn each marked entity into ``entity(inner)``."""
    out: list[str] = []
    last = 0
    for match in _MARKED.finditer(text):
        out.append(escape(strip_marks(text[last:match.start()])))
        out.append(entity(match.group(1)))
        last = match.end()
    out.append(escape(strip_marks(text[last:])))
    return "".join(out)


def readable(inner: str) -> str:
    """A marked entity as plain text: ``@U123``, ``#C123``, ``label (url)``."""
    if inner.startswith(("@", "#")):
        return inner
    url, _, label = inner.partition("|")
    return f"{label} ({url})" if label and label != url else url


def plain(text: str) -> str:
    """For terminals, files and Slack's plain_text fields: entities as readable words, nothing escaped."""
    return render(text, readable)
