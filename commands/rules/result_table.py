"""The result of a canned statistics query, and how it is rendered: plain-text table, CSV and JSON.

Pure functions over a plain data object, so the same answer renders identically in the terminal, in a
Slack code block and in the CSV attached to a case thread, and tests need no database. The table mimics
the tables the team already sends requesters (offence, total, a Total row) with the caveat, the data's
freshness and any SYNTHETIC warning underneath, because a number without its provenance should not
leave the building.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

SYNTHETIC_WARNING = "SYNTHETIC DATA - demonstration figures, not real crime records. Do not disclose."


@dataclass(frozen=True)
class QueryResult:
    """What ``storage.analytics.runner.run_query`` returns.

    ``columns`` are display titles and ``keys`` the SQL column names, in the same order. ``totals`` is
    the Total row (``"Total"`` in the first column, sums under the columns the query totals, None
    elsewhere), or None when the query totals nothing or the rows were cut short. ``params_shown`` are
    the parameter values as a user would type them.
    """

    name: str
    title: str
    columns: tuple[str, ...]
    keys: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    totals: tuple[object, ...] | None = None
    params_shown: tuple[tuple[str, str], ...] = ()
    row_count: int = 0
    elapsed_s: float = 0.0
    truncated: bool = False
    timed_out: bool = False
    row_limit: int | None = None
    timeout_s: float | None = None
    freshness: str = ""
    synthetic: bool = False
    caveat: str = ""
    note: str = ""
    description: str = ""

    @property
    def warnings(self) -> list[str]:
        """Lines that must accompany the figures: synthetic data, timeout, row limit."""
        out: list[str] = []
        if self.synthetic:
            out.append(SYNTHETIC_WARNING)
        if self.timed_out:
            out.append(
                f"The query was stopped after {self.timeout_s:g} s (the time limit) and returned no figures; "
                "narrow the period or ask an administrator."
            )
        if self.truncated:
            out.append(
                f"Only the first {self.row_limit:,} rows are shown (the row limit); totals are omitted "
                "because they would be incomplete."
            )
        return out

    @property
    def params_line(self) -> str:
        return "  ".join(f"{k}={v}" for k, v in self.params_shown if v != "")

    @property
    def display_title(self) -> str:
        return f"{self.title} [SYNTHETIC DATA]" if self.synthetic else self.title


def format_cell(value: object) -> str:
    """One value as it appears in a table or CSV: whole numbers without decimals, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        if value == int(value):
            return str(int(value))
        return f"{float(value):.1f}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def numeric_columns(rows: Sequence[Sequence[object]], width: int) -> list[bool]:
    """Which columns hold only numbers (right-aligned in tables, summed when the query asks)."""
    flags = []
    for i in range(width):
        values = [row[i] for row in rows if row[i] is not None]
        flags.append(bool(values) and all(is_number(v) for v in values))
    return flags


def table_lines(
    columns: Sequence[str], rows: Sequence[Sequence[object]], totals: Sequence[object] | None = None
) -> list[str]:
    """An aligned plain-text table: header, rule, rows, rule and Total row. Numbers align right."""
    body = [[format_cell(v) for v in row] for row in rows]
    total_cells = [format_cell(v) for v in totals] if totals is not None else None
    numeric = numeric_columns(rows, len(columns))
    widths = [len(c) for c in columns]
    for cells in body + ([total_cells] if total_cells else []):
        for i, cell in enumerate(cells):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        parts = [cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i]) for i, cell in enumerate(cells)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(list(columns)), rule]
    out.extend(line(cells) for cells in body)
    if total_cells is not None:
        out.append(rule)
        out.append(line(total_cells))
    return out


def render_table(result: QueryResult) -> str:
    """The whole answer as plain text: title, parameters, table, warnings, freshness, caveat, timing."""
    out = [result.display_title]
    if result.params_line:
        out.append(result.params_line)
    if result.note:
        out.append(result.note)
    out.append("")
    if result.timed_out:
        out.append("(no figures: the query timed out)")
    elif not result.rows:
        out.append("(no rows: nothing matched)")
    else:
        out.extend(table_lines(result.columns, result.rows, result.totals))
    out.append("")
    out.extend(result.warnings)
    if result.freshness:
        out.append(result.freshness)
    if result.caveat:
        out.append(result.caveat)
    plural = "" if result.row_count == 1 else "s"
    out.append(f"{result.row_count} row{plural} in {result.elapsed_s:.2f} s")
    return "\n".join(out) + "\n"


def to_csv(result: QueryResult) -> bytes:
    """Header, rows and Total row as CSV bytes (UTF-8 with BOM so Excel opens accented text correctly).

    Only the figures - the caveat and freshness travel in the message the file is attached to - except
    for synthetic data, which gets a last line saying so, because a CSV gets forwarded on its own.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([format_cell(v) for v in row])
    if result.totals is not None:
        writer.writerow([format_cell(v) for v in result.totals])
    if result.synthetic:
        writer.writerow([SYNTHETIC_WARNING])
    return buffer.getvalue().encode("utf-8-sig")


def to_json(result: QueryResult, *, indent: int | None = 2) -> str:
    """Everything in the result as JSON: rows as objects keyed by SQL column name."""
    payload = {
        "name": result.name,
        "title": result.title,
        "params": dict(result.params_shown),
        "columns": [{"name": k, "title": t} for k, t in zip(result.keys, result.columns, strict=True)],
        "rows": [dict(zip(result.keys, row, strict=True)) for row in result.rows],
        "totals": dict(zip(result.keys, result.totals, strict=True)) if result.totals is not None else None,
        "row_count": result.row_count,
        "truncated": result.truncated,
        "timed_out": result.timed_out,
        "elapsed_s": round(result.elapsed_s, 4),
        "synthetic": result.synthetic,
        "freshness": result.freshness,
        "caveat": result.caveat,
        "note": result.note,
        "warnings": result.warnings,
    }
    return json.dumps(payload, indent=indent, default=_json_value, ensure_ascii=False)


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
