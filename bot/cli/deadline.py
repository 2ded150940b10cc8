"""`foi-bot deadline RECEIVED [...]`: the statutory clock from the terminal, without a case or a database.

For a caseworker checking a date before it goes in a letter, and for anyone checking the bot: the same
pure domain function the bot uses, the dates it applies, the holidays it skipped and why. Impossible
facts (a fee paid before its notice, a review before the response) are one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime

from commands.rules.clock import (
    RECEIPT_RULES,
    REGIMES,
    REVIEW_WINDOWS,
    ClockError,
    ClockFacts,
    Deadlines,
    compute_deadlines,
    describe,
)

#: Dates the CLI shows after ``due``, in this order, when they apply.
_OTHER_DATES: tuple[tuple[str, str], ...] = (
    ("extended_due", "extended due"),
    ("extension_limit", "extension limit"),
    ("review_request_by", "review request by"),
    ("review_due", "review due"),
    ("review_max", "review outer limit"),
    ("fee_lapses", "fee lapses"),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "deadline",
        help="work out statutory deadlines for a request",
        description="Statutory deadlines (FOIA, EIR, FOISA, SAR) for a request received on RECEIVED, with the "
        "holidays skipped and the rules applied. Dates are YYYY-MM-DD (DD/MM/YYYY also accepted).",
    )
    parser.add_argument("received", metavar="RECEIVED", help="date the request was received")
    parser.add_argument("--regime", default="foia", metavar="{foia,eir,foisa,sar}", help="default: foia")
    parser.add_argument("--clarified", metavar="D", help="date clarification was received (clock restarts)")
    parser.add_argument("--fee-notice", metavar="D", help="date a fees notice was given (clock stops)")
    parser.add_argument("--fee-paid", metavar="D", help="date the fee was received (clock resumes)")
    parser.add_argument(
        "--extended", action="store_true", help="time extended (public interest, EIR reg 7, SAR)"
    )
    parser.add_argument("--responded", metavar="D", help="date of the response letter")
    parser.add_argument(
        "--review-requested", metavar="D", help="date the internal review request was received"
    )
    parser.add_argument(
        "--receipt-rule", default="ico", metavar="{ico,code2018}", help="non-working-day receipt"
    )
    parser.add_argument(
        "--review-window", default="2m", metavar="{2m,40wd}", help="window to ask for a review"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.set_defaults(func=run_deadline)


class _BadInput(ValueError):
    """A value the user typed that is not what the option takes."""


def _parse_date(text: str, what: str) -> date:
    """YYYY-MM-DD, or the DD/MM/YYYY a UK caseworker may type; anything else is refused by name."""
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise _BadInput(f"{what}: {text!r} is not a valid date (use YYYY-MM-DD)")


def _optional_date(text: str | None, what: str) -> date | None:
    return None if text is None else _parse_date(text, what)


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise _BadInput(f"{what}: {value!r} is not one of {', '.join(allowed)}")
    return value


def facts_from_args(args: argparse.Namespace) -> ClockFacts:
    """The parsed options as ClockFacts: one option to one fact, nothing inferred."""
    received = _parse_date(args.received, "RECEIVED")
    return ClockFacts(
        regime=_choice(args.regime, tuple(REGIMES), "--regime"),
        received=received,
        clarified=_optional_date(args.clarified, "--clarified"),
        fee_notice=_optional_date(args.fee_notice, "--fee-notice"),
        fee_paid=_optional_date(args.fee_paid, "--fee-paid"),
        extended=bool(args.extended),
        responded=_optional_date(args.responded, "--responded"),
        review_requested=_optional_date(args.review_requested, "--review-requested"),
        receipt_rule=_choice(args.receipt_rule, RECEIPT_RULES, "--receipt-rule"),
        review_window=_choice(args.review_window, REVIEW_WINDOWS, "--review-window"),
    )


def render_text(deadlines: Deadlines) -> str:
    """The due date first, then the other dates that apply, the holidays skipped and the reasons."""
    if deadlines.due is not None:
        out = [f"due {deadlines.due.isoformat()} ({describe(deadlines.due)})"]
    else:
        out = ["due -- clock stopped (awaiting clarification or fee)"]
    regime = REGIMES[deadlines.regime]
    out.append(f"regime {regime.code} ({regime.title})")
    out.append(f"received {deadlines.received.isoformat()} ({describe(deadlines.received)})")
    for key, label in _OTHER_DATES:
        value = getattr(deadlines, key)
        if value is not None:
            out.append(f"{label} {value.isoformat()} ({describe(value)})")
    if deadlines.extension_flag:
        out.append(f"warning: {deadlines.extension_flag}")
    if deadlines.skipped:
        out.append("skipped:")
        out.extend(f"  {d.isoformat()} {name}" for d, name in deadlines.skipped)
    out.append("why:")
    out.extend(f"  - {line}" for line in deadlines.explanation)
    out.append(f"calendar {deadlines.calendar} {deadlines.calendar_version}")
    return "\n".join(out)


def run_deadline(args: argparse.Namespace) -> int:
    """Print the deadlines; exit 2 with one line on stderr when the input is impossible or malformed."""
    try:
        deadlines = compute_deadlines(facts_from_args(args))
    except (_BadInput, ClockError) as exc:
        print(f"foi-bot deadline: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(deadlines.to_json_dict(), indent=2, ensure_ascii=False))
    else:
        print(render_text(deadlines))
    return 0
