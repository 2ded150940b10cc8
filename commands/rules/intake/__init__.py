"""The request parser: reads a request text and proposes a case. Pure functions only.

No Slack, no storage, no settings and no clock: ``today`` and the message time are passed in, so a text
reads the same way in tests and in production. The modules, by what they hold:

- ``model``: the proposal's frozen records and its JSON interface;
- ``text``: same-length clean-up and email header blocks;
- ``dates``: received dates and the periods a request covers;
- ``questions``: where the request is in a text and its questions, nested as written;
- ``requester``: who asked (From header, web form, sign-off);
- ``references``: case references;
- ``classify``: follow-up, regime and language guesses;
- ``score``: how much a message looks like a request at all;
- ``threads``: a WhatDoTheyKnow page or pasted thread holding several requests;
- ``parse``: :func:`parse_request`, which puts them together.
"""

from commands.rules.intake.classify import classify_follow_up
from commands.rules.intake.model import (
    DEFAULT_OWN_PREFIXES,
    Period,
    Question,
    Received,
    Reference,
    RegimeGuess,
    Requester,
    RequestProposal,
    Span,
    Subject,
)
from commands.rules.intake.parse import MAX_TEXT_CHARS, parse_request
from commands.rules.intake.references import find_references

__all__ = [
    "DEFAULT_OWN_PREFIXES",
    "MAX_TEXT_CHARS",
    "Period",
    "Question",
    "Received",
    "Reference",
    "RegimeGuess",
    "RequestProposal",
    "Requester",
    "Span",
    "Subject",
    "classify_follow_up",
    "find_references",
    "parse_request",
]
