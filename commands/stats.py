"""`/foi stats`: the canned statistics queries, run from Slack or the shell and attached to cases.

Parameters reach SQL only as bound values (the catalogue and runner guarantee it); only the team may run
queries; results go to the case's thread as an aligned table (a cross-tab for two-dimensional queries)
with its warnings underneath, a CSV file and, for cross-tabs or on request (`chart`, `xlsx`), a chart with
alt text and an Excel workbook. `for REF Q2` also keeps the figures for question 2, which every draft letter
then shows as a letter-ready table under the officer's own answer. A result marked for disclosure (`for REF`,
or `disclose=yes`) has its small numbers protected with the organisation profile's rule - the same rule the
letters use.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Engine

from commands.base import Attachment, CommandContext, CommandError, Invocation, Reply, ThreadPost
from commands.registry import command
from commands.rules.letters.context import question_key
from commands.rules.letters.figures import letter_table, table_block
from commands.rules.query_catalogue import (
    Catalogue,
    QueryParamError,
    UnknownQueryError,
    load_catalogue,
    parse_params,
    query_dirs,
)
from commands.rules.result_table import QueryResult, disclose, render_table, to_csv
from commands.words import parse_reference
from storage.cases import get_case, get_case_by_thread, record_event
from storage.db import session_scope
from storage.figures import store_figure

USAGE = "/foi stats [NAME key=value … [chart] [xlsx] [disclose=yes] [for REF [Qn]]] | /foi stats help NAME"


def catalogue(ctx: CommandContext) -> Catalogue:
    """Loaded once per process: a broken query file is reported by name and skipped, never fatal."""
    if "catalogue" not in ctx.extras:
        ctx.extras["catalogue"] = load_catalogue(query_dirs(ctx.settings.query_dir))
    return ctx.extras["catalogue"]


def data_engine(ctx: CommandContext, source: str) -> Engine:
    from storage.analytics.store import open_store

    key = f"engine:{source}"
    if key not in ctx.extras:
        url = ctx.settings.data_url if source == "analytics" else ctx.settings.database_url
        ctx.extras[key] = open_store(url, readonly=True)
    return ctx.extras[key]


def _split_target(words: list[str]) -> tuple[list[str], bool, str | None, str | None]:
    """Pull `chart` and `for REF [Qn]` out of the words; the rest are key=value parameters."""
    chart = False
    reference = question = None
    rest: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.lower() == "chart":
            chart = True
        elif word.lower() == "for":
            if i + 1 >= len(words):
                raise CommandError("Give the case reference after `for`, e.g. `for FOI2026/00042 Q2`.")
            reference = parse_reference(words[i + 1], USAGE)
            i += 1
            if i + 1 < len(words) and re.fullmatch(r"[Qq]?\d+[a-z]?", words[i + 1]):
                question = words[i + 1].lstrip("Qq")
                i += 1
        else:
            rest.append(word)
        i += 1
    return rest, chart, reference, question


@command("stats", usage=USAGE, summary="Run a canned statistics query; results, CSV and chart go to the case thread",
         example="/foi stats outcome-by-offence outcome=21 from=2016-01-01 to=2018-01-31 group=indecent-images", what="run statistics")
def stats_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    cat = catalogue(ctx)
    if not args:
        return _listing(cat)
    if args[0].lower() == "help":
        if len(args) < 2:
            raise CommandError("Say which query, e.g. `/foi stats help outcome-by-offence`.")
        return _help(cat, args[1])
    name = args[0]
    try:
        query = cat.get(name)
    except UnknownQueryError as exc:
        raise CommandError(str(exc), usage="/foi stats") from None
    words, chart, reference, question = _split_target(args[1:])
    explicit_reference = reference is not None
    words, disclose_asked, xlsx = _split_options(words)
    try:
        params = parse_params(query, words, today=inv.today(ctx.tz))
    except QueryParamError as exc:
        raise CommandError(str(exc), usage=f"/foi stats {query.usage()}", example=_example(query)) from None
    if reference is None and inv.channel and inv.thread_ts:
        with session_scope(ctx.engine) as session:
            case = get_case_by_thread(session, inv.channel, inv.thread_ts)
            reference = case.reference if case else None
    if reference is not None:
        with session_scope(ctx.engine) as session:
            if get_case(session, reference) is None:
                raise CommandError(f"There is no case {reference}.")
    result = raw = _run(ctx, query, params)  # the letter keeps the raw figures and protects them at each render
    if disclose_asked or explicit_reference:
        result = disclose(result, ctx.settings.profile.disclosure_rule)
    table = render_table(result)
    attachments, chart_note = _attachments(query.name, result, chart=chart, xlsx=xlsx)
    summary = f"{result.title}: {result.row_count} row(s) in {result.elapsed_s:.2f} s"
    letter_preview: list[str] = []
    if reference and question:
        letter_preview = _store_answer(ctx, inv, reference, question, raw)
        summary += f" — added to the answer to Q{question_key(question) or question} of {reference} as a letter-ready table"
    blocks = [f"*{result.display_title}*\n{_footer(result)}"] + ([chart_note] if chart_note else []) + letter_preview
    post = ThreadPost(text=summary, reference=reference, blocks_markdown=blocks, preformatted=table,
                      attachments=attachments)
    return Reply(text=summary, ephemeral=True, thread_posts=[post])


def _run(ctx: CommandContext, query: Any, params: dict[str, object]) -> QueryResult:
    from storage.analytics.runner import QueryRunError, run_query
    from storage.analytics.store import StoreNotFound

    try:
        engine = data_engine(ctx, query.source)
    except StoreNotFound:
        raise CommandError("There is no statistics data yet: load it with `foi-bot data import` "
                           "(or `foi-bot data demo` for the synthetic demo).") from None
    try:
        result = run_query(engine, query, params, timeout_s=ctx.settings.query_timeout_seconds,
                           row_limit=ctx.settings.query_row_limit)
    except QueryRunError as exc:
        raise CommandError(str(exc)) from None
    if result.timed_out:
        raise CommandError(f"The query stopped after {ctx.settings.query_timeout_seconds:g} s without an answer: "
                           "narrow the date range or ask for fewer groups.")
    return result


def _split_options(words: list[str]) -> tuple[list[str], bool, bool]:
    """Pull `disclose=yes|no` and `xlsx` out of the words (they are not query parameters)."""
    rest: list[str] = []
    disclose_asked = xlsx = False
    for word in words:
        key, _, value = word.partition("=")
        if key.lower() == "disclose" and value:
            if value.lower() not in ("yes", "no"):
                raise CommandError("`disclose` is `yes` or `no`: `disclose=yes` protects small numbers as in a letter.")
            disclose_asked = value.lower() == "yes"
        elif word.lower() == "xlsx":
            xlsx = True
        else:
            rest.append(word)
    return rest, disclose_asked, xlsx


def _attachments(name: str, result: QueryResult, *, chart: bool, xlsx: bool) -> tuple[list[Attachment], str]:
    """The CSV always; for a cross-tab (or when asked) the chart that suits it and an Excel workbook.

    Returns the attachments and a line carrying the chart's description, which also travels as the
    uploaded image's alt text."""
    attachments = [Attachment(f"{name}.csv", to_csv(result), f"{result.title} (CSV)", "csv")]
    is_crosstab = result.pivot is not None and bool(result.rows)
    note = ""
    if (chart or is_crosstab) and result.rows:
        from bot.charts import alt_text, draw, plan_chart

        plan = plan_chart(result)
        attachments.append(Attachment(f"{name}.png", draw(plan, synthetic=result.synthetic), result.title, "png",
                                      alt_text=alt_text(plan)))
        note = f"_Chart description:_ {alt_text(plan)}"
    if xlsx or is_crosstab:
        from bot.workbook import workbook_bytes

        attachments.append(Attachment(f"{name}.xlsx", workbook_bytes(result), f"{result.title} (Excel)", "xlsx"))
    return attachments, note


def _footer(result: QueryResult) -> str:
    lines = [result.words_line] if result.words_line else (
        [", ".join(f"{k}={v}" for k, v in result.params_shown)] if result.params_shown else [])
    if result.freshness:
        lines.append(result.freshness)
    lines.extend(f":warning: {w}" for w in result.warnings)
    if result.caveat:
        lines.append(f"_{result.caveat}_")
    if result.attribution:
        lines.append(result.attribution)
    lines.append(f"{result.row_count} row(s), {result.elapsed_s:.2f} s · `/foi stats {result.rerun}`")
    return "\n".join(lines)


def _store_answer(ctx: CommandContext, inv: Invocation, reference: str, question: str, result: QueryResult) -> list[str]:
    """Keep the figures for the question's letter-ready table (beside, never instead of, the officer's own
    answer) and return how the letter will show them, for the thread."""
    key = question_key(question) or question
    if result.truncated:
        raise CommandError(f"The result was cut short at the row limit, so it cannot go into a letter: narrow the "
                           f"query before storing it for Q{key}.")
    profile = ctx.settings.profile
    with session_scope(ctx.engine) as session:
        case = get_case(session, reference)
        if case is None:
            raise CommandError(f"There is no case {reference}.")
        store_figure(session, case, key, result, author=inv.user)
        record_event(session, case, actor=inv.user, kind="figures", summary=f"Q{key}: figures from {result.name}",
                     details={"question": key, "query": result.name, "params": dict(result.params_shown),
                              "synthetic": result.synthetic})
        regime = case.regime
    shown = letter_table(result, rule=profile.disclosure_rule, date_style=profile.date_style,
                         period_template=profile.period_wording)
    preview = f"*As the letter will show it (Q{key}):*\n" + table_block(shown).replace("**", "*")
    notes = []
    if shown.protected:
        notes.append(f"Small numbers are shown as \"{profile.small_number_wording}\" and the letter explains why: "
                     + profile.disclosure_rule.sentence_for(regime))
    if shown.synthetic:
        notes.append(":warning: These are SYNTHETIC demonstration figures: a draft containing them cannot be approved.")
    return [preview, *notes]


def _listing(cat: Catalogue) -> Reply:
    lines = [f"`{q.name}` — {q.plain_title}" + (f": {q.description}" if q.description else "") for q in cat]
    problems = [f"Skipped {filename}: {reason}" for filename, reason in cat.problems]
    text = "Statistics queries (`/foi stats help NAME` for parameters):\n" + "\n".join(lines)
    return Reply(text=text + ("\n" + "\n".join(problems) if problems else ""), title="Statistics queries",
                 paragraphs=[text, *problems])


def _example_value(param: Any) -> str:
    if param.type == "date":
        return "2018-01-31" if param.name in ("to", "until", "end") else "2016-01-01"
    if param.type == "month":
        return "2021-03" if param.name in ("to", "until", "end") else "2021-01"
    if param.type == "integer":
        return str(param.minimum if param.minimum is not None and param.name != "outcome" else 21)
    if param.type == "text":
        return "stevenage"
    return next(iter(param.choices or {"value": None}))


def _example(query: Any) -> str:
    shown = " ".join(f"{p.name}={_example_value(p)}" for p in query.params if p.required or p.default is None)
    return f"/foi stats {query.name} {shown}".strip()


def _help(cat: Catalogue, name: str) -> Reply:
    try:
        query = cat.get(name)
    except UnknownQueryError as exc:
        raise CommandError(str(exc), usage="/foi stats help NAME") from None
    lines = [f"{query.plain_title}", query.description or "", "Parameters:"]
    if query.pivot is not None:
        lines[1] += " Shown as a cross-tab, with a chart and an Excel workbook."
    lines.extend(f"  {p.usage()}" for p in query.params)
    lines.append("Options: chart, xlsx, disclose=yes (protect small numbers as in a letter), for REF [Qn]")
    lines.append(f"Example: {_example(query)}")
    text = "\n".join(line for line in lines if line)
    return Reply(text=text, title=f"/foi stats {query.name}", paragraphs=[text])
