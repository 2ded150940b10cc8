"""`foi-bot stats list|run`: the canned statistics queries from the terminal.

The same catalogue, parameter parsing, runner and renderers the Slack `/foi stats` command uses, so an
answer checked in the terminal is the answer the bot gives. Bad input (unknown query, bad parameter)
exits 2 with one line saying what to fix; missing data or a failed query exits 1.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import Settings, load_settings
from commands.rules.query_catalogue import (
    Catalogue,
    QueryParamError,
    UnknownQueryError,
    load_catalogue,
    parse_params,
    query_dirs,
)
from commands.rules.result_table import render_table, to_csv, to_json

FORMATS = ("table", "csv", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("stats", help="run canned statistics queries (FOI figures, caseload)")
    sub = parser.add_subparsers(dest="stats_command", metavar="ACTION")
    sub.required = True
    listing = sub.add_parser("list", help="list the queries and their parameters")
    listing.set_defaults(func=_list)
    run = sub.add_parser("run", help="run one query, e.g. stats run outcome-by-offence --param outcome=21 ...")
    run.add_argument("name", help="query name (see `foi-bot stats list`)")
    run.add_argument("words", nargs="*", metavar="key=value", help="parameters (same as --param)")
    run.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE", help="a parameter; repeat for more")
    run.add_argument("--format", choices=FORMATS, default="table", help="output format (default table)")
    run.add_argument("--chart", type=Path, default=None, metavar="FILE.png", help="also save a bar chart")
    run.set_defaults(func=_run)


def _catalogue() -> tuple[Catalogue, Settings]:
    settings = load_settings()
    catalogue = load_catalogue(query_dirs(settings.query_dir))
    for filename, reason in catalogue.problems:
        print(f"foi-bot: skipped query file {filename}: {reason}", file=sys.stderr)
    return catalogue, settings


def _list(args: argparse.Namespace) -> int:
    catalogue, _settings = _catalogue()
    for query in catalogue:
        print(f"{query.name}  [{query.source}]  {query.title}")
        if query.description:
            print(f"    {query.description}")
        for param in query.params:
            print(f"    {param.usage()}")
    if not len(catalogue):
        print("no statistics queries found")
    return 0


def _run(args: argparse.Namespace) -> int:
    from storage.analytics.runner import QueryRunError, run_query
    from storage.analytics.store import StoreNotFound, open_store

    catalogue, settings = _catalogue()
    try:
        query = catalogue.get(args.name)
        params = parse_params(query, [*args.param, *args.words], today=datetime.now(settings.tz).date())
    except (UnknownQueryError, QueryParamError) as exc:
        return _fail(str(exc), 2)
    url = settings.data_url if query.source == "analytics" else settings.database_url
    try:
        engine = open_store(url, readonly=True)
    except StoreNotFound as exc:
        if query.source == "cases":
            return _fail(f"no case register at {_safe_url(url)}; run `foi-bot db upgrade` first", 1)
        return _fail(str(exc), 1)
    try:
        result = run_query(
            engine,
            query,
            params,
            timeout_s=settings.query_timeout_seconds,
            row_limit=settings.query_row_limit,
        )
    except QueryRunError as exc:
        return _fail(f"{exc} (database {_safe_url(url)})", 1)
    finally:
        engine.dispose()
    if args.format == "csv":
        sys.stdout.write(to_csv(result).decode("utf-8-sig"))
    elif args.format == "json":
        sys.stdout.write(to_json(result) + "\n")
    else:
        sys.stdout.write(render_table(result))
    if args.chart is not None and not result.timed_out:
        from bot.charts import bar_chart_png

        try:
            args.chart.write_bytes(bar_chart_png(result))
        except (OSError, ValueError) as exc:
            return _fail(f"chart not saved: {exc}", 1)
        print(f"chart saved to {args.chart}", file=sys.stderr)
    for warning in result.warnings:
        if args.format != "table":
            print(f"foi-bot: {warning}", file=sys.stderr)
    return 1 if result.timed_out else 0


def _fail(message: str, code: int) -> int:
    print(f"foi-bot: {message}", file=sys.stderr)
    return code


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
