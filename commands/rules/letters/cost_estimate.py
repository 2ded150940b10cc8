"""The cost-limit estimate a refusal states, read from the caseworker's ``hours`` note and checked.

FOIA s.12 (FOISA s.12, EIR reg 12(4)(b)) lets an authority refuse when its estimate of the work exceeds the
limit; the Information Commissioner expects the refusal to show a sensible, realistic estimate -- the
activities and the time each takes -- not a bare assertion. The team writes the estimate as it would in the
letter ("1,144 records at 3 minutes each = 57 hours"); this module reads the activities and the total, checks
the arithmetic, and compares the total with the regime's limit, so the drafter is warned before a refusal
goes out with an estimate that does not add up or does not exceed the limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ACTIVITY = re.compile(
    r"(?P<count>\d[\d,]*)\s+(?P<what>[A-Za-z][\w '/-]*?)\s+(?:at|x|×|@)\s*(?:about\s+|approximately\s+)?"
    r"(?P<time>\d+(?:\.\d+)?)\s*(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?)\b",
    re.IGNORECASE,
)
_TOTAL = re.compile(r"(?:=|total(?:ling)?|in all|about|approximately)?\s*(?P<hours>\d[\d,]*(?:\.\d+)?)\s*(?:hours?|hrs?)\b",
                    re.IGNORECASE)


@dataclass(frozen=True)
class Activity:
    count: int
    what: str
    minutes_each: float

    @property
    def hours(self) -> float:
        return self.count * self.minutes_each / 60


@dataclass(frozen=True)
class CostEstimate:
    """What the ``hours`` note says: its text, the activities found, the total hours (stated, else computed)
    and the problems a drafter should fix or weigh."""

    text: str
    activities: tuple[Activity, ...] = ()
    hours: float | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def hours_text(self) -> str:
        if self.hours is None:
            return ""
        whole = round(self.hours)
        return f"{whole:,} hours" if abs(self.hours - whole) < 0.05 else f"{self.hours:,.1f} hours"


def _minutes(value: float, unit: str) -> float:
    unit = unit.lower()
    if unit.startswith(("s",)):
        return value / 60
    if unit.startswith(("h",)):
        return value * 60
    return value


def read_estimate(text: str, *, limit_hours: int) -> CostEstimate:
    """Read "1,144 records at 3 minutes each = 57 hours" (several activities may be joined by "and", ";" or
    new lines; a bare "150" means 150 hours) and check it against the limit."""
    cleaned = " ".join((text or "").split())
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        hours = float(cleaned)
        problems = ["the estimate gives hours but not the activities behind them (e.g. '1,144 records at 3 minutes "
                    "each = 57 hours'); the Commissioner expects the estimate to be explained"]
        if hours <= limit_hours:
            problems.append(f"{cleaned} hours does not exceed the limit of {limit_hours} hours")
        return CostEstimate(text=f"{cleaned} hours", hours=hours, problems=tuple(problems))
    activities = []
    spans = []
    for match in _ACTIVITY.finditer(cleaned):
        count = int(match.group("count").replace(",", ""))
        minutes = _minutes(float(match.group("time")), match.group("unit"))
        activities.append(Activity(count, match.group("what").strip(), minutes))
        spans.append(match.span())
    computed = sum(a.hours for a in activities) if activities else None
    stated = None
    for match in _TOTAL.finditer(cleaned):
        if any(start <= match.start("hours") < end for start, end in spans):
            continue  # "at 2 hours each" is an activity's time, not the total
        stated = float(match.group("hours").replace(",", ""))
    problems: list[str] = []
    if not activities:
        problems.append("the estimate does not say which activities take how long (e.g. '1,144 records at 3 "
                        "minutes each = 57 hours')")
    if stated is not None and computed is not None and abs(stated - computed) > max(1.0, 0.05 * computed):
        problems.append(f"the estimate says {stated:g} hours, but its activities add up to {computed:,.1f} hours")
    hours = stated if stated is not None else computed
    if hours is None:
        problems.append("the estimate gives no number of hours")
    elif hours <= limit_hours:
        problems.append(f"the estimate ({hours:g} hours) does not exceed the limit of {limit_hours} hours, so the "
                        "cost limit does not apply")
    return CostEstimate(text=cleaned, activities=tuple(activities), hours=hours, problems=tuple(problems))
