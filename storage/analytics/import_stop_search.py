"""Loading police.uk stop and search files (``*-stop-and-search.csv``) into ``policeuk_stop_search``.

police.uk publishes one file per force per month, one row per search, with the columns below. The
files have no record id: a re-import replaces everything the same file (its batch, e.g.
``2021-01-hertfordshire``) loaded before, in one transaction. Blank cells are common (ethnicity not
stated, no location for vehicle searches, older files without the operation columns) and are kept as
NULL, shown as "Not recorded" by the queries. Rows that cannot be read - wrong field count, a date that
is not a date, a coordinate that is not a number, a yes/no column that is neither - are reported with
their line numbers, never dropped silently.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy.engine import Engine

from storage.analytics.loading import (
    FileResult,
    MalformedRow,
    count_lines,
    numbered_rows,
    open_csv_text,
    progress_bar,
    replace_batch,
)
from storage.analytics.schema import policeuk_stop_search

#: police.uk header -> column, in police.uk's order.
STOP_SEARCH_HEADERS = {
    "Type": "search_type",
    "Date": "searched_at",
    "Part of a policing operation": "part_of_operation",
    "Policing operation": "operation",
    "Latitude": "latitude",
    "Longitude": "longitude",
    "Gender": "gender",
    "Age range": "age_range",
    "Self-defined ethnicity": "self_defined_ethnicity",
    "Officer-defined ethnicity": "officer_defined_ethnicity",
    "Legislation": "legislation",
    "Object of search": "object_of_search",
    "Outcome": "outcome",
    "Outcome linked to object of search": "outcome_linked",
    "Removal of more than just outer clothing": "outer_clothing_removed",
}
#: Columns some police.uk years or forces leave out.
OPTIONAL_STOP_SEARCH_HEADERS = {
    "Part of a policing operation", "Policing operation", "Outcome linked to object of search",
    "Removal of more than just outer clothing",
}
_BOOLEAN_COLUMNS = {"part_of_operation", "outcome_linked", "outer_clothing_removed"}
_FLOAT_COLUMNS = {"latitude", "longitude"}
_DATE_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-\d{2}")
_BOOLEANS = {"true": True, "false": False, "": None}


def import_stop_search_file(engine: Engine, path: Path, batch: str, *, progress: bool | None = None) -> FileResult:
    """Load one stop and search file, replacing what the same batch loaded before (one transaction)."""
    result = FileResult(file=path.name, kind="stop-and-search")
    with open_csv_text(path) as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            result.error = "empty file (no header row)"
            return result
        except csv.Error as exc:
            result.error = f"unreadable header: {exc}"
            return result
        missing = [h for h in STOP_SEARCH_HEADERS if h not in header and h not in OPTIONAL_STOP_SEARCH_HEADERS]
        if missing:
            result.error = f"not a police.uk stop-and-search file: missing column(s) {', '.join(missing)}"
            return result
        positions = {column: (header.index(h) if h in header else None) for h, column in STOP_SEARCH_HEADERS.items()}
        months: set[str] = set()
        bar = progress_bar(count_lines(path), path.name, enabled=progress)
        rows = _parse(reader, path.name, batch, positions, len(header), months, result.malformed)
        columns = ["batch", "month", *STOP_SEARCH_HEADERS.values()]
        replace_batch(engine, policeuk_stop_search, batch, columns, rows, months, result, bar,
                      source=f"policeuk:{path.stem}", description=f"police.uk stop-and-search file {path.name}")
    return result


def _parse(
    reader: Iterable[list[str]],
    filename: str,
    batch: str,
    positions: dict[str, int | None],
    width: int,
    months: set[str],
    malformed: list[MalformedRow],
) -> Iterator[tuple[object, ...]]:
    for line, row in numbered_rows(reader, filename, malformed):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            malformed.append(MalformedRow(filename, line, f"expected {width} fields, found {len(row)}"))
            continue
        values = {column: (row[pos].strip() if pos is not None else "") for column, pos in positions.items()}
        if not values["search_type"]:
            malformed.append(MalformedRow(filename, line, "no Type"))
            continue
        match = _DATE_RE.match(values["searched_at"])
        if not match:
            malformed.append(MalformedRow(filename, line, f"Date {values['searched_at']!r} is not a date"))
            continue
        converted: dict[str, object] = {}
        problem = None
        for column, text in values.items():
            if column in _FLOAT_COLUMNS and text:
                try:
                    converted[column] = float(text)
                except ValueError:
                    problem = f"{_title(column)} {text!r} is not a number"
                    break
            elif column in _BOOLEAN_COLUMNS:
                if text.lower() not in _BOOLEANS:
                    problem = f"{_title(column)} {text!r} is not True, False or blank"
                    break
                converted[column] = _BOOLEANS[text.lower()]
            else:
                converted[column] = text or None
        if problem:
            malformed.append(MalformedRow(filename, line, problem))
            continue
        month = f"{match.group(1)}-{match.group(2)}"
        months.add(month)
        yield (batch, month, *(converted[c] for c in STOP_SEARCH_HEADERS.values()))


def _title(column: str) -> str:
    return next(h for h, c in STOP_SEARCH_HEADERS.items() if c == column)


