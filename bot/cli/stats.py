"""`foi-bot stats list|run`: the canned statistics queries from the terminal.

The same catalogue, parameter parsing, runner and renderers the Slack `/foi stats` command uses, so an
answer checked in the terminal is the answer the bot gives. ``--format`` is ``table`` (the aligned text,
a cross-tab for two-dimensional queries), ``csv``, ``json`` (with a top-level ``warnings`` list) or
``xlsx`` (written to ``--out``, default ``NAME.xlsx``); ``disclose=yes`` protects small numbers with the
organisation profile's rule, as letters do. Bad input (unknown query, bad parameter) exits 2 with one
line saying what to fix; missing data or a failed query exits 1.
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
from commands.rules.result_table import QueryResult, disclose, render_table, to_csv, to_json

FORMATS = ("table", "csv", "json", "xlsx")


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
    run.add_argument("--out", type=Path, default=None, metavar="FILE",
                     help="write the result to FILE instead of standard output (xlsx: default NAME.xlsx)")
    run.add_argument("--chart", type=Path, default=None, metavar="FILE.png",
                     help="also save the chart that suits the result (its alt text goes to FILE.txt)")
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
        print(f"{query.name}  [{query.source}]  {query.plain_title}")
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
    words = [*args.param, *args.words]
    disclose_words = [w for w in words if w.lower().replace("-", "_").startswith("disclose=")]
    words = [w for w in words if w not in disclose_words]
    try:
        query = catalogue.get(args.name)
        params = parse_params(query, words, today=datetime.now(settings.tz).date())
    except (UnknownQueryError, QueryParamError) as exc:
        return _fail(str(exc), 2)
    disclose_values = {w.split("=", 1)[1].strip().lower() for w in disclose_words}
    if disclose_values - {"yes", "no"}:
        return _fail("disclose is yes or no: disclose=yes protects small numbers as in a letter", 2)
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
    if "yes" in disclose_values:
        result = disclose(result, settings.profile.disclosure_rule)
    try:
        _write(args, result)
    except OSError as exc:
        return _fail(f"not saved: {exc}", 1)
    if args.chart is not None and not result.timed_out:
        from bot.charts import alt_text, draw, plan_chart

        try:
            plan = plan_chart(result)
            args.chart.write_bytes(draw(plan, synthetic=result.synthetic))
            args.chart.with_suffix(".txt").write_text(alt_text(plan) + "\n", encoding="utf-8")
        except (OSError, ValueError) as exc:
            return _fail(f"chart not saved: {exc}", 1)
        print(f"chart saved to {args.chart} (alt text in {args.chart.with_suffix('.txt')})", file=sys.stderr)
    for warning in result.warnings:
        if args.format != "table":
            print(f"foi-bot: {warning}", file=sys.stderr)
    return 1 if result.timed_out else 0


def _write(args: argparse.Namespace, result: QueryResult) -> None:
    """The result in the asked format, to ``--out`` or standard output (xlsx always to a file)."""
    if args.format == "xlsx":
        from bot.workbook import workbook_bytes

        out = args.out or Path(f"{result.name}.xlsx")
        out.write_bytes(workbook_bytes(result))
        print(f"spreadsheet saved to {out}", file=sys.stderr)
        return
    if args.format == "csv":
        text = to_csv(result).decode("utf-8-sig")
    elif args.format == "json":
        text = to_json(result) + "\n"
    else:
        text = render_table(result)
    if args.out is not None:
        args.out.write_bytes(text.encode("utf-8-sig") if args.format == "csv" else text.encode("utf-8"))
        print(f"saved to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _fail(message: str, code: int) -> int:
    print(f"foi-bot: {message}", file=sys.stderr)
    return code


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
