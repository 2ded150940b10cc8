"""Charts of statistics results as PNG bytes, with alt text, for the case thread, the letter and the shell.

The chart is chosen to suit the data (:func:`plan_chart`, pure and tested on its own): a time dimension
(months, quarters) draws a line chart - small multiples, one panel per category, when there are too many
lines to tell apart; categories with totals draw a horizontal bar chart sorted largest first. Nothing is
ever cut silently: past the top N categories the rest are added up into one "All other (k categories)"
bar or line, and the footer says so. Figures hidden by small-number protection are not drawn (a bar's
length would give them away) and are labelled with the protection wording instead. Every chart says
where its data came from (police.uk's Open Government Licence attribution, SYNTHETIC data) because
charts get forwarded without the message they came with, and every chart has alt text
(:func:`alt_text`) for Slack and the letter.

Uses matplotlib's object API drawing straight onto the Agg canvas (no pyplot, no global backend switch,
no figure registry, no display), so it is safe in the bot's worker threads and on a server without a
screen. Sized for Slack's preview (about 900 x 500 pixels) with fonts that stay readable there.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass, field

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from commands.rules.result_table import QueryResult, format_cell, grid_of, is_number, numeric_columns

#: Bars shown before the rest are grouped as "All other".
TOP_BARS = 15
#: Lines on one chart before it becomes small multiples.
MAX_LINES = 5
#: Panels of small multiples before the rest are grouped as "All other".
TOP_PANELS = 11
#: Kept for callers of the old API: bars beyond this were once cut; now they are grouped.
MAX_BARS = TOP_BARS

_COLOUR = "#1f4e79"
_SYNTHETIC_COLOUR = "#8a1538"
_OTHER_COLOUR = "#9aa5b1"
_PALETTE = ("#1f4e79", "#c0504d", "#4f8a3c", "#8064a2", "#e08a1e", "#2c9cb3")


@dataclass(frozen=True)
class Series:
    """One line (values over ``ChartPlan.x_labels``) or one bar (a single value)."""

    name: str
    values: tuple[float | None, ...]
    shown: tuple[str, ...]  # the values as the table shows them (the protection wording where hidden)
    grouped: bool = False  # the "All other" series


@dataclass(frozen=True)
class ChartPlan:
    """What to draw: ``kind`` is ``line``, ``small-multiples``, ``bar`` or ``empty``."""

    kind: str
    title: str
    value_title: str
    x_labels: tuple[str, ...] = ()
    series: tuple[Series, ...] = ()
    grouped_count: int = 0  # categories folded into "All other"
    total_categories: int = 0
    footer: tuple[str, ...] = field(default_factory=tuple)


def _number(value: object) -> float | None:
    return float(value) if is_number(value) else None  # type: ignore[arg-type]


def _footer(result: QueryResult, extra: list[str]) -> tuple[str, ...]:
    lines = [*result.notices, *extra]  # coverage and absent categories travel with the chart too
    if result.synthetic:
        lines.insert(0, "SYNTHETIC DATA - not real crime records")
    if result.words_line:
        lines.append(result.words_line)
    if result.attribution:
        lines.append(result.attribution)
    return tuple(lines)


def _group(series: list[Series], keep: int, x_count: int) -> tuple[list[Series], int]:
    """The ``keep`` largest series, plus one "All other (k categories)" series adding up the rest."""
    if len(series) <= keep + 1:
        return series, 0
    ranked = sorted(series, key=lambda s: -sum(v or 0 for v in s.values))
    top, rest = ranked[:keep], ranked[keep:]
    sums: list[float | None] = []
    for i in range(x_count):
        values = [s.values[i] for s in rest]
        sums.append(None if any(v is None for v in values) else sum(v or 0 for v in values))
    shown = tuple(format_cell(v) if v is not None else "hidden" for v in sums)
    other = Series(f"All other ({len(rest)} categories)", tuple(sums), shown, grouped=True)
    return [*top, other], len(rest)


def plan_chart(result: QueryResult, *, value_column: str | None = None) -> ChartPlan:
    """Decide the chart for ``result`` (pure: no drawing).

    A cross-tab with a time dimension becomes lines (one per category, over time); more than
    ``MAX_LINES`` categories become small multiples, more than ``TOP_PANELS`` are grouped. A flat table
    whose first column is time becomes one line. Anything else is a bar chart of the value column,
    largest first, with ``TOP_BARS`` bars and the rest grouped. Rows kept apart from the totals (anti-
    social behaviour) are not drawn among crimes. Raises ``ValueError`` when there is nothing numeric.
    """
    title = result.display_title
    if not result.rows or result.timed_out:
        return ChartPlan(kind="empty", title=title, value_title="", footer=_footer(result, []))
    grid = grid_of(result)
    if grid.is_pivot and value_column is None:
        return _plan_pivot(result, grid)
    keys = list(result.keys)
    numeric = list(grid.numeric) or numeric_columns(result.rows, len(keys))
    if value_column is not None:
        if value_column not in keys:
            raise ValueError(f"no column {value_column!r}; columns are {', '.join(keys)}")
        value_index = keys.index(value_column)
    else:
        # totalled columns (the protection wording may stand in a total; the first cell is the label)
        totalled = [i for i, v in enumerate(result.totals or ()) if v is not None and (i > 0 or is_number(v))]
        candidates = totalled or [i for i, flag in enumerate(numeric) if flag]
        if not candidates:
            raise ValueError("nothing to chart: the result has no numeric column")
        value_index = candidates[0]
    label_indexes = [i for i, flag in enumerate(numeric) if not flag and i != value_index] or [0]
    value_title = result.columns[value_index]
    time_index = next((i for i, k in enumerate(keys) if k in result.time_keys), None)
    if time_index is not None and label_indexes == [time_index] and value_column is None:
        x = tuple(format_cell(row[time_index]) for row in grid.body)
        values = tuple(_number(row[value_index]) for row in grid.body)
        shown = tuple(format_cell(row[value_index]) for row in grid.body)
        return ChartPlan(kind="line", title=title, value_title=value_title, x_labels=x,
                         series=(Series(value_title, values, shown),), total_categories=1,
                         footer=_footer(result, []))
    bars = [
        Series(" / ".join(format_cell(row[i]) for i in label_indexes), (_number(row[value_index]),),
               (format_cell(row[value_index]),))
        for row in grid.body
    ]
    return _plan_bars(result, bars, value_title)


def _plan_bars(result: QueryResult, bars: list[Series], value_title: str) -> ChartPlan:
    kept, grouped = _group(bars, TOP_BARS, 1)
    top = [s for s in kept if not s.grouped]
    top.sort(key=lambda s: (-(s.values[0] if s.values[0] is not None else -1), s.name))
    ordered = top + [s for s in kept if s.grouped]
    extra = [f"the {len(top)} largest of {len(bars)} categories shown; the other {grouped} added up as 'All other'"] \
        if grouped else []
    return ChartPlan(kind="bar", title=result.display_title, value_title=value_title, series=tuple(ordered),
                     grouped_count=grouped, total_categories=len(bars), footer=_footer(result, extra))


def _plan_pivot(result: QueryResult, grid) -> ChartPlan:  # type: ignore[no-untyped-def]
    n_cols = len(grid.column_values)
    value_title = next((t for k, t in zip(result.keys, result.columns, strict=True)
                        if result.pivot is not None and k == result.pivot.values), "Count")
    extra: list[str] = []
    if grid.apart:
        extra.append("not drawn: " + "; ".join(str(row[0]) for row in grid.apart))
    if grid.column_key in result.time_keys or grid.row_key in result.time_keys:
        if grid.column_key in result.time_keys:
            x = tuple(grid.header[1:1 + n_cols])
            series = [Series(str(row[0]), tuple(_number(v) for v in row[1:1 + n_cols]),
                             tuple(format_cell(v) for v in row[1:1 + n_cols])) for row in grid.body]
        else:  # time down the rows: each column is a line
            x = tuple(str(row[0]) for row in grid.body)
            series = [Series(str(grid.header[1 + j]), tuple(_number(row[1 + j]) for row in grid.body),
                             tuple(format_cell(row[1 + j]) for row in grid.body)) for j in range(n_cols)]
        total = len(series)
        if not total:
            return ChartPlan(kind="empty", title=result.display_title, value_title=value_title,
                             footer=_footer(result, extra))
        if total <= MAX_LINES:
            return ChartPlan(kind="line", title=result.display_title, value_title=value_title, x_labels=x,
                             series=tuple(series), total_categories=total, footer=_footer(result, extra))
        kept, grouped = _group(series, TOP_PANELS, len(x))
        if grouped:
            extra.insert(0, f"the {TOP_PANELS} largest of {total} categories shown; the other {grouped} "
                            "added up as 'All other'")
        return ChartPlan(kind="small-multiples", title=result.display_title, value_title=value_title, x_labels=x,
                         series=tuple(kept), grouped_count=grouped, total_categories=total,
                         footer=_footer(result, extra))
    bars = [Series(str(row[0]), (_number(row[-1]),), (format_cell(row[-1]),)) for row in grid.body]
    plan = _plan_bars(result, bars, f"{value_title} (row totals)")
    return ChartPlan(kind=plan.kind, title=plan.title, value_title=plan.value_title, series=plan.series,
                     grouped_count=plan.grouped_count, total_categories=plan.total_categories,
                     footer=tuple(extra) + plan.footer)


def alt_text(plan: ChartPlan) -> str:
    """A description of the chart for screen readers, Slack and the letter: what it shows, its extent,
    and the largest figures, in sentences."""
    if plan.kind == "empty":
        return f"Chart: {plan.title}. No figures to show."
    if plan.kind == "bar":
        parts = [f"{s.name}: {s.shown[0]}" for s in plan.series[:5]]
        more = len(plan.series) - 5
        tail = f"; and {more} more" if more > 0 else ""
        grouped = (f" The smallest {plan.grouped_count} categories are added up as 'All other'."
                   if plan.grouped_count else "")
        return (f"Horizontal bar chart: {plan.title}. {plan.value_title} for {plan.total_categories} "
                f"categories, largest first: {'; '.join(parts)}{tail}.{grouped}")
    span = f"from {plan.x_labels[0]} to {plan.x_labels[-1]}" if plan.x_labels else ""
    kind = "Line chart" if plan.kind == "line" else "Small multiples (one line chart per category)"
    ranked = sorted((s for s in plan.series if not s.grouped),
                    key=lambda s: -sum(v or 0 for v in s.values))
    described = []
    for s in ranked[:3]:
        peak = max(range(len(s.values)), key=lambda i: s.values[i] if s.values[i] is not None else -1)
        described.append(f"{s.name} (highest {s.shown[peak]} in {plan.x_labels[peak]})")
    grouped = f" The smallest {plan.grouped_count} categories are added up as 'All other'." if plan.grouped_count else ""
    return (f"{kind}: {plan.title}. {plan.value_title} for {plan.total_categories} "
            f"{'category' if plan.total_categories == 1 else 'categories'} over {len(plan.x_labels)} points {span}. "
            f"Largest: {'; '.join(described)}.{grouped}")


def chart_png(result: QueryResult, *, value_column: str | None = None, dpi: int = 100) -> bytes:
    """The chart :func:`plan_chart` chooses, as PNG bytes."""
    return draw(plan_chart(result, value_column=value_column), synthetic=result.synthetic, dpi=dpi)


def bar_chart_png(result: QueryResult, *, value_column: str | None = None, dpi: int = 100) -> bytes:
    """Kept for existing callers: the chart that suits the result (a bar chart unless it has a time axis)."""
    return chart_png(result, value_column=value_column, dpi=dpi)


def draw(plan: ChartPlan, *, synthetic: bool = False, dpi: int = 100) -> bytes:
    """Render a plan onto a fresh Agg figure sized for Slack's preview."""
    colour = _SYNTHETIC_COLOUR if synthetic else _COLOUR
    if plan.kind == "small-multiples":
        figure = _small_multiples(plan, colour, dpi)
    else:
        height = 5.0 if plan.kind != "bar" else max(3.2, 1.4 + 0.36 * len(plan.series))
        figure = Figure(figsize=(9.0, height), dpi=dpi)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot(1, 1, 1)
        if plan.kind == "bar":
            _bars(axes, plan, colour)
        elif plan.kind == "line":
            _lines(axes, plan)
        else:
            axes.set_axis_off()
            axes.text(0.5, 0.5, "No figures to show", ha="center", va="center", transform=axes.transAxes, fontsize=12)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    title_lines = textwrap.wrap(plan.title, 85)
    figure.suptitle("\n".join(title_lines), fontsize=12, x=0.01, y=0.99, ha="left", va="top")
    footer = "\n".join(part for line in plan.footer for part in textwrap.wrap(line, 150))
    lines = footer.count("\n") + 1 if footer else 0
    if footer:
        figure.text(0.01, 0.01, footer, fontsize=8, va="bottom",
                    color=_SYNTHETIC_COLOUR if synthetic else "#444444")
    bottom = min(0.35, 0.03 + 0.035 * lines * (5.0 / figure.get_figheight()))
    top = 1 - min(0.3, 0.06 * (5.0 / figure.get_figheight()) * len(title_lines))
    figure.tight_layout(rect=(0, bottom, 1, top))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _bars(axes, plan: ChartPlan, colour: str) -> None:  # type: ignore[no-untyped-def]
    positions = list(range(len(plan.series)))
    values = [s.values[0] or 0 for s in plan.series]
    colours = [_OTHER_COLOUR if s.grouped else colour for s in plan.series]
    bars = axes.barh(positions, values, color=colours)
    axes.set_yticks(positions, labels=[textwrap.shorten(s.name, 48, placeholder="...") for s in plan.series],
                    fontsize=10)
    axes.invert_yaxis()
    axes.bar_label(bars, labels=[s.shown[0] for s in plan.series], padding=3, fontsize=9)
    axes.set_xlabel(plan.value_title, fontsize=10)
    axes.tick_params(axis="x", labelsize=9)
    axes.margins(x=0.15)


def _lines(axes, plan: ChartPlan) -> None:  # type: ignore[no-untyped-def]
    x = list(range(len(plan.x_labels)))
    for i, s in enumerate(plan.series):
        colour = _OTHER_COLOUR if s.grouped else _PALETTE[i % len(_PALETTE)]
        axes.plot(x, [v if v is not None else math.nan for v in s.values], marker="o", color=colour,
                  label=textwrap.shorten(s.name, 40, placeholder="..."), linewidth=2)
    axes.set_xticks(x, labels=list(plan.x_labels), fontsize=10, rotation=0 if len(x) <= 8 else 45)
    axes.set_ylabel(plan.value_title, fontsize=10)
    axes.set_ylim(bottom=0)
    axes.tick_params(axis="y", labelsize=9)
    axes.grid(axis="y", color="#dddddd")
    if len(plan.series) > 1:
        axes.legend(fontsize=9, frameon=False, loc="best")


def _small_multiples(plan: ChartPlan, colour: str, dpi: int) -> Figure:
    count = len(plan.series)
    cols = 4 if count > 6 else 3
    rows = math.ceil(count / cols)
    figure = Figure(figsize=(9.0, 1.2 + 1.75 * rows), dpi=dpi)
    FigureCanvasAgg(figure)
    axes_list = figure.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
    x = list(range(len(plan.x_labels)))
    for index, axes in enumerate(axes_list.flat):
        if index >= count:
            axes.set_axis_off()
            continue
        s = plan.series[index]
        axes.plot(x, [v if v is not None else math.nan for v in s.values], marker="o", markersize=3,
                  color=_OTHER_COLOUR if s.grouped else colour, linewidth=1.8)
        axes.set_title(textwrap.shorten(s.name, 30, placeholder="..."), fontsize=9, loc="left")
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", color="#eeeeee")
        axes.tick_params(labelsize=8)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        if len(x) <= 6:
            axes.set_xticks(x, labels=list(plan.x_labels), fontsize=7)
        else:
            step = math.ceil(len(x) / 4)
            axes.set_xticks(x[::step], labels=list(plan.x_labels)[::step], fontsize=7)
    return figure
