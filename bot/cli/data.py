"""`foi-bot data import|demo`: load the statistics store the canned queries read (``DATA_URL``).

``data import --format policeuk DIR`` loads police.uk street and outcomes files, and stop and search
files (``*-stop-and-search.csv``) when the folder has them; ``--format extract
FILE.csv`` a record-level crime extract (``--map FILE.toml`` names non-standard headers; without it the
``FOI_EXTRACT_MAP`` setting is used if set). ``data demo`` loads the SYNTHETIC demo extract. Every
import prints rows per file and lists malformed rows with file:line, because figures disclosed under
FOIA must be traceable to what was and was not loaded.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import load_settings

FORMATS = ("policeuk", "extract")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data", help="load statistics data (police.uk files, crime extracts, demo)")
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION")
    sub.required = True
    imp = sub.add_parser("import", help="load police.uk CSVs or a crime extract into the statistics store")
    imp.add_argument("--format", required=True, choices=FORMATS, help="policeuk (a directory or file) or extract (a CSV)")
    imp.add_argument("path", type=Path, metavar="PATH")
    imp.add_argument("--map", type=Path, default=None, dest="map_file", metavar="FILE.toml",
                     help="column map for an extract whose headers are not the usual ones")
    imp.add_argument("--source", default=None, help="name of an extract source (default: file name); reloading it replaces it")
    imp.set_defaults(func=_import)
    demo = sub.add_parser("demo", help="load the SYNTHETIC demo extract (reproduces the FOI2018/00739 table)")
    demo.add_argument("--seed", type=int, default=None, help="random seed (default: the fixed demo seed)")
    demo.add_argument("--remove", action="store_true", help="delete the demo data instead")
    demo.set_defaults(func=_demo)


def _import(args: argparse.Namespace) -> int:
    try:
        return _import_unguarded(args)
    except SQLAlchemyError as exc:
        return _fail(f"the statistics store failed: {_first_line(exc)}", 1)


def _demo(args: argparse.Namespace) -> int:
    try:
        return _demo_unguarded(args)
    except SQLAlchemyError as exc:
        return _fail(f"the statistics store failed: {_first_line(exc)}", 1)


def _import_unguarded(args: argparse.Namespace) -> int:
    from storage.analytics.import_extract import ExtractFormatError, import_extract, load_column_map
    from storage.analytics.import_policeuk import import_policeuk

    settings = load_settings()
    path: Path = args.path
    if not path.exists():
        return _fail(f"no such file or directory: {path}", 2)
    if args.format == "policeuk" and (args.map_file or args.source):
        return _fail("--map and --source apply to --format extract only", 2)
    engine = _writable(settings.data_url)
    try:
        if args.format == "policeuk":
            summary = import_policeuk(engine, path)
            if not summary.files:
                return _fail(f"no police.uk *-street.csv, *-outcomes.csv or *-stop-and-search.csv files found in {path}", 2)
        else:
            if path.is_dir():
                return _fail(f"{path} is a directory; --format extract takes one CSV file", 2)
            map_file = args.map_file or getattr(settings, "extract_map", None) or os.environ.get("FOI_EXTRACT_MAP")
            try:
                column_map = load_column_map(Path(map_file)) if map_file else None
                summary = import_extract(engine, path, column_map=column_map, source=args.source)
            except ExtractFormatError as exc:
                return _fail(f"{path.name}: {exc}", 2)
            if _has_synthetic(engine):
                print("note: the statistics store also holds SYNTHETIC demo data; "
                      "remove it with `foi-bot data demo --remove` before answering requests")
    finally:
        engine.dispose()
    for line in summary.lines():
        print(line)
    print(f"statistics store: {_safe_url(settings.data_url)}")
    return 1 if summary.failed else 0


def _demo_unguarded(args: argparse.Namespace) -> int:
    from storage.analytics.demo import DEMO_SEED, DEMO_SOURCE, RealDataPresent, load_demo
    from storage.analytics.schema import create_schema, crime_records, data_sources

    settings = load_settings()
    engine = _writable(settings.data_url)
    try:
        if args.remove:
            create_schema(engine)
            with engine.begin() as conn:
                removed = conn.execute(delete(crime_records).where(crime_records.c.source == DEMO_SOURCE)).rowcount
                conn.execute(delete(data_sources).where(data_sources.c.name == f"extract:{DEMO_SOURCE}"))
            print(f"removed {removed or 0:,} SYNTHETIC demo rows from {_safe_url(settings.data_url)}")
            return 0
        try:
            result = load_demo(engine, seed=DEMO_SEED if args.seed is None else args.seed)
        except RealDataPresent as exc:
            return _fail(str(exc), 2)
    finally:
        engine.dispose()
    period = f" covering {result.period[0]} to {result.period[1]}" if result.period else ""
    print(f"loaded {result.rows:,} SYNTHETIC demo rows{period} into {_safe_url(settings.data_url)}")
    print("these are not real crime records; try:")
    print("  foi-bot stats run offences-by-group from=2016-01-01 to=2018-01-31")
    print("  foi-bot stats run outcome-by-offence outcome=21 from=2016-01-01 to=2018-01-31")
    return 0


def _writable(url: str) -> Engine:
    from storage.analytics.store import open_store

    return open_store(url, readonly=False)


def _has_synthetic(engine: Engine) -> bool:
    from storage.analytics.schema import data_sources

    with engine.connect() as conn:
        return conn.execute(select(data_sources.c.name).where(data_sources.c.synthetic.is_(True))).first() is not None


def _fail(message: str, code: int) -> int:
    print(f"foi-bot: {message}", file=sys.stderr)
    return code


def _first_line(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).strip().splitlines()[0]


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
