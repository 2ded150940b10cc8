"""What a letter carries besides its text: the letter-ready figures and the annexes ("Annex A — …").

`/foi stats … for REF Qn` stores a query's figures for a question; every draft then shows them as a
letter-ready table under the officer's own answer (small numbers protected). `/foi annex` encloses the
figures as a spreadsheet or CSV, or a document the officer uploaded in the case thread; each annex is named in
the letter and attached beside the .docx. An annex marked `withhold` stays out of the disclosure-log version.
"""

from __future__ import annotations

import mimetypes
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlmodel import Session

from commands.base import Attachment, CommandContext, CommandError, Invocation, Reply, ThreadPost
from commands.registry import command
from commands.rules.letters.annex_files import figures_csv, figures_xlsx
from commands.rules.letters.context import question_key
from commands.rules.letters.figures import LetterTable, letter_table
from commands.rules.letters.organisation import OrganisationProfile
from commands.words import parse_reference
from storage.annexes import annex_from_message, annexes_for, find_annex, next_label
from storage.cases import get_case, record_event
from storage.db import session_scope
from storage.figures import as_result, figures_for, remove_figures
from storage.models import Case, CaseAnnex

ANNEX_USAGE = ("/foi annex REF [figures [xlsx|csv] [Qn …] [TITLE] | file PATH [TITLE] | withhold A | publish A | "
               "remove A]")
FIGURES_USAGE = "/foi figures REF [remove Qn]"
#: Uploads larger than this are refused (Slack's own limit is far higher; a letter's annex is not).
MAX_ANNEX_BYTES = 20 * 1024 * 1024

_MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}


# -- figures -------------------------------------------------------------------------------------------------


def letter_tables(session: Session, case: Case, profile: OrganisationProfile) -> dict[str, list[LetterTable]]:
    """The case's stored figures as letter-ready tables, by question key, protected by the profile's rule."""
    tables: dict[str, list[LetterTable]] = {}
    if case.id is None:
        return tables
    for row in figures_for(session, case.id):
        key = question_key(row.question) or row.question
        tables.setdefault(key, []).append(letter_table(
            as_result(row), rule=profile.disclosure_rule, date_style=profile.date_style,
            period_template=profile.period_wording))
    return tables


@command("figures", usage=FIGURES_USAGE,
         summary="List the statistics stored for a case's letter (from `/foi stats … for REF Qn`), or remove them",
         example="/foi figures FOI2018/00739 remove Q1", what="work on letters")
def figures_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, FIGURES_USAGE)
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, FIGURES_USAGE)
        if len(args) >= 3 and args[1].lower() == "remove":
            key = question_key(args[2])
            if key is None:
                raise CommandError(f"`{args[2]}` is not a question number.", usage=FIGURES_USAGE)
            removed = remove_figures(session, case.id, key)
            if not removed:
                raise CommandError(f"{reference} has no figures stored for Q{key}.", usage=FIGURES_USAGE)
            record_event(session, case, actor=inv.user, kind="figures-removed", summary=f"Figures for Q{key} removed",
                         details={"question": key})
            return Reply(text=f"Removed the figures for Q{key} of {reference}; regenerate the draft to drop them.")
        rows = figures_for(session, case.id)
        if not rows:
            return Reply(text=f"No figures are stored for {reference}. Add them with `/foi stats NAME … for "
                              f"{reference} Q1`.")
        lines = [f"Q{r.question}: {r.title} ({r.query}{', SYNTHETIC' if r.synthetic else ''})" for r in rows]
        return Reply(text=f"Figures stored for {reference}:\n" + "\n".join(lines))


# -- annexes -------------------------------------------------------------------------------------------------


def annex_views(annexes: list[CaseAnnex], *, published_only: bool = False) -> list[dict[str, str]]:
    return [{"label": f"Annex {a.label}", "title": a.title, "filename": a.filename}
            for a in annexes if a.publish or not published_only]


def annex_attachments(session: Session, ctx: CommandContext, case: Case, *, letter_date: date,
                      published_only: bool = False) -> list[Attachment]:
    """The annex files to attach beside the letter: figures made afresh from the stored figures, uploads as
    they were."""
    if case.id is None:
        return []
    profile = ctx.settings.profile
    out: list[Attachment] = []
    for annex in annexes_for(session, case.id):
        if published_only and not annex.publish:
            continue
        title = f"Annex {annex.label} – {annex.title}"
        if annex.kind == "figures":
            tables = letter_tables(session, case, profile)
            chosen = [t for key, ts in tables.items() for t in ts if not annex.questions or key in annex.questions]
            sentence = profile.disclosure_rule.sentence_for(case.regime)
            if annex.filename.endswith(".csv"):
                content = figures_csv(chosen, protection_sentence=sentence)
                filetype = "csv"
            else:
                content = figures_xlsx(chosen, title=f"{case.reference} {title}", author=profile.name,
                                       created=datetime.combine(letter_date, time(9, 0)),
                                       protection_sentence=sentence, marking=profile.protective_marking)
                filetype = "xlsx"
            out.append(Attachment(annex.filename, content, title, filetype))
        elif annex.content is not None:
            out.append(Attachment(annex.filename, annex.content, title, Path(annex.filename).suffix.lstrip(".") or "binary"))
    return out


def _load(session: Session, reference: str, usage: str) -> Case:
    case = get_case(session, reference)
    if case is None:
        raise CommandError(f"There is no case {reference}. Check the reference with `/foi list all`.", usage=usage)
    return case


def _safe_filename(name: str) -> str:
    name = Path(name).name.strip() or "document"
    return re.sub(r"[^\w.() -]", "_", name)[:150]


def add_upload(ctx: CommandContext, reference: str, *, filename: str, content: bytes, title: str | None, user: str,
               source_ts: str | None = None) -> Reply:
    """Enclose a document the officer uploaded (in the case thread, or from the shell) as the next annex."""
    if not content:
        raise CommandError(f"{filename} is empty.", usage=ANNEX_USAGE)
    if len(content) > MAX_ANNEX_BYTES:
        raise CommandError(f"{filename} is larger than {MAX_ANNEX_BYTES // (1024 * 1024)} MB.", usage=ANNEX_USAGE)
    filename = _safe_filename(filename)
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, ANNEX_USAGE)
        if source_ts:
            existing = annex_from_message(session, case.id, source_ts, filename)
            if existing is not None:
                return Reply(text=f"{filename} is already Annex {existing.label} of {reference}.")
        label = next_label(session, case.id)
        media = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        annex = CaseAnnex(case_id=case.id, label=label, title=(title or Path(filename).stem).strip()[:300],
                          kind="upload", filename=filename, media_type=media, content=content, source_ts=source_ts,
                          created_by=user)
        session.add(annex)
        record_event(session, case, actor=user, kind="annex", summary=f"Annex {label} added: {filename}",
                     details={"label": label, "filename": filename, "bytes": len(content)})
    told = (f"{filename} is enclosed as Annex {label} of {reference} ({annex.title}). It will be named in the letter "
            f"and attached beside it; regenerate the draft to include it. `/foi annex {reference} withhold {label}` "
            "keeps it out of the disclosure log.")
    return Reply(text=told, thread_posts=[ThreadPost(text=told, reference=reference)])


def _figures_annex(ctx: CommandContext, reference: str, words: list[str], user: str) -> Reply:
    fmt = "xlsx"
    questions: list[str] = []
    title_words: list[str] = []
    for word in words:
        if word.lower() in ("xlsx", "csv") and not title_words:
            fmt = word.lower()
        elif question_key(word) is not None and re.match(r"^[Qq]", word) and not title_words:
            questions.append(question_key(word) or "")
        else:
            title_words.append(word)
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, ANNEX_USAGE)
        tables = letter_tables(session, case, ctx.settings.profile)
        if not tables:
            raise CommandError(f"{reference} has no figures yet: store some with `/foi stats NAME … for {reference} "
                               "Q1`.", usage=ANNEX_USAGE)
        unknown = [q for q in questions if q not in tables]
        if unknown:
            raise CommandError(f"{reference} has no figures for {', '.join('Q' + q for q in unknown)}.",
                               usage=ANNEX_USAGE)
        label = next_label(session, case.id)
        title = " ".join(title_words) or "Figures"
        filename = f"{reference.replace('/', '-')}-annex-{label}.{fmt}"
        session.add(CaseAnnex(case_id=case.id, label=label, title=title, kind="figures", filename=filename,
                              media_type=_MEDIA[fmt], questions=questions, created_by=user))
        record_event(session, case, actor=user, kind="annex", summary=f"Annex {label} added: figures ({fmt})",
                     details={"label": label, "questions": questions, "format": fmt})
    scope = ", ".join("Q" + q for q in questions) or "every question with figures"
    return Reply(text=f"The figures for {scope} are enclosed as Annex {label} of {reference} ({filename}); "
                      "regenerate the draft to include it.")


@command("annex", usage=ANNEX_USAGE,
         summary="List or add a letter's annexes: the figures as a spreadsheet, or a document (upload it in the case thread)",
         example="/foi annex FOI2018/00739 figures xlsx Q1 Outcome 21 by offence", what="work on letters")
def annex_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, ANNEX_USAGE)
    words = args[1:]
    if not words:
        with session_scope(ctx.engine) as session:
            case = _load(session, reference, ANNEX_USAGE)
            rows = annexes_for(session, case.id)
            if not rows:
                return Reply(text=f"{reference} has no annexes. Enclose the figures with `/foi annex {reference} "
                                  "figures`, or upload a document in the case thread.")
            lines = [f"Annex {a.label} – {a.title} ({a.filename}){'' if a.publish else ' [withheld from the log]'}"
                     for a in rows]
            return Reply(text=f"Annexes of {reference}:\n" + "\n".join(lines))
    verb, rest = words[0].lower(), words[1:]
    if verb == "figures":
        return _figures_annex(ctx, reference, rest, inv.user)
    if verb == "file":
        if inv.surface != "shell":
            raise CommandError("In Slack, upload the document in the case thread: it becomes the next annex.",
                               usage=ANNEX_USAGE)
        if not rest:
            raise CommandError("Give the file's path.", usage=ANNEX_USAGE)
        path = Path(rest[0]).expanduser()
        if not path.is_file():
            raise CommandError(f"{path} is not a file.", usage=ANNEX_USAGE)
        return add_upload(ctx, reference, filename=path.name, content=path.read_bytes(),
                          title=" ".join(rest[1:]) or None, user=inv.user)
    if verb in ("remove", "withhold", "publish"):
        if not rest:
            raise CommandError("Say which annex, e.g. `A`.", usage=ANNEX_USAGE)
        with session_scope(ctx.engine) as session:
            case = _load(session, reference, ANNEX_USAGE)
            annex = find_annex(session, case.id, rest[0].removeprefix("Annex").strip() or rest[-1])
            if annex is None:
                raise CommandError(f"{reference} has no Annex {rest[0].upper()}.", usage=ANNEX_USAGE)
            label = annex.label
            if verb == "remove":
                session.delete(annex)
                what = "removed"
            else:
                annex.publish = verb == "publish"
                session.add(annex)
                what = "kept out of the disclosure log" if verb == "withhold" else "included in the disclosure log"
            record_event(session, case, actor=inv.user, kind=f"annex-{verb}", summary=f"Annex {label} {what}",
                         details={"label": label})
        return Reply(text=f"Annex {label} of {reference} {what}.")
    raise CommandError(f"`{words[0]}` is not something `/foi annex` does.", usage=ANNEX_USAGE)


def annex_summary(session: Session, case: Case) -> list[dict[str, Any]]:
    """The annexes as the letter names them."""
    return annex_views(list(annexes_for(session, case.id))) if case.id is not None else []
