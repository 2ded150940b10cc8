"""Dates and small words as British letters write them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

# -- dates and small words, as British letters write them -----------------------------------------------------


def ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


def ordinal_date(day: date | str) -> str:
    """ "9th February 2018": the date at the top of a letter and "received on …".

    A string (an [ANSWER NEEDED] marker for a date the clock cannot give yet) passes through unchanged.
    """
    if not isinstance(day, date):
        return str(day)
    return f"{ordinal(day.day)} {day:%B %Y}"


def long_date(day: date | str) -> str:
    """ "8 May 2018": deadlines in sentences ("by 8 May 2018")."""
    if not isinstance(day, date):
        return str(day)
    return f"{day.day} {day:%B %Y}"


def weekday_date(day: date | str) -> str:
    if not isinstance(day, date):
        return str(day)
    return f"{day:%A} {day.day} {day:%B %Y}"


def join_and(items: Iterable[Any]) -> str:
    """ "Q2, Q3 and Q4"."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def money(value: Any) -> str:
    text = str(value).strip().lstrip("£")
    try:
        amount = float(text.replace(",", ""))
    except ValueError:
        return str(value)
    return f"£{amount:,.0f}" if amount == int(amount) else f"£{amount:,.2f}"


def quote(text: str) -> str:
    """The request as a quoted block: every line prefixed, blank lines kept as an empty quote line."""
    lines = (text or "").strip().splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)


def upper_first(text: str) -> str:
    """ "the Act" -> "The Act" (jinja's capitalize would lower-case the rest: "The act")."""
    return text[:1].upper() + text[1:]


def lower_article(name: str) -> str:
    """ "The Scottish Information Commissioner" -> "the Scottish Information Commissioner" mid-sentence."""
    return "the " + name[4:] if name.startswith("The ") else name


def pluralise(count: int, singular: str, plural: str | None = None) -> str:
    return singular if count == 1 else (plural or singular + "s")


#: The date styles a profile may choose: "8th March 2018" (ordinal, the force's own letters) or "8 March 2018".
DATE_STYLES = ("ordinal", "plain")


def format_date(day: date | str, style: str = "ordinal") -> str:
    """A date in the letter's one style; a string (an [ANSWER NEEDED] marker) passes through unchanged."""
    return ordinal_date(day) if style == "ordinal" else long_date(day)
