"""Log redaction: every kind of personal detail goes, and no input makes it slow.

The filter runs on every log line, including lines about requests from strangers, so it must be linear in
the input. The property tests build megabytes of text from the characters the patterns care about (word
characters, dots, @, %, digits, spaces, capitals after sign-offs) and require the scrub to finish within a
bound that a quadratic pattern would blow by orders of magnitude but a busy machine will not.
"""

from __future__ import annotations

import logging
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.logging_setup import REDACTED, RedactingFilter, redact
from commands.rules.personal_data import mask_contacts

#: Seconds allowed for scrubbing 1-2 MB: linear takes under a second on our machines; quadratic, hours.
BOUND = 20.0


def test_each_kind_of_detail_is_redacted() -> None:
    cases = {
        "write to jane.doe@example.org today": "write to [redacted] today",
        "email=jane.doe%40example.co.uk&x=1": "email=[redacted]&x=1",
        "call 01707 354000 or +44 7700 900123": "call [redacted] or [redacted]",
        "at AL8 6XF please": "at [redacted] please",
        "token xoxb-123-abc-def": "token [redacted]",
        "Yours sincerely,\nJane Doe\nfoo": "Yours sincerely, [redacted]\nfoo",
        "Kind regards, Bob Smith-Jones and more": "Kind regards, [redacted] and more",
    }
    for raw, expected in cases.items():
        assert redact(raw) == expected


def test_a_long_message_is_cut_before_it_is_scrubbed() -> None:
    text = redact("x" * 100_000)
    assert len(text) < 4_100 and text.endswith("characters cut]")


def test_the_filter_rewrites_the_record_and_its_traceback() -> None:
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed for %s", ("pat@example.org",), None)
    try:
        raise ValueError("duplicate key (email)=(pat@example.org)")
    except ValueError as exc:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    RedactingFilter().filter(record)
    assert record.getMessage() == "failed for [redacted]"
    assert "pat@example.org" not in (record.exc_text or "") and "ValueError" in (record.exc_text or "")


ADVERSARIAL = st.text(alphabet="aZ9._%+-@ \n,0+44Yours sincerely", min_size=1, max_size=40)


@settings(max_examples=8, deadline=None)
@given(ADVERSARIAL, st.sampled_from([1_000_000]))
def test_megabytes_of_adversarial_text_are_scrubbed_in_linear_time(unit: str, size: int) -> None:
    text = (unit * (size // len(unit) + 1))[:size]
    started = time.perf_counter()
    mask_contacts(text, REDACTED)  # the patterns themselves, without the length cut
    assert time.perf_counter() - started < BOUND


def test_the_known_worst_shapes_stay_linear() -> None:
    for text in ("a" * 1_000_000, "a." * 500_000, "x@" * 500_000, "%41" * 350_000, "0" * 1_000_000,
                 "a@b." * 250_000, "Ab " * 350_000, "+44 " * 250_000, "Yours sincerely " * 65_000):
        started = time.perf_counter()
        mask_contacts(text, REDACTED)
        assert time.perf_counter() - started < BOUND, text[:10]
