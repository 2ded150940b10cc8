"""The disclosure-log version of a sent letter: the same letter with the requester's details and anything
marked withheld removed, ready to publish.

A response is disclosure to the world, but the letter itself carries the requester's name, address and email
(and the request may quote them, with a phone number). The published version drops the addressee block and
the salutation, replaces the requester's details wherever they appear, removes contact details quoted in the
request, drops passages the team marked ``[withheld]…[/withheld]`` and annexes marked withheld. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

WITHHELD = re.compile(r"\[withheld\](.*?)\[/withheld\]", re.DOTALL | re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)\d(?:[\s-]?\d){8,9}(?!\d)")
REMOVED_NAME = "[name removed]"
REMOVED_EMAIL = "[email address removed]"
REMOVED_PHONE = "[telephone number removed]"
REMOVED_ADDRESS = "[address removed]"
REMOVED_PASSAGE = "[information withheld]"


@dataclass(frozen=True)
class Requester:
    name: str | None = None
    email: str | None = None
    address: str | None = None

    def address_lines(self) -> list[str]:
        lines = re.split(r"[\n,]", self.address or "")
        return [line.strip() for line in lines if len(line.strip()) >= 4 and "@" not in line]


def for_requester(text: str) -> str:
    """The letter the requester receives: withheld-marks dropped, their content kept."""
    return WITHHELD.sub(lambda m: m.group(1), text)


def disclosure_log_text(text: str, requester: Requester, *, organisation_contacts: Sequence[str] = (),
                        withheld_annexes: Sequence[str] = ()) -> str:
    """The publishable letter. ``organisation_contacts`` are the force's own email addresses and telephone
    numbers (kept); ``withheld_annexes`` are labels ("B") whose lines in the enclosures list are dropped."""
    text = WITHHELD.sub(REMOVED_PASSAGE, text)
    kept_contacts = {c.lower() for c in organisation_contacts}
    names = [n for n in {requester.name or ""} if len(n.strip()) >= 3]
    address_lines = requester.address_lines()
    email = (requester.email or "").strip()
    if "@" in (requester.address or ""):
        email = email or (requester.address or "").strip()

    out: list[str] = []
    for index, block in enumerate(text.split("\n\n")):
        lines = block.split("\n")
        # the addressee block (after the letterhead) and the salutation go altogether
        if index > 0 and names and lines[0].strip() in names and len(out) <= 2:
            continue
        if names and len(lines) == 1 and lines[0].strip() in {f"Dear {n}" for n in names} | {f"Dear {n}," for n in names}:
            continue
        if any(re.match(rf"^- Annex {re.escape(label)} – ", line) for label in withheld_annexes for line in lines):
            lines = [line for line in lines
                     if not any(line.startswith(f"- Annex {label} – ") for label in withheld_annexes)]
            if not lines:
                continue
        out.append("\n".join(lines))
    published = "\n\n".join(out)
    for name in names:
        published = re.sub(re.escape(name.strip()), REMOVED_NAME, published, flags=re.IGNORECASE)
    if email:
        published = published.replace(email, REMOVED_EMAIL)
    for line in address_lines:
        published = published.replace(line, REMOVED_ADDRESS)

    def in_quote(line: str) -> str:
        if not line.startswith(">"):
            return line
        line = _EMAIL.sub(lambda m: m.group(0) if m.group(0).lower() in kept_contacts else REMOVED_EMAIL, line)
        return _PHONE.sub(lambda m: m.group(0) if m.group(0).strip() in kept_contacts else REMOVED_PHONE, line)

    published = "\n".join(in_quote(line) for line in published.split("\n"))
    return published if published.endswith("\n") else published + "\n"
