"""Whether a request has been asked before: the same words as earlier cases, the same requester again.

Pure rules over plain values (the storage layer finds the candidates):

- *similar earlier cases*: candidates found by full-text search are kept when they share enough
  distinctive words with the new request's questions, so a common word ("arrests") alone does not make
  two requests alike; the shared words are shown so the team can judge.
- *same requester*: the same email address on a similar subject within 60 working days. The Freedom of
  Information and Data Protection (Appropriate Limit and Fees) Regulations 2004, reg 5, let an
  authority aggregate the cost of requests for the same or similar information made by one person within
  60 consecutive working days; FOIA s.14(2) lets it refuse an identical or substantially similar request
  from the same person unless a reasonable interval has passed. Both are the team's decision: the flag
  only says the facts and cites the rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from commands.rules.calendar import WorkingDayCalendar

#: Regulation 5 of the Fees Regulations 2004: requests within this many working days may be aggregated.
AGGREGATION_WORKING_DAYS = 60
#: Shared distinctive words that make two requests "similar".
MIN_SHARED_WORDS = 2
MIN_SHARED_SHARE = 0.25

_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s")


def stem(word: str) -> str:
    """A crude English stem, enough to see "tasers" and "taser", "discharged" and "discharges" as one."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word[:-1] if word.endswith("e") and len(word) > 5 else word


def _stems(words: Iterable[str]) -> dict[str, str]:
    return {stem(word): word for word in words}


def shared_words(new_words: Sequence[str], earlier_words: Sequence[str]) -> tuple[str, ...]:
    """The new request's distinctive words that the earlier one also uses, in the new request's order."""
    earlier = _stems(earlier_words)
    return tuple(word for s, word in _stems(new_words).items() if s in earlier)


def is_similar(new_words: Sequence[str], earlier_words: Sequence[str]) -> bool:
    shared = shared_words(new_words, earlier_words)
    smaller = min(len(set(map(stem, new_words))), len(set(map(stem, earlier_words)))) or 1
    return len(shared) >= MIN_SHARED_WORDS and len(shared) / smaller >= MIN_SHARED_SHARE


@dataclass(frozen=True)
class EarlierCase:
    """An earlier case as the rules see it: no personal data beyond what the check needs."""

    reference: str
    received: date
    status: str
    outcome: str | None
    words: tuple[str, ...]
    rank: float = 0.0


@dataclass(frozen=True)
class SimilarCase:
    reference: str
    received: date
    outcome: str
    shared: tuple[str, ...]


def similar_cases(new_words: Sequence[str], candidates: Iterable[EarlierCase], limit: int = 3) -> list[SimilarCase]:
    """Up to ``limit`` earlier cases most like the new request: most shared words first, then search rank."""
    kept: list[tuple[int, float, SimilarCase]] = []
    for candidate in candidates:
        if not is_similar(new_words, candidate.words):
            continue
        shared = shared_words(new_words, candidate.words)
        outcome = candidate.outcome or candidate.status
        kept.append((len(shared), candidate.rank, SimilarCase(candidate.reference, candidate.received, outcome, shared)))
    kept.sort(key=lambda item: (-item[0], -item[1], item[2].received))
    return [item[2] for item in kept[:limit]]


@dataclass(frozen=True)
class SameRequesterFlag:
    """Earlier requests from the same person on a similar subject within the aggregation window."""

    earlier: tuple[tuple[str, date, int], ...]  # (reference, received, working days apart)

    def text(self) -> str:
        cases = ", ".join(
            f"{reference} (received {received.isoformat()}, {apart} working day{'s' if apart != 1 else ''} apart)"
            for reference, received, apart in self.earlier
        )
        return (
            f"Same requester, similar subject, within {AGGREGATION_WORKING_DAYS} working days: {cases}. "
            "Consider aggregating the cost of these requests (Freedom of Information and Data Protection "
            "(Appropriate Limit and Fees) Regulations 2004, reg 5) and whether this is a repeated request "
            "(FOIA s.14(2))."
        )


def same_requester_flag(
    received: date,
    new_words: Sequence[str],
    earlier: Iterable[EarlierCase],
    calendar: WorkingDayCalendar,
) -> SameRequesterFlag | None:
    """The flag for a request received on ``received``, given the same requester's other cases."""
    found: list[tuple[str, date, int]] = []
    for case in earlier:
        apart = abs(calendar.working_days_between(min(case.received, received), max(case.received, received)))
        # Both requests fall within one period of 60 consecutive working days when the later one is at most
        # the 60th working day counting the earlier one's day as the first: 59 working days after it.
        if apart < AGGREGATION_WORKING_DAYS and is_similar(new_words, case.words):
            found.append((case.reference, case.received, apart))
    if not found:
        return None
    found.sort(key=lambda item: (item[1], item[0]))
    return SameRequesterFlag(tuple(found))


_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normal_email(email: str | None) -> str | None:
    """The address compared case-insensitively; anything that is not an address is no match."""
    if not email:
        return None
    email = email.strip().lower()
    return email if _EMAIL_SHAPE.match(email) else None
