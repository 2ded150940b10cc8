"""`foi-bot db upgrade|status|purge-personal-data`: schema and retention chores for operators."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from bot.config import load_settings
from bot.runtime import open_database
from commands.retention import purge
from storage.db import session_scope
from storage.migrate import pending_revisions, upgrade


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="database schema and retention")
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION")
    sub.required = True
    sub.add_parser("upgrade", help="apply pending migrations").set_defaults(func=_upgrade)
    sub.add_parser("status", help="say which migrations are pending").set_defaults(func=_status)
    purge = sub.add_parser("purge-personal-data", help="erase requester details of cases finished before the retention period")
    purge.add_argument("--dry-run", action="store_true", help="list the cases without changing them")
    purge.set_defaults(func=_purge)
    nxt = sub.add_parser("set-next-reference", help="continue a numbering: the next case gets PREFIX YEAR NUMBER")
    nxt.add_argument("prefix", help="FOI, EIR, SAR or IR (or the profile's own prefix)")
    nxt.add_argument("year", type=int)
    nxt.add_argument("number", type=int)
    nxt.set_defaults(func=_set_next)


def _upgrade(args: argparse.Namespace) -> int:
    engine = open_database(load_settings(), migrate=False)
    before = pending_revisions(engine)
    upgrade(engine)
    print(f"applied {len(before)} migration(s)" if before else "database schema is up to date")
    return 0


def _status(args: argparse.Namespace) -> int:
    engine = open_database(load_settings(), migrate=False)
    pending = pending_revisions(engine)
    print("pending: " + ", ".join(pending) if pending else "database schema is up to date")
    return 1 if pending else 0


def _purge(args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = open_database(settings)
    today = datetime.now(settings.tz).date()
    with session_scope(engine) as session:
        report = purge(session, today, settings.retention_years, dry_run=args.dry_run)
    references = report.references
    verb = "would erase" if args.dry_run else "erased"
    cases = f"{len(references)} case{'s' if len(references) != 1 else ''}"
    print(f"{verb} personal data of {cases}" + (": " + ", ".join(references) if references else "")
          + (f", and of {report.proposals} intake proposal{'s' if report.proposals != 1 else ''} never registered"
             if report.proposals else ""))
    return 0


def _set_next(args: argparse.Namespace) -> int:
    from commands.adoption import set_next_reference

    engine = open_database(load_settings())
    try:
        with session_scope(engine) as session:
            reference = set_next_reference(session, args.prefix, args.year, args.number)
    except ValueError as exc:
        print(f"foi-bot: {exc}; nothing was changed", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"the next {args.prefix.upper()} reference for {args.year} will be {reference}")
    return 0
