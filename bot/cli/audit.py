"""`foi-bot audit export`: the append-only case history (who, when, what, before/after) as CSV or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.config import load_settings
from bot.runtime import build_context
from commands.adoption import audit_csv, audit_rows
from commands.words import parse_date
from storage.db import session_scope
from storage.references import normalise_reference


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audit", help="the case history, for auditors")
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION")
    sub.required = True
    export = sub.add_parser("export", help="write the history as CSV or JSON")
    export.add_argument("--case", metavar="REF", help="one case's history")
    export.add_argument("--from", dest="since", metavar="YYYY-MM-DD", help="events on or after this day")
    export.add_argument("--to", dest="until", metavar="YYYY-MM-DD", help="events on or before this day")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--out", type=Path, help="a file (default: standard output)")
    export.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    from commands.base import CommandError

    reference = None
    try:
        if args.case:
            reference = normalise_reference(args.case)
            if reference is None:
                raise CommandError(f"`{args.case}` is not a case reference like FOI2026/00042.")
        since = parse_date(args.since, what="--from date") if args.since else None
        until = parse_date(args.until, what="--to date") if args.until else None
    except CommandError as exc:
        print(f"foi-bot: {exc.problem}", file=sys.stderr)
        return 2
    settings = load_settings()
    ctx = build_context(settings)
    try:
        with session_scope(ctx.engine) as session:
            rows = list(audit_rows(session, reference=reference, since=since, until=until, tz=settings.tz))
    finally:
        ctx.engine.dispose()
    text = audit_csv(rows) if args.format == "csv" else json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {len(rows)} event{'s' if len(rows) != 1 else ''} to {args.out}")
    else:
        sys.stdout.write(text)
    return 0
