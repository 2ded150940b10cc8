"""Working-day calendars for the statutory clocks: which days count, and fast counting over them.

Each information-rights regime defines "working day" by reference to a different set of bank holidays:

* FOIA 2000 s.10(6) and the EIR 2004 reg 2(1): any day other than a Saturday, a Sunday, Christmas Day,
  Good Friday or a day which is a bank holiday under the Banking and Financial Dealings Act 1971 *in any
  part of the United Kingdom* -- so a police force in Hertfordshire must skip Scotland's 2 January and
  Northern Ireland's 12 July. That is the ``"uk"`` calendar: the union of England, Wales, Scotland and
  Northern Ireland.
* FOISA 2002 s.73: any day other than a Saturday, a Sunday, Christmas Day or a bank holiday under the
  1971 Act *in Scotland* -- Easter Monday, 17 March and 12 July are working days. ``"scotland"``.
* UK GDPR subject access: no statutory definition; the ICO's right-of-access guidance moves a deadline
  that falls on "a weekend or a public holiday" to the next working day of the controller's own
  jurisdiction. ``"england-wales"`` by default, ``"northern-ireland"`` and ``"scotland"`` available.

Holidays come from the pinned ``holidays`` package (gov.uk lists and royal proclamations, including
one-off days such as the 2011 royal wedding, the 2012 and 2022 jubilees, the 2022 state funeral, the
2023 coronation and Scotland's 15 June 2026), corrected by ``calendar_overrides.csv`` beside this file.
Every calendar carries a ``version`` naming both, which the case register stores beside each deadline so
that a later proclamation never silently moves a historic one.

Counting is the hot path (reminder sweeps, statistics over every case ever received), so each calendar
precomputes, once, the sorted list of working days and a prefix count over every day in its range: adding
N working days or counting the working days between two dates is two list look-ups, never a walk over
the days in between.
"""

from __future__ import annotations

import csv
import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import holidays
from dateutil.easter import easter

#: The override file: rows the ``holidays`` package lacks or gets wrong, each with its source.
DEFAULT_OVERRIDES_PATH = Path(__file__).resolve().parent / "calendar_overrides.csv"

#: Years every calendar covers. The deadlines we care about run from 2007 (the oldest case a force is
#: likely to be asked about) to 2030; the margin either side costs nothing.
FIRST_YEAR = 2000
LAST_YEAR = 2040
#: The working-day table runs one year past LAST_YEAR so that adding 40 working days, or two months, to a
#: date late in LAST_YEAR still lands inside the table.
_TABLE_LAST_YEAR = LAST_YEAR + 1

#: ISO 3166-2:GB subdivision codes as the ``holidays`` package spells them, with their names.
SUBDIVISION_NAMES: dict[str, str] = {
    "ENG": "England",
    "WLS": "Wales",
    "SCT": "Scotland",
    "NIR": "Northern Ireland",
}


@dataclass(frozen=True)
class CalendarSpec:
    """Which parts of the UK a calendar's bank holidays come from, and the provision that says so."""

    name: str
    title: str
    subdivisions: tuple[str, ...]
    citation: str


CALENDAR_SPECS: dict[str, CalendarSpec] = {
    spec.name: spec
    for spec in (
        CalendarSpec(
            "uk",
            "bank holidays in any part of the United Kingdom",
            ("ENG", "WLS", "SCT", "NIR"),
            "FOIA 2000 s.10(6); EIR 2004 reg 2(1)",
        ),
        CalendarSpec("scotland", "Scottish bank holidays", ("SCT",), "FOISA 2002 s.73"),
        CalendarSpec(
            "england-wales",
            "bank holidays in England and Wales",
            ("ENG", "WLS"),
            "ICO right-of-access guidance (controller's jurisdiction)",
        ),
        CalendarSpec(
            "northern-ireland",
            "bank holidays in Northern Ireland",
            ("NIR",),
            "ICO right-of-access guidance (controller's jurisdiction)",
        ),
    )
}
CALENDAR_NAMES: tuple[str, ...] = tuple(CALENDAR_SPECS)


class CalendarError(ValueError):
    """A calendar cannot answer: a date outside its range, an unknown name or a bad override row."""


class CalendarRangeError(CalendarError):
    """A date falls outside the years the calendar was built for."""


@dataclass(frozen=True)
class CalendarOverride:
    """One row of ``calendar_overrides.csv``: add or remove a holiday in some subdivisions or calendars.

    ``targets`` are subdivision codes (ENG, WLS, SCT, NIR; ``ALL`` for the four) or calendar names (uk,
    scotland, ...). A subdivision row changes every calendar that draws on that subdivision; a calendar
    row changes that calendar only.
    """

    day: date
    targets: tuple[str, ...]
    action: str
    name: str
    source: str


def load_overrides(path: Path = DEFAULT_OVERRIDES_PATH) -> list[CalendarOverride]:
    """Read and check the override file; a row without a source is refused, so none goes unexplained."""
    rows: list[CalendarOverride] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name} line {line_no}"
            try:
                day = date.fromisoformat((row.get("date") or "").strip())
            except ValueError as exc:
                raise CalendarError(f"{where}: {row.get('date')!r} is not a YYYY-MM-DD date") from exc
            targets = tuple((row.get("subdivisions") or "").replace(",", " ").split())
            for target in targets:
                if target not in SUBDIVISION_NAMES and target not in CALENDAR_SPECS and target != "ALL":
                    raise CalendarError(f"{where}: unknown subdivision or calendar {target!r}")
            if not targets:
                raise CalendarError(f"{where}: no subdivision or calendar given")
            action = (row.get("action") or "").strip().lower()
            if action not in ("add", "remove"):
                raise CalendarError(f"{where}: action must be 'add' or 'remove', not {action!r}")
            name = (row.get("name") or "").strip()
            source = (row.get("source") or "").strip()
            if not name or not source:
                raise CalendarError(f"{where}: every override needs a name and a source")
            rows.append(CalendarOverride(day, targets, action, name, source))
    return rows


def overrides_fingerprint(path: Path = DEFAULT_OVERRIDES_PATH) -> str:
    """A short hash of the override file, so a calendar's version changes whenever a row does."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:8]


def _apply(target: dict[date, str], override: CalendarOverride) -> None:
    if override.action == "add":
        target[override.day] = override.name
    else:
        target.pop(override.day, None)


def _subdivision_holidays(
    subdivision: str, years: range, overrides: Iterable[CalendarOverride]
) -> dict[date, str]:
    """One subdivision's bank holidays from the package, with the override rows for it applied."""
    found: dict[date, str] = dict(holidays.country_holidays("GB", subdiv=subdivision, years=years).items())
    for override in overrides:
        if subdivision in override.targets or "ALL" in override.targets:
            _apply(found, override)
    # Christmas Day and Good Friday are named in FOIA s.10(6) and FOISA s.73 (and are common-law or
    # bank holidays everywhere in the UK); make sure no package change can drop them.
    for year in years:
        found.setdefault(date(year, 12, 25), "Christmas Day")
        good_friday = date.fromordinal(easter(year).toordinal() - 2)
        found.setdefault(good_friday, "Good Friday")
    return found


def _label(name: str, subdivisions: list[str]) -> str:
    """Name a holiday kept by only some of a calendar's parts: "Battle of the Boyne (Northern Ireland)"."""
    places = [SUBDIVISION_NAMES[s] for s in subdivisions]
    where = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
    observed = " (observed)"
    if name.endswith(observed):
        return f"{name[: -len(observed)]} (observed, {where})"
    return f"{name} ({where})"


def _merge(spec: CalendarSpec, per_subdivision: Mapping[str, Mapping[date, str]]) -> dict[date, str]:
    """Union the subdivisions' holidays, naming each once.

    A name kept in England or Wales is shown plain (the common case for an English force); a name kept
    only in Scotland or Northern Ireland is labelled with where, so a reader sees *why* a Tuesday in
    July does not count.
    """
    names_by_day: dict[date, dict[str, list[str]]] = {}
    for subdivision in spec.subdivisions:
        for day, joined in per_subdivision[subdivision].items():
            for name in joined.split("; "):
                names_by_day.setdefault(day, {}).setdefault(name, []).append(subdivision)
    merged: dict[date, str] = {}
    reference = {"ENG", "WLS"} if {"ENG", "WLS"} & set(spec.subdivisions) else set(spec.subdivisions)
    for day, names in names_by_day.items():
        labels = [
            name if reference & set(where) or len(spec.subdivisions) == 1 else _label(name, where)
            for name, where in names.items()
        ]
        merged[day] = "; ".join(labels)
    return merged


class WorkingDayCalendar:
    """The working days of one calendar over a fixed range of years, with O(1) counting.

    ``_working`` is the sorted list of working days (as ordinals) and ``_before[i]`` the number of working
    days strictly before the i-th day of the range, so every question below is a couple of list look-ups.
    """

    def __init__(
        self,
        name: str,
        holiday_names: Mapping[date, str],
        version: str,
        first: date,
        last: date,
        title: str = "",
        citation: str = "",
    ) -> None:
        if last < first:
            raise CalendarError(f"calendar {name!r}: range ends before it starts")
        self.name = name
        self.version = version
        self.title = title
        self.citation = citation
        self.first = first
        self.last = last
        self._names: dict[date, str] = {
            d: holiday_names[d] for d in sorted(holiday_names) if first <= d <= last
        }
        self._holiday_days: list[date] = list(self._names)
        holiday_ordinals = {d.toordinal() for d in self._names}
        self._base = first.toordinal()
        end = last.toordinal()
        working: list[int] = []
        before: list[int] = [0]
        for ordinal in range(self._base, end + 1):
            # date.fromordinal(1) is a Monday, so (ordinal + 6) % 7 is date.weekday(): 5 and 6 are the weekend.
            if (ordinal + 6) % 7 < 5 and ordinal not in holiday_ordinals:
                working.append(ordinal)
            before.append(len(working))
        self._working = working
        self._before = before

    def __repr__(self) -> str:
        return f"WorkingDayCalendar({self.name!r}, {self.first}..{self.last}, version={self.version!r})"

    # -- range ---------------------------------------------------------------------------------------
    def covers(self, day: date) -> bool:
        """Whether ``day`` is inside the years this calendar was built for."""
        return self.first <= day <= self.last

    def _index(self, day: date) -> int:
        index = day.toordinal() - self._base
        if index < 0 or index >= len(self._before) - 1:
            raise CalendarRangeError(
                f"{day.isoformat()} is outside the {self.name} working-day calendar "
                f"({self.first.isoformat()} to {self.last.isoformat()})"
            )
        return index

    def _working_day(self, position: int, near: date) -> date:
        if position < 0 or position >= len(self._working):
            raise CalendarRangeError(
                f"counting from {near.isoformat()} runs outside the {self.name} working-day calendar "
                f"({self.first.isoformat()} to {self.last.isoformat()})"
            )
        return date.fromordinal(self._working[position])

    # -- questions -----------------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        """Not a Saturday or Sunday and not a holiday of this calendar."""
        index = self._index(day)
        return self._before[index + 1] != self._before[index]

    def name_of(self, day: date) -> str | None:
        """The holiday's name ("Good Friday"), or None for an ordinary day (weekends are not named)."""
        self._index(day)
        return self._names.get(day)

    def next_working_day_after(self, day: date) -> date:
        """The first working day strictly after ``day`` (the ICO reading's day 1 after a weekend receipt)."""
        return self._working_day(self._before[self._index(day) + 1], day)

    def working_day_on_or_after(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next one (Code of Practice 2018 receipt rule)."""
        return self._working_day(self._before[self._index(day)], day)

    def working_day_on_or_before(self, day: date) -> date:
        """``day`` itself if it is a working day, else the last one before it."""
        return self._working_day(self._before[self._index(day) + 1] - 1, day)

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (``day`` itself is day 0 and need not be a working day).

        n = 0 returns ``day`` unchanged; a negative n counts back: the |n|-th working day before ``day``.
        """
        index = self._index(day)
        if n > 0:
            return self._working_day(self._before[index + 1] + n - 1, day)
        if n < 0:
            return self._working_day(self._before[index] + n, day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end; negative (minus the count of end < d <= start) if end < start.

        So ``working_days_between(d, add_working_days(d, n)) == n`` for every d and n >= 0.
        """
        return self._before[self._index(end) + 1] - self._before[self._index(start) + 1]

    def working_days_in(self, start: date, end: date) -> int:
        """Working days d with start <= d <= end (both inclusive), 0 if end < start: a clock-stop's length."""
        if end < start:
            return 0
        return self._before[self._index(end) + 1] - self._before[self._index(start)]

    def holidays_between(
        self, start: date, end: date, *, weekdays_only: bool = True
    ) -> list[tuple[date, str]]:
        """Holidays d with start <= d <= end, as (date, name), oldest first.

        By default only those falling Monday to Friday: the ones that actually cost a working day.
        """
        self._index(start)
        self._index(end)
        lo = bisect_left(self._holiday_days, start)
        hi = bisect_right(self._holiday_days, end)
        days = self._holiday_days[lo:hi]
        return [(d, self._names[d]) for d in days if not weekdays_only or d.weekday() < 5]


def build_calendar(
    name: str,
    overrides_path: Path = DEFAULT_OVERRIDES_PATH,
    first_year: int = FIRST_YEAR,
    last_year: int = _TABLE_LAST_YEAR,
) -> WorkingDayCalendar:
    """Build a calendar from the package and an override file (tests pass their own file)."""
    spec = CALENDAR_SPECS.get(name)
    if spec is None:
        raise CalendarError(f"unknown calendar {name!r}: choose one of {', '.join(CALENDAR_NAMES)}")
    overrides = load_overrides(overrides_path)
    years = range(first_year, last_year + 1)
    per_subdivision = {s: _subdivision_holidays(s, years, overrides) for s in spec.subdivisions}
    merged = _merge(spec, per_subdivision)
    for override in overrides:
        if name in override.targets:
            _apply(merged, override)
    version = f"holidays-{holidays.__version__}+overrides-{overrides_fingerprint(overrides_path)}"
    return WorkingDayCalendar(
        name,
        merged,
        version,
        date(first_year, 1, 1),
        date(last_year, 12, 31),
        title=spec.title,
        citation=spec.citation,
    )


@cache
def calendar_for(name: str) -> WorkingDayCalendar:
    """The shared, precomputed calendar called ``name`` ("uk", "scotland", "england-wales", "northern-ireland")."""
    return build_calendar(name)
