"""Text crossing the Slack boundary: decoded on the way in, escaped on the way out.

Slack sends message and slash-command text HTML-escaped (``&amp;``, ``&lt;``, ``&gt;``) with mentions,
channels, broadcasts and links as ``<@U…>``, ``<#C…|name>``, ``<!channel>`` and ``<url|label>``. The case
register stores what the person wrote, so `decode` turns all of that into plain text ("R&D" stays "R&D";
``<!channel>`` becomes the harmless words "@channel"). On the way out `mrkdwn` escapes ``&``, ``<`` and ``>``
in everything, then turns only the bot's own marked entities (`commands.markup`) into Slack syntax, so
text a person wrote can never mention, broadcast or link in the bot's posts.
"""

from __future__ import annotations

import re
from typing import Any

from commands.markup import plain, render, strip_marks

_ENTITY = re.compile(r"<([^<>]{1,2000})>")
#: Control characters a database cannot or should not hold (NUL breaks PostgreSQL text); tab and newlines stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Remove NUL and other control characters and the bot's markers from any text a person supplied."""
    return strip_marks(_CONTROL.sub("", text or ""))


def _decode_entity(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return target  # a person, as "@U123": commands can still tell who; it can never mention anyone
    if target.startswith("#"):
        return f"#{label}" if label else target
    if target.startswith("!"):
        if target.startswith("!subteam^"):
            return label or "@group"
        if target.startswith("!date^"):
            return label or ""
        return f"@{target[1:]}"  # !channel, !here, !everyone -> the plain words
    if target.startswith("mailto:"):
        return label or target[len("mailto:"):]
    if label and label != target:
        return f"{label} ({target})"
    return target


def decode(text: str) -> str:
    """Slack's message or command text as the person typed it."""
    decoded = _ENTITY.sub(_decode_entity, text or "")
    decoded = decoded.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return clean(decoded)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _entity(inner: str) -> str:
    if inner.startswith("@") or inner.startswith("#"):
        return f"<{inner}>"
    return f"<{inner}>"


def mrkdwn(text: str) -> str:
    """Text for a mrkdwn field or a message's ``text``: everything escaped but the bot's own entities."""
    return render(text or "", _entity, escape)


def plain_text(text: str) -> str:
    return plain(text or "")


def safe_blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every text object in ``blocks`` made safe: mrkdwn escaped (bot entities kept), plain_text readable."""
    return [_safe(block) for block in blocks]


def _safe(node: Any) -> Any:
    if isinstance(node, list):
        return [_safe(item) for item in node]
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    out = {}
    for key, value in node.items():
        if key == "text" and isinstance(value, str) and kind in ("mrkdwn", "plain_text"):
            out[key] = mrkdwn(value) if kind == "mrkdwn" else plain_text(value)
        elif key in ("value", "url", "action_id", "block_id", "callback_id", "private_metadata"):
            out[key] = value
        else:
            out[key] = _safe(value)
    return out
