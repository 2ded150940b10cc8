"""Loading a record-level crime extract (one row per crime) into ``crime_records``.

Force systems export the same facts under different headers ("Crime No", "HOC", "Date Recorded" ...), so
headers are matched against a list of common names and anything else is named in a small TOML column
map (``--map FILE``)::

    date_format = "%d/%m/%Y"          # optional; ISO and dd/mm/yyyy dates are understood without it
    [columns]                         # our field = the header in your file
    crime_ref = "Crime Number"
    ho_offence_code = "HOCR"
    offence = "Offence Title"
    recorded_date = "Date Created"
    outcome = "HO Outcome"
    outcome_date = "Outcome Assigned"
    offence_group = "Category"        # optional column

Re-importing a source (by default the file name) replaces its earlier rows in one transaction. Rows
that cannot be loaded are listed with their line numbers, never dropped silently. Speed comes from
plain ``csv`` parsing, ISO strings straight into the store, batched ``executemany`` and, for big loads,
rebuilding the indexes once at the end rather than updating them row by row.
"""

from __future__ import annotations

import csv
import re
import time
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection, Engine

from storage.analytics.loading import (
    FileResult,
    ImportSummary,
    MalformedRow,
    chunked,
    count_lines,
    numbered_rows,
    open_csv_text,
    progress_bar,
)
from storage.analytics.schema import create_record_indexes, create_schema, crime_records, drop_record_indexes
from storage.analytics.store import bulk_insert, record_source

#: Fields of an extract row, in the order of the tuples the loaders take.
FIELDS = ("crime_ref", "ho_offence_code", "offence", "offence_group", "recorded_date", "outcome", "outcome_date")
REQUIRED_FIELDS = ("crime_ref", "ho_offence_code", "offence", "recorded_date", "outcome", "outcome_date")

#: Header spellings recognised without a map (compared lower-case with punctuation as underscores).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "crime_ref": ("crime_ref", "crime_reference", "crime_reference_number", "crime_number", "crime_no",
                  "crime_id", "crime_ref_no", "reference", "urn"),
    "ho_offence_code": ("ho_offence_code", "ho_code", "home_office_code", "home_office_offence_code",
                        "ho_offence", "hoc", "hocr_code", "offence_code", "ho_class"),
    "offence": ("offence", "offence_description", "offence_desc", "offence_title", "offence_name", "description"),
    "offence_group": ("offence_group", "group", "offence_category", "category"),
    "recorded_date": ("recorded_date", "date_recorded", "recorded", "crime_recorded_date", "recorded_on"),
    "outcome": ("outcome", "ho_outcome", "outcome_type", "outcome_number", "outcome_code", "ho_outcome_type"),
    "outcome_date": ("outcome_date", "outcome_assigned_date", "outcome_assignment_date", "date_of_outcome",
                     "outcome_assigned", "outcome_assigned_on"),
}

#: Rows above which the importer drops and rebuilds the crime_records indexes instead of updating them.
REBUILD_INDEXES_FROM = 100_000

_OUTCOME_RE = re.compile(r"^(?:outcome|oc|o)?\s*0*(\d{1,2})(?:\.0+)?$", re.IGNORECASE)


class ExtractFormatError(ValueError):
    """The file or column map cannot be used at all (as opposed to individual malformed rows)."""


@dataclass(frozen=True)
class ColumnMap:
    """Our field -> the header used in the file, and an optional strptime date format."""

    columns: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None


def load_column_map(path: Path) -> ColumnMap:
    """Read a TOML column map (see the module docstring); raises :class:`ExtractFormatError` if unusable."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ExtractFormatError(f"column map {path}: {exc}") from None
    unknown = set(data) - {"columns", "date_format"}
    if unknown:
        raise ExtractFormatError(f"column map {path}: unknown key(s) {', '.join(sorted(unknown))}; use [columns] and date_format")
    columns = data.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise ExtractFormatError(f"column map {path}: [columns] must map field names to header strings")
    bad = set(columns) - set(FIELDS)
    if bad:
        raise ExtractFormatError(f"column map {path}: unknown field(s) {', '.join(sorted(bad))}; fields are {', '.join(FIELDS)}")
    fmt = data.get("date_format")
    if fmt is not None:
        if not isinstance(fmt, str):
            raise ExtractFormatError(f"column map {path}: date_format must be a string like \"%d/%m/%Y\"")
        try:
            datetime.strptime(datetime(2016, 1, 31).strftime(fmt), fmt)
        except ValueError as exc:
            raise ExtractFormatError(f"column map {path}: date_format {fmt!r} does not work: {exc}") from None
    return ColumnMap(columns=dict(columns), date_format=fmt)


def normalise_header(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def resolve_columns(header: list[str], column_map: ColumnMap | None = None) -> dict[str, int]:
    """Position of each field in ``header``; :class:`ExtractFormatError` naming what is missing."""
    normalised = [normalise_header(h) for h in header]
    positions: dict[str, int] = {}
    mapped = dict(column_map.columns) if column_map else {}
    for name in FIELDS:
        if name in mapped:
            wanted = normalise_header(mapped[name])
            if wanted not in normalised:
                raise ExtractFormatError(f"column {mapped[name]!r} (mapped to {name}) is not in the file's header")
            positions[name] = normalised.index(wanted)
            continue
        for alias in HEADER_ALIASES[name]:
            if alias in normalised:
                positions[name] = normalised.index(alias)
                break
    missing = [name for name in REQUIRED_FIELDS if name not in positions]
    if missing:
        hints = "; ".join(f"{m} (e.g. {', '.join(HEADER_ALIASES[m][:3])})" for m in missing)
        raise ExtractFormatError(f"no column found for {hints}; name your headers with --map FILE")
    return positions


def parse_date(text: str, date_format: str | None = None) -> str | None:
    """``text`` as an ISO date string, or None if it is not a date. Accepts ISO (optionally with a time),
    dd/mm/yyyy and, when given, ``date_format``."""
    if date_format:
        try:
            return datetime.strptime(text, date_format).date().isoformat()
        except ValueError:
            return None
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        candidate = text[:10]
        if len(text) > 10 and text[10] not in " T":
            return None
    elif len(text) >= 10 and text[2] == "/" and text[5] == "/":
        if len(text) > 10 and text[10] != " ":
            return None
        candidate = f"{text[6:10]}-{text[3:5]}-{text[0:2]}"
    else:
        for fmt in ("%d/%m/%Y", "%Y%m%d"):
            try:
                return datetime.strptime(text.split(" ")[0], fmt).date().isoformat()
            except ValueError:
                continue
        return None
    try:
        date.fromisoformat(candidate)
    except ValueError:
        return None
    return candidate


def parse_outcome(text: str) -> int | None:
    """A Home Office outcome number 1-22 from "21", "Outcome 21", "OC21"...; None if it is not one."""
    match = _OUTCOME_RE.match(text)
    if not match:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= 22 else None


def import_extract(
    engine: Engine,
    path: Path,
    *,
    column_map: ColumnMap | None = None,
    source: str | None = None,
    synthetic: bool = False,
    progress: bool | None = None,
) -> ImportSummary:
    """Load the extract CSV at ``path`` as source ``source`` (default: the file name), replacing that
    source's earlier rows. Raises :class:`ExtractFormatError` if the header cannot be matched."""
    started = time.perf_counter()
    path = Path(path)
    name = source or path.name
    with open_csv_text(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise ExtractFormatError(f"{path.name} is empty (no header row)") from None
        positions = resolve_columns(header, column_map)
        result = FileResult(file=path.name, kind="extract")
        records = _parse_rows(reader, path.name, positions, len(header), column_map, result.malformed)
        load_extract_records(
            engine,
            records,
            source=name,
            description=f"crime extract {path.name}",
            synthetic=synthetic,
            progress=progress,
            expected_rows=count_lines(path),
            result=result,
        )
    return ImportSummary(files=[result], elapsed_s=time.perf_counter() - started)


def load_extract_records(
    engine: Engine,
    records: Iterable[tuple[object, ...]],
    *,
    source: str,
    description: str,
    synthetic: bool,
    progress: bool | None = None,
    expected_rows: int | None = None,
    result: FileResult | None = None,
) -> FileResult:
    """Replace source ``source`` with ``records`` (tuples in :data:`FIELDS` order, ISO date strings)
    in one transaction, and record it in ``data_sources``. Used by the CSV importer and the demo."""
    result = result or FileResult(file=source, kind="extract")
    create_schema(engine)
    columns = [*FIELDS, "source", "synthetic"]
    rebuild = (expected_rows or 0) >= REBUILD_INDEXES_FROM
    bar = progress_bar(expected_rows, result.file, enabled=progress)
    with bar, engine.begin() as conn:
        if rebuild:  # before the delete too: removing a big old copy is cheaper without index upkeep
            _drop_indexes(conn)
        result.replaced = conn.execute(delete(crime_records).where(crime_records.c.source == source)).rowcount or 0
        for chunk in chunked(records):
            bulk_insert(conn, crime_records.name, columns, [(*r, source, synthetic) for r in chunk])
            result.rows += len(chunk)
            bar.update(len(chunk))
        if rebuild:
            create_record_indexes(conn)
        c = crime_records.c
        bounds = conn.execute(
            select(func.min(c.recorded_date), func.max(c.recorded_date), func.min(c.outcome_date), func.max(c.outcome_date))
            .where(c.source == source)
        ).one()
        dates = [str(d) for d in bounds if d is not None]
        if dates:
            result.period = (min(dates), max(dates))
        record_source(
            conn,
            name=f"extract:{source}",
            kind="extract",
            description=("SYNTHETIC " if synthetic else "") + description,
            rows=result.rows,
            period_start=result.period[0] if result.period else None,
            period_end=result.period[1] if result.period else None,
            synthetic=synthetic,
        )
    return result


def extract_row_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(crime_records)).scalar_one())


def _drop_indexes(conn: Connection) -> None:
    drop_record_indexes(conn)


def _parse_rows(
    reader: Iterable[list[str]],
    filename: str,
    positions: dict[str, int],
    width: int,
    column_map: ColumnMap | None,
    malformed: list[MalformedRow],
) -> Iterator[tuple[object, ...]]:
    fmt = column_map.date_format if column_map else None
    p_ref, p_code, p_off = positions["crime_ref"], positions["ho_offence_code"], positions["offence"]
    p_group = positions.get("offence_group")
    p_rec, p_out, p_odate = positions["recorded_date"], positions["outcome"], positions["outcome_date"]
    # An extract has a few thousand distinct dates and 22 outcomes across a million rows: parse each once.
    dates: dict[str, str | None] = {}
    outcomes: dict[str, int | None] = {}
    for line, row in numbered_rows(reader, filename, malformed):
        if len(dates) > 50_000:  # timestamps rather than dates: keep the cache small
            dates.clear()
        if len(row) != width:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # a blank line is not a row
            malformed.append(MalformedRow(filename, line, f"expected {width} fields, found {len(row)}"))
            continue
        ref = row[p_ref].strip()
        offence = row[p_off].strip()
        if not ref:
            malformed.append(MalformedRow(filename, line, "no crime reference"))
            continue
        if not offence:
            malformed.append(MalformedRow(filename, line, "no offence description"))
            continue
        rec_text = row[p_rec].strip()
        recorded = dates.get(rec_text, "")
        if recorded == "":
            recorded = dates[rec_text] = parse_date(rec_text, fmt) if rec_text else None
        if recorded is None:
            reason = "no recorded date" if not rec_text else f"recorded date {rec_text!r} is not a date"
            malformed.append(MalformedRow(filename, line, reason))
            continue
        out_text = row[p_out].strip()
        outcome = None
        if out_text:
            outcome = outcomes.get(out_text, 0)
            if outcome == 0:
                outcome = outcomes[out_text] = parse_outcome(out_text)
            if outcome is None:
                malformed.append(MalformedRow(filename, line, f"outcome {out_text!r} is not a Home Office outcome 1-22"))
                continue
        odate_text = row[p_odate].strip()
        outcome_date = None
        if odate_text:
            outcome_date = dates.get(odate_text, "")
            if outcome_date == "":
                outcome_date = dates[odate_text] = parse_date(odate_text, fmt)
            if outcome_date is None:
                malformed.append(MalformedRow(filename, line, f"outcome date {odate_text!r} is not a date"))
                continue
        elif outcome is not None:
            malformed.append(MalformedRow(filename, line, f"outcome {outcome} has no outcome date"))
            continue
        if "\ufffd" in ref or "\ufffd" in offence:
            malformed.append(MalformedRow(filename, line, "text is not valid UTF-8"))
            continue
        code = row[p_code].strip() or None
        group = (row[p_group].strip() or None) if p_group is not None else None
        yield (ref, code, offence, group, recorded, outcome, outcome_date)
