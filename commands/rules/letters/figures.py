"""Statistics as a letter shows them: the letter-ready table made from a query result.

The analyst's view of a query (`result_table.render_table`) carries what an analyst needs -- load time, row
count, query timing, raw parameters. A letter needs none of that: a title, the period in the team's own
words, the figures with their total, any note on what was counted, and the caveat once. Counts that could
identify someone are protected (``small_numbers.protect``: "fewer than 5", with secondary suppression so a
hidden figure cannot be worked out from a total), and demonstration data is marked so it can never be
approved into a letter.

Pure: no Slack, no storage, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from commands.rules.letters.wording import format_date
from commands.rules.result_table import QueryResult, format_cell, is_number
from commands.rules.small_numbers import DisclosureRule, protect

#: In a letter, the mark that blocks approval of any draft holding demonstration figures.
SYNTHETIC_MARK = "[SYNTHETIC DATA: demonstration figures, not real records - never disclose]"
_SYNTHETIC_RE = re.compile(r"\[SYNTHETIC DATA\b")

#: Column titles that measure something rather than count people or crimes: never banded.
_MEASURES = re.compile(r"\b(days?|median|mean|average|avg|rate|percent|per ?cent|%|year|month|hours?|minutes?)\b", re.I)
_FROM_NAMES = ("from", "start", "since", "begin")
_TO_NAMES = ("to", "until", "end")


@dataclass(frozen=True)
class LetterTable:
    """A query result as it goes into a letter or a disclosed annex. ``rows`` and ``total`` are display
    strings with small numbers already protected; ``protected`` says whether any figure was banded."""

    title: str
    period: str
    note: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None
    numeric: tuple[bool, ...]
    caveat: str
    protected: bool
    synthetic: bool
    query: str

    @property
    def heading(self) -> str:
        return f"{self.title} {SYNTHETIC_MARK}" if self.synthetic else self.title

    def as_rows(self) -> list[list[str]]:
        """Header, rows and the total row, for a spreadsheet or CSV annex."""
        out = [list(self.columns), *[list(r) for r in self.rows]]
        if self.total is not None:
            out.append(list(self.total))
        return out


def contains_synthetic(text: str) -> bool:
    """Whether a letter holds demonstration figures (their mark), so it must not be approved."""
    return bool(_SYNTHETIC_RE.search(text))


def _parse_day(value: str, *, end: bool) -> date | None:
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            first = date.fromisoformat(value + "-01")
            if not end:
                return first
            following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
            return following - timedelta(days=1)
    except ValueError:
        return None
    return None


def period_of(params: Sequence[tuple[str, str]]) -> tuple[date, date] | None:
    """The period a query covered, from its from/to parameters (dates or months), if it has one."""
    values = {k.lower(): v for k, v in params}
    start = next((_parse_day(values[k], end=False) for k in _FROM_NAMES if k in values), None)
    stop = next((_parse_day(values[k], end=True) for k in _TO_NAMES if k in values), None)
    if start is None or stop is None:
        return None
    return start, stop


def period_wording(period: tuple[date, date] | None, *, style: str, template: str) -> str:
    """ "1st January 2016 to 31st January 2018", in the letter's date style and the team's wording."""
    if period is None:
        return ""
    return template.format(start=format_date(period[0], style), end=format_date(period[1], style))


def _readable_title(result: QueryResult) -> str:
    """The query's title with raw parameter spellings ("indecent-images") read as words."""
    title = result.title_without_period or result.title
    for _key, value in result.params_shown:
        if re.fullmatch(r"[a-z]+(?:-[a-z]+)+", value or "") and value in title:
            title = title.replace(value, value.replace("-", " ").capitalize())
    return title


def _count_columns(result: QueryResult) -> list[int]:
    """The columns holding counts: those the query totals, else whole-number columns that are not measures."""
    width = len(result.columns)
    if result.totals is not None:
        return [i for i in range(width) if i and is_number(result.totals[i])]
    out = []
    for i in range(1, width):
        values = [row[i] for row in result.rows if row[i] is not None]
        if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            if not _MEASURES.search(result.columns[i]):
                out.append(i)
    return out


def _row_total_column(result: QueryResult, counts: list[int]) -> int | None:
    """A count column that is the sum of the others in every row (a "Total" column), if there is one."""
    for i in counts:
        others = [j for j in counts if j != i]
        if len(others) < 2 or not re.search(r"\b(total|all)\b", result.columns[i], re.I):
            continue
        if all(row[i] == sum(row[j] or 0 for j in others) for row in result.rows):
            return i
    return None


def letter_table(
    result: QueryResult,
    *,
    rule: DisclosureRule,
    date_style: str = "ordinal",
    period_template: str = "{start} to {end}",
    title: str | None = None,
) -> LetterTable:
    """The letter-ready table for a query result: titled, with the period, the protected figures and total,
    the query's note and caveat -- and none of the analyst's metadata."""
    counts = _count_columns(result)
    row_total = _row_total_column(result, counts)
    cells_at = [i for i in counts if i != row_total]
    grid = [[row[i] if is_number(row[i]) else None for i in cells_at] for row in result.rows]
    column_totals = result.totals is not None
    protected = protect(grid, rule, row_totals=row_total is not None, column_totals=column_totals) if cells_at else None

    rows: list[tuple[str, ...]] = []
    for r, row in enumerate(result.rows):
        shown = [format_cell(v) for v in row]
        if protected is not None:
            for k, i in enumerate(cells_at):
                if row[i] is not None:
                    shown[i] = format_cell(protected.cells[r][k])
            if row_total is not None and protected.row_totals is not None:
                shown[row_total] = format_cell(protected.row_totals[r])
        rows.append(tuple(shown))
    total: tuple[str, ...] | None = None
    if result.totals is not None:
        shown_total = [format_cell(v) for v in result.totals]
        if protected is not None and protected.column_totals is not None:
            for k, i in enumerate(cells_at):
                shown_total[i] = format_cell(protected.column_totals[k])
            if row_total is not None and protected.grand_total is not None:
                shown_total[row_total] = format_cell(protected.grand_total)
        total = tuple(shown_total)
    numeric = tuple(i in counts or (bool(result.rows) and all(is_number(r[i]) for r in result.rows if r[i] is not None))
                    for i in range(len(result.columns)))
    return LetterTable(
        title=title or _readable_title(result),
        period=period_wording(period_of(result.params_shown), style=date_style, template=period_template),
        note=result.note,
        columns=tuple(result.columns),
        rows=tuple(rows),
        total=total,
        numeric=numeric,
        caveat=result.caveat,
        protected=bool(protected and protected.protected),
        synthetic=result.synthetic,
        query=result.name,
    )


def table_text(table: LetterTable) -> str:
    """The table as aligned columns under a dashed rule (numbers right-aligned), the form every version of
    the letter reads back as a table."""
    body = [list(r) for r in table.rows] + ([list(table.total)] if table.total is not None else [])
    widths = [len(c) for c in table.columns]
    for cells in body:
        for i, cell in enumerate(cells):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(widths[i]) if table.numeric[i] and i else c.ljust(widths[i])
                         for i, c in enumerate(cells)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(table.columns), rule, *(line(r) for r in table.rows)]
    if table.total is not None:
        out += [rule, line(table.total)]
    return "\n".join(out)


def table_block(table: LetterTable) -> str:
    """The table as it stands in a letter: its heading and period, the note, then the fenced table."""
    head = [f"**{table.heading}**"]
    if table.period:
        head.append(table.period)
    parts = ["\n".join(head)]
    if table.note:
        parts.append(table.note)
    parts.append("```\n" + table_text(table) + "\n```")
    return "\n\n".join(parts)
