"""`foi-bot cases import FILE.csv`: bring a team's existing register in (all rows or none)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from bot.config import load_settings
from bot.runtime import build_context
from commands.adoption import RegisterImportError, import_register
from storage.db import session_scope


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("cases", help="the case register: import an existing register")
    sub = parser.add_subparsers(dest="cases_command", metavar="ACTION")
    sub.required = True
    imp = sub.add_parser("import", help="import open and recent cases from a CSV (columns in README)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--keep-due", action="store_true",
                     help="where the old register's due date differs from the statutory clock's, keep the old one")
    imp.add_argument("--as", dest="actor", default="import", help="who the history says imported them")
    imp.set_defaults(func=_import)


def _import(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"foi-bot: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    settings = load_settings()
    ctx = build_context(settings)
    today = datetime.now(settings.tz).date()
    try:
        with session_scope(ctx.engine) as session:
            report = import_register(ctx, session, text, today=today, actor=args.actor, keep_due=args.keep_due)
    except RegisterImportError as exc:
        print(f"foi-bot: nothing was imported; fix these and run it again ({len(exc.problems)} problem"
              f"{'s' if len(exc.problems) != 1 else ''}):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    finally:
        ctx.engine.dispose()
    n = len(report.references)
    print(f"imported {n} case{'s' if n != 1 else ''}: {', '.join(report.references)}")
    if report.differences:
        print("due dates that differ from the old register:")
        for line in report.differences:
            print(f"  {line}")
    for line in report.counters:
        print(line)
    return 0
