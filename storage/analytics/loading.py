"""What an import reports back: rows per file, months covered, and every malformed row by file and line.

A figure given under FOIA must be explainable, so an import never drops a row silently: each row it
cannot load is counted and listed as ``file:line: reason``, and the summary says how many there were.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

#: How many rows go to the database per ``executemany`` (big enough to amortise the call, small enough
#: to keep memory flat on a million-row extract).
BATCH_ROWS = 50_000

#: Malformed rows listed one by one in a summary before "... and N more" (all are counted).
MAX_LISTED = 20


@dataclass(frozen=True)
class MalformedRow:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class FileResult:
    """The outcome of loading one file. ``error`` set means the whole file was rejected (nothing loaded)."""

    file: str
    kind: str
    rows: int = 0
    replaced: int = 0
    months: list[str] = field(default_factory=list)
    period: tuple[str, str] | None = None
    malformed: list[MalformedRow] = field(default_factory=list)
    error: str | None = None


@dataclass
class ImportSummary:
    files: list[FileResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def malformed(self) -> list[MalformedRow]:
        return [m for f in self.files for m in f.malformed]

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.error]

    @property
    def months(self) -> list[str]:
        return sorted({m for f in self.files for m in f.months})

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def lines(self) -> list[str]:
        """The human summary printed by ``foi-bot data import``."""
        out: list[str] = []
        for f in self.files:
            if f.error:
                out.append(f"{f.file}: NOT LOADED - {f.error}")
                continue
            extra = f", replaced {f.replaced:,} earlier rows" if f.replaced else ""
            bad = f", {len(f.malformed):,} malformed" if f.malformed else ""
            span = f" covering {f.period[0]} to {f.period[1]}" if f.period else ""
            out.append(f"{f.file}: {f.rows:,} {f.kind} rows{span}{bad}{extra}")
        months = self.months
        if months:
            span = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
            out.append(f"months: {span} ({len(months)})")
        rate = f" ({self.rows_per_second:,.0f} rows/s)" if self.elapsed_s > 0 and self.rows else ""
        out.append(f"loaded {self.rows:,} rows from {len(self.files) - len(self.failed)} file(s) in {self.elapsed_s:.1f} s{rate}")
        malformed = self.malformed
        if malformed:
            out.append(f"{len(malformed):,} malformed row(s) not loaded:")
            out.extend(f"  {m}" for m in malformed[:MAX_LISTED])
            if len(malformed) > MAX_LISTED:
                out.append(f"  ... and {len(malformed) - MAX_LISTED:,} more")
        if self.ignored:
            out.append("ignored (not police.uk street, outcomes or stop-and-search files): " + ", ".join(self.ignored))
        return out


def progress_bar(total: int | None, desc: str, *, enabled: bool | None = None) -> tqdm[Any]:
    """A tqdm bar on stderr, shown only when stderr is a terminal (never in logs, cron or tests)."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit="rows", unit_scale=True, file=sys.stderr, disable=not enabled, leave=False)


def count_lines(path: Path) -> int:
    """Cheap line count for the progress bar's total (binary read, no CSV parsing)."""
    count = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            count += chunk.count(b"\n")
    return max(count - 1, 0)


def open_csv_text(path: Path) -> IO[str]:
    """Open a CSV as text: UTF-8 with or without a BOM; undecodable bytes become U+FFFD, flagged per row."""
    return path.open("r", encoding="utf-8-sig", errors="replace", newline="")


def chunked(rows: Iterable[tuple[object, ...]], size: int = BATCH_ROWS) -> Iterator[list[tuple[object, ...]]]:
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def numbered_rows(reader: Any, filename: str, malformed: list[MalformedRow]) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line number they end on; a row the csv module cannot read is reported, not dropped."""
    line = 1
    iterator = iter(reader)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except csv.Error as exc:
            line = getattr(reader, "line_num", line + 1)
            malformed.append(MalformedRow(filename, line, f"unreadable CSV: {exc}"))
            continue
        line = getattr(reader, "line_num", line + 1)
        yield line, row


def month_end(month: str) -> str:
    """The last day of a "YYYY-MM" month, as an ISO date."""
    import calendar

    year, mon = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(year, mon)[1]:02d}"


def replace_batch(engine: Any, table: Any, batch: str, columns: list[str], rows: Iterable[tuple[object, ...]],
                  months: set[str], result: FileResult, bar: Any, *, source: str, description: str) -> None:
    """Load a police.uk file's rows in one transaction: what the same batch loaded before goes, the new rows
    come in chunks, and the data source records the months covered (read while the rows are consumed)."""
    from sqlalchemy import delete

    from storage.analytics.store import bulk_insert, record_source

    with bar, engine.begin() as conn:
        result.replaced = conn.execute(delete(table).where(table.c.batch == batch)).rowcount or 0
        for chunk in chunked(rows):
            bulk_insert(conn, table.name, columns, chunk)
            result.rows += len(chunk)
            bar.update(len(chunk))
        result.months = sorted(months)
        record_source(conn, name=source, kind="policeuk", description=description, rows=result.rows,
                      period_start=f"{result.months[0]}-01" if result.months else None,
                      period_end=month_end(result.months[-1]) if result.months else None, synthetic=False)
