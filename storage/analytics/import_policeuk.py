"""Loading police.uk open data (``*-street.csv``, ``*-outcomes.csv`` and, when present,
``*-stop-and-search.csv`` - see ``import_stop_search``) into the analytics store.

police.uk publishes one street file and one outcomes file per force per month. Quirks handled here:

* anti-social behaviour rows have no Crime ID - they are valid street rows (any other crime without an
  ID is reported as malformed);
* the outcomes file has several rows per crime and its ``Month`` is the month of the outcome, not of the
  crime - queries count distinct Crime IDs and filter on that month;
* rows located outside the force area (or with "No location") are still the force's records and are
  loaded as published.

Re-importing a file replaces the rows that file loaded before (keyed by its name, e.g.
``2021-01-hertfordshire``), in one transaction per file, so an import can be repeated safely and a
failure half-way leaves the previous data in place.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy.engine import Engine

from storage.analytics.import_stop_search import import_stop_search_file
from storage.analytics.loading import (
    FileResult,
    ImportSummary,
    MalformedRow,
    count_lines,
    numbered_rows,
    open_csv_text,
    progress_bar,
    replace_batch,
)
from storage.analytics.schema import create_schema, policeuk_outcomes, policeuk_street

ASB = "Anti-social behaviour"

#: police.uk header -> column, in the order rows are inserted. ``Context`` is optional (blank in practice).
STREET_HEADERS = {
    "Crime ID": "crime_id",
    "Month": "month",
    "Reported by": "reported_by",
    "Falls within": "falls_within",
    "Longitude": "longitude",
    "Latitude": "latitude",
    "Location": "location",
    "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name",
    "Crime type": "crime_type",
    "Last outcome category": "last_outcome_category",
    "Context": "context",
}
OUTCOME_HEADERS = {
    "Crime ID": "crime_id",
    "Month": "month",
    "Reported by": "reported_by",
    "Falls within": "falls_within",
    "Longitude": "longitude",
    "Latitude": "latitude",
    "Location": "location",
    "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name",
    "Outcome type": "outcome_type",
}
OPTIONAL_HEADERS = {"Context"}

_FILE_RE = re.compile(r"^(?P<batch>.+)-(?P<kind>street|outcomes|stop-and-search)\.csv$", re.IGNORECASE)
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def find_policeuk_files(path: Path) -> tuple[list[Path], list[str]]:
    """The street, outcomes and stop-and-search CSVs under ``path`` (a directory, searched recursively, or
    one file), and the names of other CSVs that were ignored."""
    if path.is_file():
        candidates = [path]
    elif path.is_dir():
        candidates = sorted(path.rglob("*.csv"), key=lambda p: p.name)
    else:
        raise FileNotFoundError(f"{path} is not a file or directory")
    found, ignored = [], []
    for candidate in candidates:
        (found if _FILE_RE.match(candidate.name) else ignored).append(candidate)
    # street before outcomes within a month keeps the progress output in reading order
    order = {"street": 0, "outcomes": 1, "stop-and-search": 2}
    found.sort(key=lambda p: (_FILE_RE.match(p.name).group("batch"),  # type: ignore[union-attr]
                              order[_FILE_RE.match(p.name).group("kind").lower()]))  # type: ignore[union-attr]
    return found, [p.name for p in ignored]


def import_policeuk(engine: Engine, path: Path, *, progress: bool | None = None) -> ImportSummary:
    """Load every police.uk street, outcomes and stop-and-search file under ``path``; one transaction per file.

    ``progress`` None shows a bar only on a terminal. Returns the summary (rows per file, months,
    malformed rows with file:line, ignored files); a file whose header is wrong is reported and skipped.
    """
    started = time.perf_counter()
    files, ignored = find_policeuk_files(Path(path))
    summary = ImportSummary(ignored=ignored)
    create_schema(engine)
    for file in files:
        summary.files.append(import_policeuk_file(engine, file, progress=progress))
    summary.elapsed_s = time.perf_counter() - started
    return summary


def import_policeuk_file(engine: Engine, path: Path, *, progress: bool | None = None) -> FileResult:
    match = _FILE_RE.match(path.name)
    if not match:
        return FileResult(file=path.name, kind="?", error="name must end in -street.csv, -outcomes.csv or -stop-and-search.csv")
    batch, kind = match.group("batch"), match.group("kind").lower()
    if kind == "stop-and-search":
        return import_stop_search_file(engine, path, batch, progress=progress)
    table = policeuk_street if kind == "street" else policeuk_outcomes
    headers = STREET_HEADERS if kind == "street" else OUTCOME_HEADERS
    result = FileResult(file=path.name, kind=kind)
    with open_csv_text(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            result.error = "empty file (no header row)"
            return result
        except csv.Error as exc:
            result.error = f"unreadable header: {exc}"
            return result
        header = [h.strip() for h in header]
        missing = [h for h in headers if h not in header and h not in OPTIONAL_HEADERS]
        if missing:
            result.error = f"not a police.uk {kind} file: missing column(s) {', '.join(missing)}"
            return result
        positions = [header.index(h) if h in header else None for h in headers]
        columns = ["batch", *headers.values()]
        months: set[str] = set()
        bar = progress_bar(count_lines(path), path.name, enabled=progress)
        rows = _parse_rows(reader, path.name, kind, batch, positions, len(header), list(headers.values()),
                           months, result.malformed)
        replace_batch(engine, table, batch, columns, rows, months, result, bar, source=f"policeuk:{path.stem}",
                      description=f"police.uk {kind} file {path.name}")
    return result


def _parse_rows(
    reader: Iterable[list[str]],
    filename: str,
    kind: str,
    batch: str,
    positions: list[int | None],
    width: int,
    names: list[str],
    months: set[str],
    malformed: list[MalformedRow],
) -> Iterator[tuple[object, ...]]:
    """Valid rows as tuples ``(batch, *columns)``; the rest go to ``malformed`` with their line numbers."""
    idx = {name: pos for name, pos in zip(names, positions, strict=True)}
    i_id, i_month = idx["crime_id"], idx["month"]
    i_lon, i_lat = idx["longitude"], idx["latitude"]
    i_type = idx.get("crime_type")
    i_outcome = idx.get("outcome_type")
    valid_months: set[str] = set()
    in_order = positions == list(range(width))  # the usual case: header exactly as police.uk writes it
    for line, row in numbered_rows(reader, filename, malformed):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line is not a row
        if len(row) != width:
            malformed.append(MalformedRow(filename, line, f"expected {width} fields, found {len(row)}"))
            continue
        values = list(map(str.strip, row)) if in_order else [row[p].strip() if p is not None else "" for p in positions]
        month = values[i_month]  # type: ignore[index]
        if month not in valid_months:
            if not _MONTH_RE.match(month):
                malformed.append(MalformedRow(filename, line, f"Month {month!r} is not YYYY-MM"))
                continue
            valid_months.add(month)
        crime_id = values[i_id]  # type: ignore[index]
        if kind == "street":
            crime_type = values[i_type]  # type: ignore[index]
            if not crime_type:
                malformed.append(MalformedRow(filename, line, "no Crime type"))
                continue
            if not crime_id and crime_type != ASB:
                malformed.append(
                    MalformedRow(filename, line, f"no Crime ID for a {crime_type!r} row (only {ASB} rows may omit it)")
                )
                continue
        else:
            if not crime_id:
                malformed.append(MalformedRow(filename, line, "no Crime ID"))
                continue
            if not values[i_outcome]:  # type: ignore[index]
                malformed.append(MalformedRow(filename, line, "no Outcome type"))
                continue
        converted: list[object] = [v or None for v in values]
        bad = False
        for pos, label in ((i_lon, "Longitude"), (i_lat, "Latitude")):
            text = values[pos]  # type: ignore[index]
            if text:
                try:
                    converted[pos] = float(text)  # type: ignore[index]
                except ValueError:
                    malformed.append(MalformedRow(filename, line, f"{label} {text!r} is not a number"))
                    bad = True
                    break
        if bad:
            continue
        if "\ufffd" in "".join(values):  # rare: checked last, on rows that are otherwise fine
            malformed.append(MalformedRow(filename, line, "text is not valid UTF-8"))
            continue
        months.add(month)
        yield (batch, *converted)


