"""Finding a requester's personal data in text: their own details, and anything shaped like contact details.

Used wherever text may leave the team or outlive its purpose: case cards, lists, digests and reminders show
questions with contact details masked; the retention purge erases them from everything stored; the log
filter scrubs every line. Two kinds of finding:

- the requester's *known* details (name, email, address lines, phone) wherever they appear, whatever
  their case;
- anything *shaped like* contact details: email addresses (also URL-encoded), UK telephone numbers, UK
  postcodes, and the name after a letter's sign-off ("Yours sincerely, Jane Doe").

Every pattern is linear in the text's length (a run is entered only at its start and consumed possessively),
so even an attacker's megabytes cannot make it backtrack. Pure: no Slack, no storage, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TOKEN = r"(?<![A-Za-z0-9-])(?:xox[abposer]|xapp)-[A-Za-z0-9-]++"
EMAIL = r"(?<![\w.+%-])(?:[\w.+-]|%(?!40)[0-9A-Fa-f]{2})++(?:@|%40|&#64;|&#x40;)[\w-]++(?:\.[\w-]++)++"
PHONE = r"(?<![\w+])(?:\+44\s?\(?0?\)?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?!\d)"
POSTCODE = r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\d[A-Za-z\d]?\s?\d[A-Za-z]{2}(?![A-Za-z0-9])"
_NAME_WORD = r"[A-Z][a-z'’]{0,30}+(?:-[A-Z][a-z'’]{0,30}+)?+"
SIGNOFF = (r"(?i:(?<![A-Za-z])(?P<signoff>yours (?:sincerely|faithfully|truly)|kind regards|best regards|regards|"
           r"many thanks|thanks|cheers|best wishes)),?[ \t]*(?:\r?\n)?[ \t]*"
           rf"(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}})")

CONTACT = re.compile("|".join(f"(?:{p})" for p in (TOKEN, EMAIL, PHONE, POSTCODE)))
SIGNED_NAME = re.compile(SIGNOFF)


def mask_contacts(text: str, replacement: str) -> str:
    """Text with anything shaped like contact details, and names after sign-offs, replaced."""
    text = CONTACT.sub(replacement, text)
    return SIGNED_NAME.sub(lambda m: f"{m.group('signoff')}, {replacement}", text)


def known_details(name: str | None, email: str | None, address: str | None, *extra: str | None) -> list[str]:
    """The requester's own details as strings to look for: the name (and its parts of 3+ letters when it has
    more than one), the email, each line of the address, anything else given."""
    found: list[str] = []
    if name and name.strip():
        found.append(name.strip())
        parts = [p for p in re.split(r"[\s,]+", name.strip()) if len(p) >= 3]
        if len(parts) > 1:
            found.extend(parts)
    if email and email.strip():
        found.append(email.strip())
    if address:
        found.extend(line.strip(" ,") for line in re.split(r"[\n,]+", address) if len(line.strip(" ,")) >= 3)
    found.extend(v.strip() for v in extra if v and v.strip())
    return sorted(set(found), key=len, reverse=True)  # longest first: "Jane Doe" before "Jane"


def erase(text: str, details: Iterable[str], replacement: str) -> str:
    """Text without the requester's known details (any case) nor anything shaped like contact details."""
    if not text:
        return text
    for value in details:
        text = re.sub(re.escape(value), replacement, text, flags=re.IGNORECASE)
    return mask_contacts(text, replacement)
