"""Reading the words people type after `/foi`: references, dates, user mentions.

Each reader raises `CommandError` with a sentence that says what was wrong and how to write it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from commands.base import CommandError
from commands.markup import user_ref
from storage.references import normalise_reference

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_USER = re.compile(r"^<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>$|^@?([UW][A-Z0-9_]{2,})$")


def parse_reference(word: str | None, usage: str | None = None) -> str:
    if not word:
        raise CommandError("Give the case reference, e.g. FOI2026/00042.", usage=usage)
    reference = normalise_reference(word)
    if reference is None:
        raise CommandError(
            f"`{word}` is not a case reference. References look like FOI2026/00042 (prefix, year, number).",
            usage=usage,
        )
    return reference


def parse_date(word: str, *, what: str = "date", today: date | None = None, usage: str | None = None) -> date:
    lowered = word.strip().lower()
    if today is not None and lowered in ("today", "yesterday"):
        return today if lowered == "today" else today - timedelta(days=1)
    match = _ISO_DATE.match(lowered)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise CommandError(
        f"`{word}` is not a valid {what}: write dates as YYYY-MM-DD, e.g. 2018-02-09.", usage=usage
    )


def looks_like_date(word: str) -> bool:
    return bool(_ISO_DATE.match(word.strip())) or word.strip().lower() in ("today", "yesterday")


def parse_user(word: str | None, *, me: str, usage: str | None = None) -> str:
    if not word:
        raise CommandError("Say who: mention them (@name) or write `me`.", usage=usage)
    if word.lower() in ("me", "myself"):
        return me
    match = _USER.match(word.strip())
    if not match:
        raise CommandError(
            f"`{word}` is not a Slack user. Mention the person (@name) so Slack fills in their ID.", usage=usage
        )
    return match.group(1) or match.group(2)


def take_option(words: list[str], key: str) -> tuple[str | None, list[str]]:
    """Pull one `key:value` (or `key=value`) word out of a word list."""
    rest: list[str] = []
    value: str | None = None
    for word in words:
        lowered = word.lower()
        if value is None and (lowered.startswith(f"{key}:") or lowered.startswith(f"{key}=")):
            value = word[len(key) + 1 :]
        else:
            rest.append(word)
    return value, rest


def mention(user: str | None) -> str:
    """A person the bot means to mention (assignee, approver); surfaces render it (see commands.markup)."""
    return user_ref(user) if user else "unassigned"
