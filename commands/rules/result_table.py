"""The result of a canned statistics query, and how it is rendered: plain-text table, CSV and JSON.

Pure functions over a plain data object, so the same answer renders identically in the terminal, in a
Slack code block and in the CSV attached to a case thread, and tests need no database. The table mimics
the tables the team already sends requesters (offence, total, a Total row) with the caveat, the data's
freshness and any SYNTHETIC warning underneath, because a number without its provenance should not
leave the building.

Every renderer draws from one :class:`Grid` (:func:`grid_of`): the flat table, or - for a query with a
``[pivot]`` - the cross-tab (rows x columns, row and column totals, and rows kept apart from the totals,
such as anti-social behaviour under a "Total crimes" line). When a result is marked for disclosure,
:func:`disclose` protects small numbers in that grid with the same rule letters use
(``commands.rules.small_numbers``), so the text, CSV, spreadsheet, chart and JSON all show the same
protected figures.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from commands.rules.query_catalogue import PivotSpec
from commands.rules.small_numbers import DisclosureRule, protect
from commands.rules.stat_labels import label_value

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
    pivot: PivotSpec | None = None
    time_keys: tuple[str, ...] = ()
    value_labels: tuple[tuple[str, str], ...] = ()  # (SQL column, label set) for the values shown
    params_words: tuple[str, ...] = ()
    attribution: str = ""
    notices: tuple[str, ...] = ()  # coverage and absent-category sentences from the runner
    disclosure: DisclosureRule | None = None
    protected_grid: Grid | None = None
    #: The title without the period, for letters that give the period in their own words ("" when unknown).
    title_without_period: str = ""

    @property
    def protected(self) -> bool:
        """Whether any figure is shown as the protection wording instead of its value."""
        return self.protected_grid is not None and self.protected_grid.hidden > 0

    @property
    def warnings(self) -> list[str]:
        """Sentences that must accompany the figures: synthetic data, coverage, absent categories, small
        numbers protected, timeout, row limit. The same list goes under the table, into JSON and the
        spreadsheet."""
        out: list[str] = []
        if self.synthetic:
            out.append(SYNTHETIC_WARNING)
        out.extend(self.notices)
        if self.protected and self.disclosure is not None:
            out.append(self.disclosure.sentence)
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
    def words_line(self) -> str:
        """The parameters in words ("Period: January–March 2021; Crime type: all crime types")."""
        return "; ".join(self.params_words)

    @property
    def rerun(self) -> str:
        """How to ask for the same figures again."""
        return f"{self.name} {self.params_line.replace('  ', ' ')}".strip()

    @property
    def display_title(self) -> str:
        return f"{self.title} [SYNTHETIC DATA]" if self.synthetic else self.title


@dataclass(frozen=True)
class Grid:
    """The table as shown: header, body rows, the totals row, and rows kept apart from the totals.

    ``numeric`` flags the columns holding figures (right-aligned, summed); ``hidden`` counts figures
    shown as the small-number wording.
    """

    header: tuple[str, ...]
    body: tuple[tuple[object, ...], ...]
    totals: tuple[object, ...] | None = None
    apart: tuple[tuple[object, ...], ...] = ()
    numeric: tuple[bool, ...] = ()
    is_pivot: bool = False
    hidden: int = 0
    row_key: str = ""
    column_key: str = ""
    column_values: tuple[object, ...] = ()  # the raw values behind a cross-tab's column headers
    row_values: tuple[object, ...] = ()


def grid_of(result: QueryResult) -> Grid:
    """The grid every renderer draws: the protected one after :func:`disclose`, else a cross-tab for a
    query with ``[pivot]`` (unless the rows were cut short), else the flat table with value labels."""
    if result.protected_grid is not None:
        return result.protected_grid
    if result.pivot is not None and result.rows and not result.truncated:
        return _pivot_grid(result, result.pivot)
    labels = dict(result.value_labels)
    body = tuple(
        tuple(label_value(labels[k], v) if k in labels and v is not None else v for k, v in zip(result.keys, row, strict=True))
        for row in result.rows
    )
    numeric = tuple(numeric_columns(result.rows, len(result.keys)))
    return Grid(header=result.columns, body=body, totals=result.totals, numeric=numeric)


def _short_month(value: object) -> str:
    text = label_value("month", value)
    parts = text.split(" ")
    return f"{parts[0][:3]} {parts[1]}" if len(parts) == 2 and text != str(value) else text


def _pivot_grid(result: QueryResult, spec: PivotSpec) -> Grid:
    keys = list(result.keys)
    ri, ci, vi = keys.index(spec.rows), keys.index(spec.columns), keys.index(spec.values)
    cells: dict[tuple[object, object], float] = {}
    row_total: dict[object, float] = {}
    col_total: dict[object, float] = {}
    for row in result.rows:
        r, c, v = row[ri], row[ci], row[vi]
        value = v if is_number(v) else 0
        cells[(r, c)] = cells.get((r, c), 0) + value  # type: ignore[operator]
        row_total[r] = row_total.get(r, 0) + value  # type: ignore[operator]
        if r not in spec.apart:
            col_total[c] = col_total.get(c, 0) + value  # type: ignore[operator]
        else:
            col_total.setdefault(c, 0)

    def ordered(values: Sequence[object], totals: dict[object, float], time: bool) -> list[object]:
        if time:
            return sorted(values, key=lambda x: (x is None, str(x)))
        return sorted(values, key=lambda x: (-totals.get(x, 0), x is None, str(x)))

    columns = ordered(list(col_total), col_total, spec.columns in result.time_keys)
    rows = ordered([r for r in row_total if r not in spec.apart], row_total, spec.rows in result.time_keys)
    apart = [r for r in spec.apart if r in row_total]
    labels = dict(result.value_labels)

    def show(key: str, value: object) -> str:
        if key in result.time_keys and key == spec.columns:
            return _short_month(value)
        return label_value(labels.get(key), value)

    def line(r: object) -> tuple[object, ...]:
        values = [_plain_number(cells.get((r, c), 0)) for c in columns]
        return (show(spec.rows, r), *values, _plain_number(row_total[r]))

    title = dict(zip(keys, result.columns, strict=True))
    header = (title[spec.rows], *[show(spec.columns, c) for c in columns], "Total")
    totals = (spec.total_label, *[_plain_number(col_total[c]) for c in columns],
              _plain_number(sum(col_total.values())))
    apart_rows = tuple((spec.apart_label or str(r), *line(r)[1:]) for r in apart)
    return Grid(header=header, body=tuple(line(r) for r in rows), totals=totals, apart=apart_rows,
                numeric=(False, *[True] * (len(columns) + 1)), is_pivot=True, row_key=spec.rows,
                column_key=spec.columns, column_values=tuple(columns), row_values=tuple(rows))


def _plain_number(value: object) -> object:
    if isinstance(value, float) and value == int(value):
        return int(value)
    return value


def disclose(result: QueryResult, rule: DisclosureRule) -> QueryResult:
    """The result as it may be disclosed: counts from 1 to the rule's threshold shown as its wording,
    with secondary suppression so that no hidden figure can be worked out from a total.

    Cross-tabs protect every cell with its row and column totals; flat tables protect each column that
    the query totals (counts), down the column and its Total. Rows kept apart (anti-social behaviour)
    are protected along their own row. The long-form ``rows`` are rewritten too, so the JSON carries no
    figure the table hides.
    """
    if result.protected_grid is not None or not result.rows or result.timed_out:
        return replace(result, disclosure=rule)
    grid = grid_of(result)
    if grid.is_pivot:
        protected_grid, rows = _disclose_pivot(result, grid, rule)
    else:
        protected_grid, rows = _disclose_flat(result, grid, rule)
    totals = result.totals
    if not grid.is_pivot and protected_grid.totals is not None:
        totals = protected_grid.totals
    elif grid.is_pivot and totals is not None and protected_grid.totals is not None:
        # the long form's Total is the cross-tab's grand total: shown only as the cross-tab shows it
        totals = tuple(protected_grid.totals[-1] if is_number(v) else v for v in totals)
    return replace(result, rows=rows, totals=totals, disclosure=rule, protected_grid=protected_grid)


def _counts(values: Sequence[object]) -> list[int | None]:
    return [int(v) if is_number(v) and v == int(v) else None for v in values]  # type: ignore[arg-type]


def _disclose_pivot(result: QueryResult, grid: Grid, rule: DisclosureRule) -> tuple[Grid, tuple[tuple[object, ...], ...]]:
    n_cols = len(grid.column_values)
    if not grid.body and not grid.apart:
        return grid, result.rows
    table = protect([_counts(row[1:1 + n_cols]) for row in grid.body], rule, row_totals=True, column_totals=True)
    body = tuple((row[0], *table.cells[i], table.row_totals[i]) for i, row in enumerate(grid.body))  # type: ignore[index]
    totals = grid.totals
    if grid.totals and grid.body:
        totals = (grid.totals[0], *(table.column_totals or []), table.grand_total)
    hidden = len(table.primary) + len(table.secondary)
    apart = []
    apart_tables = []
    for row in grid.apart:
        own = protect([_counts(row[1:1 + n_cols])], rule, row_totals=True, column_totals=False)
        apart.append((row[0], *own.cells[0], own.row_totals[0]))  # type: ignore[index]
        apart_tables.append(own)
        hidden += len(own.primary) + len(own.secondary)
    protected_grid = replace(grid, body=body, totals=totals, apart=tuple(apart), hidden=hidden)
    # long-form rows: each (row value, column value) takes the protected cell's value
    spec = result.pivot
    assert spec is not None
    keys = list(result.keys)
    ri, ci, vi = keys.index(spec.rows), keys.index(spec.columns), keys.index(spec.values)
    position = {r: i for i, r in enumerate(grid.row_values)}
    apart_position = {r: i for i, r in enumerate(r for r in spec.apart if any(x[ri] == r for x in result.rows))}
    column = {c: j for j, c in enumerate(grid.column_values)}
    rows = []
    for row in result.rows:
        r, c = row[ri], row[ci]
        if r in position:
            shown = table.cells[position[r]][column[c]]
        else:
            shown = apart_tables[apart_position[r]].cells[0][column[c]]
        rows.append(tuple(shown if i == vi else v for i, v in enumerate(row)))
    return protected_grid, tuple(rows)


def _disclose_flat(result: QueryResult, grid: Grid, rule: DisclosureRule) -> tuple[Grid, tuple[tuple[object, ...], ...]]:
    count_columns = [i for i, v in enumerate(result.totals or ()) if is_number(v)]
    if not count_columns:
        return replace(grid, hidden=0), result.rows
    table = protect([_counts([row[j] for j in count_columns]) for row in result.rows], rule,
                    row_totals=False, column_totals=result.totals is not None)
    rows = []
    for i, row in enumerate(result.rows):
        values = list(row)
        for k, j in enumerate(count_columns):
            if table.cells[i][k] is not None:
                values[j] = table.cells[i][k]
        rows.append(tuple(values))
    body = []
    for i, row in enumerate(grid.body):
        values = list(row)
        for j in count_columns:
            values[j] = rows[i][j]
        body.append(tuple(values))
    totals = None
    if result.totals is not None:
        totals_list = list(result.totals)
        for k, j in enumerate(count_columns):
            totals_list[j] = (table.column_totals or [])[k]
        totals = tuple(totals_list)
    hidden = len(table.primary) + len(table.secondary)
    return replace(grid, body=tuple(body), totals=totals, hidden=hidden), tuple(rows)


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


#: Headers of figure columns longer than this wrap onto more lines, so a cross-tab stays narrow enough
#: for a Slack code block.
HEADER_WRAP = 12


def table_lines(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    totals: Sequence[object] | None = None,
    *,
    apart: Sequence[Sequence[object]] = (),
    numeric: Sequence[bool] | None = None,
) -> list[str]:
    """An aligned plain-text table: header, rule, rows, rule and Total row, then any rows kept apart from
    the totals. Figures align right; long headers of figure columns wrap onto several lines."""
    body = [[format_cell(v) for v in row] for row in rows]
    total_cells = [format_cell(v) for v in totals] if totals is not None else None
    apart_cells = [[format_cell(v) for v in row] for row in apart]
    if numeric is None:
        numeric = numeric_columns(rows, len(columns))
    headers = [textwrap.wrap(c, HEADER_WRAP, break_long_words=False) or [""] if numeric[i] and len(c) > HEADER_WRAP else [c]
               for i, c in enumerate(columns)]
    depth = max(len(h) for h in headers)
    headers = [[""] * (depth - len(h)) + h for h in headers]
    widths = [max(len(x) for x in h) for h in headers]
    for cells in body + ([total_cells] if total_cells else []) + apart_cells:
        for i, cell in enumerate(cells):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        parts = [cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i]) for i, cell in enumerate(cells)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line([h[k] for h in headers]) for k in range(depth)]
    out.append(rule)
    out.extend(line(cells) for cells in body)
    if total_cells is not None:
        out.append(rule)
        out.append(line(total_cells))
    out.extend(line(cells) for cells in apart_cells)
    return out


def grid_lines(result: QueryResult) -> list[str]:
    """Just the aligned table (cross-tab or flat), or a sentence saying why there is none."""
    if result.timed_out:
        return ["(no figures: the query timed out)"]
    if not result.rows:
        return ["(no rows: nothing matched)"]
    grid = grid_of(result)
    return table_lines(grid.header, grid.body, grid.totals, apart=grid.apart, numeric=grid.numeric)


def render_table(result: QueryResult) -> str:
    """The whole answer as plain text: title, parameters in words, table, warnings, freshness, caveat,
    attribution, timing. The same text goes to the shell, the Slack thread and the letter."""
    out = [result.display_title]
    out.append(result.words_line or result.params_line)
    if not out[-1]:
        out.pop()
    if result.note:
        out.append(result.note)
    out.append("")
    out.extend(grid_lines(result))
    out.append("")
    out.extend(result.warnings)
    if result.freshness:
        out.append(result.freshness)
    if result.caveat:
        out.append(result.caveat)
    if result.attribution:
        out.append(result.attribution)
    plural = "" if result.row_count == 1 else "s"
    out.append(f"{result.row_count} row{plural} in {result.elapsed_s:.2f} s")
    return "\n".join(out) + "\n"


def to_csv(result: QueryResult) -> bytes:
    """Header, rows and Total row as CSV bytes (UTF-8 with BOM so Excel opens accented text correctly).

    Only the figures (the cross-tab for a pivot query) - the caveat and freshness travel in the message
    the file is attached to - except for synthetic data, protected small numbers and the police.uk
    attribution, which get a last line each, because a CSV gets forwarded on its own.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    grid = grid_of(result)
    writer.writerow(grid.header)
    for row in grid.body:
        writer.writerow([format_cell(v) for v in row])
    if grid.totals is not None:
        writer.writerow([format_cell(v) for v in grid.totals])
    for row in grid.apart:
        writer.writerow([format_cell(v) for v in row])
    if result.synthetic:
        writer.writerow([SYNTHETIC_WARNING])
    if result.protected and result.disclosure is not None:
        writer.writerow([result.disclosure.sentence])
    if result.attribution:
        writer.writerow([result.attribution])
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
        "params_in_words": list(result.params_words),
        "attribution": result.attribution,
        "disclosed": result.disclosure is not None,
        "protected_figures": result.protected_grid.hidden if result.protected_grid is not None else 0,
    }
    if result.pivot is not None and result.rows and not result.truncated:
        grid = grid_of(result)
        payload["pivot"] = {
            "rows": result.pivot.rows,
            "columns": result.pivot.columns,
            "values": result.pivot.values,
            "header": list(grid.header),
            "body": [list(r) for r in grid.body],
            "totals": list(grid.totals) if grid.totals is not None else None,
            "apart": [list(r) for r in grid.apart],
        }
    return json.dumps(payload, indent=indent, default=_json_value, ensure_ascii=False)


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
