"""`foi-bot draft REF [--template NAME] [--date YYYY-MM-DD] [--disclosure-log] [--format md|docx|txt|html]
[--out FILE]`: a case's letter from the terminal.

For the caseworker who wants the letter outside Slack (to paste into an email, to print, to publish) and for
scripts: the current draft version as reviewed in the thread, hand edits included; with --template or
--date a fresh render of that letter from the case as it stands, dated --date (else the response date, else
today); with --disclosure-log the approved letter as the disclosure log publishes it. Nothing is stored.
A Word letter is written with its annexes beside it. Problems (no such case, a template that does not apply,
no approved letter to publish) are one line on stderr and exit 2; the drafter's warnings go to stderr too.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from bot.config import load_settings
from bot.logging_setup import configure_logging
from bot.runtime import build_context
from commands.base import Attachment, CommandContext, CommandError
from commands.disclosure import published_files, published_letter
from commands.drafts import letter_for_export, word_letter_for
from commands.rules.letters.catalogue import CATALOGUE
from commands.rules.letters.disclosure_log import for_requester
from commands.rules.letters.html_letter import to_html
from commands.rules.letters.text_forms import to_markdown, to_plain_text
from commands.words import parse_reference


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2018-03-08") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "draft",
        help="print or save a case's letter (Markdown, Word, HTML or plain text), or its disclosure-log version",
        description="The case's current draft letter, or with --template/--date a fresh render of that letter. "
        f"Templates: {', '.join(CATALOGUE)}.",
    )
    parser.add_argument("reference", metavar="REF", help="case reference, e.g. FOI2018/00739")
    parser.add_argument("--template", metavar="NAME", default=None, help="render this letter afresh")
    parser.add_argument("--date", metavar="YYYY-MM-DD", type=_day, default=None,
                        help="the letter's date (a fresh render; default: the response date, else today)")
    parser.add_argument("--disclosure-log", action="store_true",
                        help="the approved letter with the requester's details and withheld parts removed")
    parser.add_argument("--format", choices=("md", "docx", "txt", "html"), default="md", help="default: md")
    parser.add_argument("--out", metavar="FILE", type=Path, default=None,
                        help="write here (docx default: REF-TEMPLATE.docx in the current directory)")
    parser.set_defaults(func=run_draft)


def _write_annexes(out: Path, annexes: list[Attachment]) -> None:
    for annex in annexes:
        label = annex.title.split(" – ")[0].replace("Annex ", "annex-")
        path = out.with_name(f"{out.stem}-{label}{Path(annex.filename).suffix}")
        path.write_bytes(annex.content)
        print(f"wrote {path} ({annex.title}, {len(annex.content)} bytes)")


def _emit(args: argparse.Namespace, content: bytes | str, default_name: str) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    if args.format == "docx" or args.out:
        out = args.out or Path(default_name)
        out.write_bytes(data)
        print(f"wrote {out} ({len(data)} bytes)")
    else:
        sys.stdout.write(data.decode("utf-8"))


def _disclosure_log(ctx: CommandContext, args: argparse.Namespace, reference: str, today: date) -> int:
    letter = published_letter(ctx, reference, today=today)
    files = {Path(f.filename).suffix.lstrip("."): f for f in published_files(ctx, letter)[:3]}
    stem = f"{reference.replace('/', '-')}-disclosure-log"
    if args.format == "txt":
        content: bytes | str = to_plain_text(letter.text)
    else:
        content = files["md" if args.format == "md" else args.format].content
    _emit(args, content, f"{stem}.{args.format}")
    if args.format == "docx" and letter.annexes:
        _write_annexes(args.out or Path(f"{stem}.docx"), letter.annexes)
    return 0


def run_draft(args: argparse.Namespace) -> int:
    configure_logging()
    settings = load_settings()
    ctx = build_context(settings)
    today = datetime.now(settings.tz).date()
    try:
        reference = parse_reference(args.reference)
        if args.disclosure_log:
            if args.template or args.date:
                raise CommandError("--disclosure-log publishes the approved letter: it takes no --template or --date.")
            return _disclosure_log(ctx, args, reference, today)
        letter = letter_for_export(ctx, reference, template_name=args.template, today=today, letter_date=args.date)
    except CommandError as exc:
        print(f"foi-bot draft: {exc.problem}", file=sys.stderr)
        return 2
    finally:
        ctx.engine.dispose()
    for warning in letter.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    text = for_requester(letter.text)
    suffix = f"-v{letter.version}" if letter.version else ""
    stem = f"{reference.replace('/', '-')}-{letter.template}{suffix}"
    if args.format == "docx":
        content: bytes | str = word_letter_for(ctx, reference, letter.subject, letter.text, template=letter.template,
                                               letter_date=letter.letter_date)
        out = args.out or Path(f"{stem}.docx")
        _emit(args, content, f"{stem}.docx")
        _write_annexes(out, letter.annexes)
        return 0
    if args.format == "html":
        content = to_html(text, title=f"{reference} – {letter.subject or letter.template}")
    else:
        content = to_markdown(text) if args.format == "md" else to_plain_text(text)
    _emit(args, content, f"{stem}.{args.format}")
    return 0
