"""`foi-bot outbox list|retry|drop` and `foi-bot jobs list`: what is owed to Slack, and what is queued.

An administrator sees what is waiting or dead-lettered and acts on it: ``retry ID`` sends a dead row
again now (a row that may already have reached Slack is reconciled first), ``drop ID`` discards it.
Neither shows message text or request text: they are personal data.
"""

from __future__ import annotations

import argparse
import json

from bot.config import load_settings
from bot.runtime import build_context
from storage import outbox
from storage.db import session_scope
from storage.jobs import JobQueue

STATES = ("pending", "sending", "unknown", "sent", "dead", "dropped")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("outbox", help="what is owed to Slack: list, retry or drop items")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True
    listing = sub.add_parser("list", help="items not yet delivered (or --state STATE)")
    listing.add_argument("--state", choices=STATES, action="append", help="only items in this state (repeatable)")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_list)
    for name, helptext in (("retry", "send a dead or waiting item again now"), ("drop", "discard an undelivered item")):
        action = sub.add_parser(name, help=helptext)
        action.add_argument("id", type=int)
        action.set_defaults(func=_act, act=name)
    jobs = subparsers.add_parser("jobs", help="the work queue: jobs waiting, running or dead")
    jobs_sub = jobs.add_subparsers(dest="action", metavar="ACTION")
    jobs_sub.required = True
    jobs_list = jobs_sub.add_parser("list", help="jobs waiting, running or dead")
    jobs_list.add_argument("--json", action="store_true")
    jobs_list.set_defaults(func=_jobs)


def _list(args: argparse.Namespace) -> int:
    ctx = build_context(load_settings())
    states = args.state or ["pending", "sending", "unknown", "dead"]
    with session_scope(ctx.engine) as session:
        rows = outbox.rows(session, states, limit=args.limit)
        counts = outbox.counts(session)
    if args.json:
        print(json.dumps([{"id": r.id, "kind": r.kind, "state": r.state, "attempts": r.attempts, "case_id": r.case_id,
                           "channel": r.channel, "created_at": r.created_at.isoformat(),
                           "available_at": r.available_at.isoformat(), "last_error": r.last_error} for r in rows],
                         indent=2))
        return 0
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in STATES if counts.get(s))
    print(f"outbox: {summary or 'empty'}")
    if not rows:
        print(f"no items {'/'.join(states)}")
    for r in rows:
        print(f"{r.id:>7}  {r.state:<8} {r.kind:<12} attempts {r.attempts:<3} {r.created_at:%Y-%m-%d %H:%M}  "
              f"{r.channel or '-':<12} {r.last_error or ''}")
    return 0


def _act(args: argparse.Namespace) -> int:
    ctx = build_context(load_settings())
    with session_scope(ctx.engine) as session:
        done = (outbox.retry if args.act == "retry" else outbox.drop)(session, args.id)
    if not done:
        print(f"foi-bot: outbox item {args.id} does not exist or was already delivered; nothing changed")
        return 1
    print(f"outbox item {args.id}: {'will be sent again now' if args.act == 'retry' else 'dropped'}")
    return 0


def _jobs(args: argparse.Namespace) -> int:
    settings = load_settings()
    queue = JobQueue.open(settings.database_url, settings.queue_url)
    rows = queue.rows()
    queue.dispose()
    if args.json:
        print(json.dumps([{"id": r.id, "kind": r.kind, "state": r.state, "attempts": r.attempts,
                           "created_at": r.created_at.isoformat(), "last_error": r.last_error} for r in rows], indent=2))
        return 0
    if not rows:
        print("no jobs waiting, running or dead")
    for r in rows:
        print(f"{r.id:>7}  {r.state:<8} {r.kind:<8} attempts {r.attempts:<3} {r.created_at:%Y-%m-%d %H:%M}  "
              f"{r.last_error or ''}")
    return 0
