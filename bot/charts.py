"""Bar charts of statistics results as PNG bytes, for upload into a case thread beside the CSV.

Uses matplotlib's object API drawing straight onto the Agg canvas (no pyplot, no global backend switch,
no figure registry, no display), so it is safe in the bot's worker threads and on a server without a
screen. The chart carries the same
SYNTHETIC warning as the table when the data is synthetic, because charts get forwarded without the
message they came with.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from commands.rules.result_table import QueryResult, format_cell, is_number, numeric_columns

#: Bars beyond this are left out (and the chart says so): past it labels become unreadable.
MAX_BARS = 40


def bar_chart_png(result: QueryResult, *, value_column: str | None = None, dpi: int = 110) -> bytes:
    """A horizontal bar chart of ``result`` as PNG bytes.

    Bars are the rows, labelled by the non-numeric columns joined with " / " (e.g. "Drugs / 2021-01");
    the value is ``value_column`` (a SQL column name) or else the first totalled numeric column, or the
    first numeric one. Raises ``ValueError`` if the result has no numeric column to draw.
    """
    keys = list(result.keys)
    numeric = numeric_columns(result.rows, len(keys)) if result.rows else [False] * len(keys)
    if value_column is not None:
        if value_column not in keys:
            raise ValueError(f"no column {value_column!r}; columns are {', '.join(keys)}")
        value_index = keys.index(value_column)
    else:
        totalled = [i for i, v in enumerate(result.totals or ()) if is_number(v)]
        candidates = totalled or [i for i, flag in enumerate(numeric) if flag]
        if not candidates and result.rows:
            raise ValueError("nothing to chart: the result has no numeric column")
        value_index = candidates[0] if candidates else len(keys) - 1
    label_indexes = [i for i, flag in enumerate(numeric) if not flag and i != value_index] or [0]

    rows = list(result.rows[:MAX_BARS])
    labels = [" / ".join(format_cell(row[i]) for i in label_indexes) for row in rows]
    values = [float(row[value_index]) if is_number(row[value_index]) else 0.0 for row in rows]

    height = max(2.5, 0.6 + 0.32 * len(rows))
    figure = Figure(figsize=(8.5, height), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    title = "\n".join(textwrap.wrap(result.display_title, 70))
    axes.set_title(title, fontsize=10, loc="left")
    if rows:
        positions = list(range(len(rows)))
        bars = axes.barh(positions, values, color="#8a1538" if result.synthetic else "#1f4e79")
        axes.set_yticks(positions, labels=[textwrap.shorten(label, 55, placeholder="...") for label in labels],
                        fontsize=8)
        axes.invert_yaxis()
        axes.bar_label(bars, labels=[format_cell(row[value_index]) for row in rows], padding=3, fontsize=8)
        axes.set_xlabel(result.columns[value_index], fontsize=9)
        axes.margins(x=0.12)
    else:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "No rows matched", ha="center", va="center", transform=axes.transAxes)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    footer = []
    if result.synthetic:
        footer.append("SYNTHETIC DATA - not real crime records")
    if len(result.rows) > MAX_BARS:
        footer.append(f"first {MAX_BARS} of {len(result.rows)} rows shown")
    if result.params_line:
        footer.append(result.params_line)
    if footer:
        figure.text(0.01, 0.005, " | ".join(footer), fontsize=7, color="#8a1538" if result.synthetic else "#555555")
    figure.tight_layout(rect=(0, 0.03 if footer else 0, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
