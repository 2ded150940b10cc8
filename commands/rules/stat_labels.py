"""Words a reader understands for the values in statistics tables: periods, outcome categories, areas.

A table that leaves the building is read by a requester, a journalist or a councillor, not by the person
who wrote the query, so it never shows internal names (``further-investigation-not-in-public-interest``,
``- all``, ``2021-01``): periods read "January–March 2021", police.uk outcome categories carry the Home
Office outcome number they correspond to, and a force's police.uk file prefix becomes its name.

The police.uk → Home Office mapping is the one in ``shared/data/reference/policeuk_outcome_category_to_HO.csv``
(police.uk's own category names; Home Office Counting Rules outcome types 1-22). Only mappings of medium
confidence or better are shown in labels; categories with no Home Office outcome (court results, "Under
investigation") are shown as police.uk words alone.

Pure functions, no I/O.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date

#: Home Office outcome types 1-22 with their commonly published labels (shared/data/reference/ho_outcome_types.csv).
HO_OUTCOME_LABELS: dict[int, str] = {
    1: "Charged/Summonsed",
    2: "Caution - youths",
    3: "Caution - adults",
    4: "Taken into consideration",
    5: "Offender died",
    6: "Penalty Notice for Disorder",
    7: "Cannabis/Khat warning",
    8: "Community resolution",
    9: "Prosecution not in the public interest (CPS)",
    10: "Formal action against the offender is not in the public interest (Police)",
    11: "Prosecution prevented - suspect under age",
    12: "Prosecution prevented - suspect too ill",
    13: "Prosecution prevented - victim or key witness dead/too ill",
    14: "Evidential difficulties: suspect not identified; victim does not support further action",
    15: "Evidential difficulties: suspect identified; victim supports action",
    16: "Evidential difficulties: suspect identified; victim does not support further action",
    17: "Prosecution time limit expired",
    18: "Investigation complete - no suspect identified",
    19: "National Fraud Intelligence Bureau filed (fraud)",
    20: "Responsibility for further investigation transferred to another body",
    21: "Further investigation to support formal action not in the public interest - police decision",
    22: "Diversionary, educational or intervention activity",
}


#: police.uk outcome category -> the Home Office outcome number(s) it corresponds to, in words.
POLICEUK_OUTCOME_HO: dict[str, str] = {
    "Suspect charged": "Outcome 1",
    "Suspect charged as part of another case": "Outcome 4",
    "Offender given a caution": "Outcomes 2 and 3",
    "Offender given a drugs possession warning": "Outcome 7",
    "Offender given penalty notice": "Outcome 6",
    "Local resolution": "Outcome 8",
    "Formal action is not in the public interest": "Outcomes 9 and 10",
    "Further investigation is not in the public interest": "Outcome 21",
    "Further action is not in the public interest": "Outcome 22",
    "Action to be taken by another organisation": "Outcome 20",
    "Investigation complete; no suspect identified": "Outcome 18",
    "Unable to prosecute suspect": "Outcomes 15 and 16",
}

#: The police.uk outcome categories (what the outcomes files can contain), in police.uk's order.
POLICEUK_OUTCOME_CATEGORIES: tuple[str, ...] = (
    *POLICEUK_OUTCOME_HO,
    "Under investigation",
    "Status update unavailable",
)

#: Attribution police.uk asks for, on every table and chart that uses its data (OGL v3.0).
POLICEUK_ATTRIBUTION = (
    "Source: police.uk open data. Contains public sector information licensed under the "
    "Open Government Licence v3.0."
)

ASB = "Anti-social behaviour"
ASB_APART_LABEL = "Anti-social behaviour incidents (not crimes)"

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_SMALL_WORDS = {"and", "of", "the", "on", "upon", "in"}


def policeuk_outcome_label(category: object) -> str:
    """"Unable to prosecute suspect (Home Office Outcomes 15 and 16)"; unknown categories unchanged."""
    text = "" if category is None else str(category)
    ho = POLICEUK_OUTCOME_HO.get(text)
    return f"{text} (Home Office {ho})" if ho else text


def ho_outcome_label(value: object) -> str:
    """``21`` -> ``21 (Further investigation to support formal action not in the public interest - police decision)``."""
    try:
        number = int(str(value))
    except ValueError:
        return str(value)
    label = HO_OUTCOME_LABELS.get(number)
    return f"{number} ({label})" if label else str(number)


def month_label(value: object) -> str:
    """``2021-03`` -> ``March 2021``; anything else unchanged."""
    match = _MONTH_RE.match(str(value))
    if not match:
        return "" if value is None else str(value)
    year, month = int(match.group(1)), int(match.group(2))
    return f"{calendar.month_name[month]} {year}" if 1 <= month <= 12 else str(value)


LABEL_SETS = {
    "policeuk-outcome": policeuk_outcome_label,
    "month": month_label,
    "ho-outcome": ho_outcome_label,
}


def label_value(label_set: str | None, value: object) -> str:
    """The display words for ``value`` under a named label set (``None``: the value as text)."""
    if value is None:
        return "Not recorded"
    if label_set is None:
        return str(value)
    return LABEL_SETS[label_set](value)


def _as_month(value: object) -> tuple[int, int] | None:
    if isinstance(value, date):
        return value.year, value.month
    match = _MONTH_RE.match(str(value))
    return (int(match.group(1)), int(match.group(2))) if match else None


def period_words(start: object, end: object) -> str:
    """A period as a reader says it.

    Months (``2021-01``..``2021-03``) read "January–March 2021" (or "November 2020–February 2021", or
    "March 2021"); dates read "1 January 2016 to 31 January 2018", as the force's letters give them.
    """
    if isinstance(start, date) and isinstance(end, date):
        return f"{day_words(start)} to {day_words(end)}"
    first, last = _as_month(start), _as_month(end)
    if first is None or last is None:
        return f"{start} to {end}"
    (y1, m1), (y2, m2) = first, last
    if (y1, m1) == (y2, m2):
        return f"{calendar.month_name[m1]} {y1}"
    if y1 == y2:
        return f"{calendar.month_name[m1]}–{calendar.month_name[m2]} {y1}"
    return f"{calendar.month_name[m1]} {y1}–{calendar.month_name[m2]} {y2}"


def day_words(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def months_between(start: str, end: str) -> list[str]:
    """Every ``YYYY-MM`` from ``start`` to ``end`` inclusive."""
    (y, m), (y2, m2) = _as_month(start) or (0, 0), _as_month(end) or (0, 0)
    out: list[str] = []
    while (y, m) <= (y2, m2) and y:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_runs(months: Iterable[str]) -> list[tuple[str, str]]:
    """Consecutive months grouped into (first, last) runs: 2021-04, 2021-05, 2021-07 -> two runs."""
    runs: list[tuple[str, str]] = []
    for month in sorted(set(months)):
        if runs and months_between(runs[-1][1], month)[1:2] == [month]:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def area_from_batch(batch: str) -> str:
    """police.uk file prefix to a force area name: ``2021-01-avon-and-somerset`` -> ``Avon and Somerset``."""
    slug = re.sub(r"^\d{4}-\d{2}-", "", batch)
    words = [w for w in slug.split("-") if w]
    return " ".join(w if (i and w in _SMALL_WORDS) else w.capitalize() for i, w in enumerate(words))


def join_words(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
