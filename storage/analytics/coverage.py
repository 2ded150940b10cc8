"""What the loaded data covers, and the sentences that say so when a question reaches beyond it.

An empty cell reads as zero. When a requester asks for April-June and only January-March is loaded, or
for an outcome category that police.uk never uses in the files loaded, the honest answer says so in the
result itself (under the table, in the chart, the spreadsheet, the JSON ``warnings`` and the letter),
rather than a table of zeros.

Coverage comes from ``data_sources`` (one row per loaded file or extract, with its period): police.uk
files are named ``policeuk:<batch>-<part>`` (part ``street``, ``outcomes`` or ``stop-and-search``), so
the months loaded per part are known without scanning the data.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date

from sqlalchemy import column, func, inspect, literal, select, table
from sqlalchemy.engine import Connection

from commands.rules.query_catalogue import CannedQuery
from commands.rules.stat_labels import (
    area_from_batch,
    day_words,
    join_words,
    label_value,
    month_label,
    month_runs,
    months_between,
)
from storage.analytics.schema import data_sources

#: What each police.uk part is called in a sentence.
PART_WORDS = {
    "street": "police.uk street-level crime data",
    "outcomes": "police.uk outcomes data",
    "stop-and-search": "police.uk stop and search data",
}


def loaded_months(conn: Connection, part: str) -> list[str]:
    """The ``YYYY-MM`` months loaded for a police.uk part, sorted."""
    if not inspect(conn).has_table(data_sources.name):
        return []
    c = data_sources.c
    rows = conn.execute(
        select(c.name, c.period_start, c.period_end).where(c.kind == "policeuk", c.name.like(f"policeuk:%-{part}"))
    ).all()
    months: set[str] = set()
    for _name, start, end in rows:
        if start is not None and end is not None:
            months.update(months_between(str(start)[:7], str(end)[:7]))
    return sorted(months)


def policeuk_area(conn: Connection) -> str:
    """The force area(s) of the loaded police.uk files, from their names ("Hertfordshire")."""
    if not inspect(conn).has_table(data_sources.name):
        return ""
    names = conn.execute(select(data_sources.c.name).where(data_sources.c.kind == "policeuk")).scalars().all()
    areas: list[str] = []
    for name in names:
        batch = name.split(":", 1)[-1]
        for part in PART_WORDS:
            if batch.endswith(f"-{part}"):
                batch = batch[: -len(part) - 1]
        area = area_from_batch(batch)
        if area and area not in areas:
            areas.append(area)
    return join_words(sorted(areas))


def _span(months: list[str]) -> str:
    runs = month_runs(months)
    return join_words(first if first == last else f"{first} to {last}" for first, last in runs)


def _missing_words(first: str, last: str) -> str:
    if first == last:
        return month_label(first)
    a, b = month_label(first).split(" "), month_label(last).split(" ")
    if a[1] == b[1]:
        return f"{a[0]} to {b[0]} {b[1]}"
    return f"{month_label(first)} to {month_label(last)}"


def _requested_months(values: Mapping[str, object]) -> list[str] | None:
    start, end = values.get("from"), values.get("to")
    if start is None or end is None:
        return None
    first = start.strftime("%Y-%m") if isinstance(start, date) else str(start)
    last = end.strftime("%Y-%m") if isinstance(end, date) else str(end)
    return months_between(first, last)


def coverage_notices(conn: Connection, query: CannedQuery, values: Mapping[str, object]) -> list[str]:
    """Sentences for the parts of the asked period that the loaded data does not cover."""
    if query.coverage is None:
        return []
    if query.coverage == "extract":
        return _extract_notices(conn, values)
    requested = _requested_months(values)
    if not requested:
        return []
    what = PART_WORDS[query.coverage]
    loaded = loaded_months(conn, query.coverage)
    missing = [m for m in requested if m not in set(loaded)]
    if not missing:
        return []
    gaps = join_words(_missing_words(a, b) for a, b in month_runs(missing))
    verb = "is" if len(missing) == 1 else "are"
    if not loaded:
        return [f"No {what} is loaded, so {gaps} {verb} not included: the table is empty because there is no "
                "data, not because the count is zero."]
    if len(missing) == len(requested):
        return [f"The {what} loaded covers {_span(loaded)}; {gaps} {verb} not included, so there "
                "are no figures for the period asked (not a count of zero)."]
    return [f"The {what} loaded covers {_span(loaded)}; {gaps} {verb} not included."]


def _extract_notices(conn: Connection, values: Mapping[str, object]) -> list[str]:
    start, end = values.get("from"), values.get("to")
    if not isinstance(start, date) or not isinstance(end, date) or not inspect(conn).has_table(data_sources.name):
        return []
    c = data_sources.c
    first, last = conn.execute(select(func.min(c.period_start), func.max(c.period_end)).where(c.kind == "extract")).one()
    if first is None or last is None:
        return []
    first, last = _as_date(first), _as_date(last)
    outside = []
    if start < first:
        outside.append(f"{day_words(start)} to {day_words(min(end, _day_before(first)))}")
    if end > last:
        outside.append(f"{day_words(max(start, _day_after(last)))} to {day_words(end)}")
    if not outside:
        return []
    return [f"The crime extract loaded covers {day_words(first)} to {day_words(last)}; "
            f"{join_words(outside)} {'is' if len(outside) == 1 else 'are'} not included."]


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def _day_after(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


def category_notices(conn: Connection, query: CannedQuery, binds: Mapping[str, object]) -> list[str]:
    """Sentences for asked-about categories that never appear in the loaded data."""
    check = query.categories
    if check is None or not inspect(conn).has_table(check.table):
        return []
    if check.param is not None:
        bound = binds.get(check.param)
        param = query.param(check.param)
        special = set(param.labels) if param is not None and isinstance(param.labels, Mapping) else set()
        wanted = [str(v) for v in (bound if isinstance(bound, list) else [bound])
                  if v not in (None, "") and str(v) not in special]  # "all" is a word, not a category
    else:
        wanted = list(check.values)
    source = table(check.table, column(check.field))
    field = source.c[check.field]
    if check.match == "lsoa-area":
        return _area_notices(conn, source, field, wanted, check.what)
    absent = [
        value for value in wanted
        if conn.execute(select(literal(1)).select_from(source).where(field == value).limit(1)).first() is None
    ]
    if not absent:
        return []
    label_set = "policeuk-outcome" if check.field == "outcome_type" else None
    names = [f"“{label_value(label_set, v)}”" for v in absent]
    if check.param is not None:
        subject = join_words(names)
        verb = "is" if len(absent) == 1 else "are"
        return [f"{subject} {verb} not recorded in the loaded {check.what}: the table is empty because the category "
                "does not appear in the data, not because the count is zero."]
    return [f"Not recorded in the loaded {check.what}, so not shown (not a count of zero): {join_words(names)}."]


def _lsoa_area(field):  # type: ignore[no-untyped-def]
    """The area part of an LSOA name as the queries compare it: "Welwyn Hatfield 012C" -> "welwyn-hatfield"."""
    return func.replace(func.lower(func.substr(field, 1, func.length(field) - 5)), " ", "-")


def _area_notices(conn: Connection, source, field, wanted: list[str], what: str) -> list[str]:  # type: ignore[no-untyped-def]
    """An area name that matches no LSOA in the loaded data, with the closest area names as suggestions."""
    notices = []
    for value in wanted:
        found = conn.execute(select(literal(1)).select_from(source).where(_lsoa_area(field) == value).limit(1)).first()
        if found is not None:
            continue
        names = conn.execute(
            select(func.substr(field, 1, func.length(field) - 5)).where(field.is_not(None)).distinct()
        ).scalars().all()
        close = difflib.get_close_matches(value.replace("-", " "), [n.lower() for n in names], n=3, cutoff=0.6)
        by_lower = {n.lower(): n for n in names}
        hint = f"; did you mean {join_words(by_lower[c] for c in close)}?" if close else ""
        notices.append(f"No area called “{area_from_batch(value)}” in the loaded {what}: the table is empty because "
                       f"the name matches no LSOA, not because the count is zero{hint}")
    return notices
