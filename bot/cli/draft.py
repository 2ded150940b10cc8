"""`foi-bot draft REF [--template NAME] [--format md|docx|txt] [--out FILE]`: a case's letter from the terminal.

For the caseworker who wants the letter outside Slack (to paste into an email, or to print) and for scripts:
the current draft version as reviewed in the thread, hand edits included; or, with --template, a fresh
render of that letter from the case as it stands, dated the response date (or today). Nothing is stored.
Problems (no such case, a template that does not apply) are one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from bot.config import load_settings
from bot.logging_setup import configure_logging
from bot.runtime import build_context
from commands.base import CommandError
from commands.drafts import letter_for_export
from commands.rules.letters.catalogue import CATALOGUE
from commands.rules.letters.docx_letter import letter_to_docx
from commands.rules.letters.text_forms import to_markdown, to_plain_text
from commands.words import parse_reference


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "draft",
        help="print or save a case's draft letter (Markdown, Word or plain text)",
        description="The case's current draft letter, or with --template a fresh render of that letter. "
        f"Templates: {', '.join(CATALOGUE)}.",
    )
    parser.add_argument("reference", metavar="REF", help="case reference, e.g. FOI2018/00739")
    parser.add_argument("--template", metavar="NAME", default=None, help="render this letter afresh")
    parser.add_argument("--format", choices=("md", "docx", "txt"), default="md", help="default: md")
    parser.add_argument("--out", metavar="FILE", type=Path, default=None,
                        help="write here (docx default: REF-TEMPLATE.docx in the current directory)")
    parser.set_defaults(func=run_draft)


def run_draft(args: argparse.Namespace) -> int:
    configure_logging()
    settings = load_settings()
    ctx = build_context(settings)
    try:
        reference = parse_reference(args.reference)
        text, template, version = letter_for_export(ctx, reference, template_name=args.template,
                                                    today=datetime.now(settings.tz).date())
    except CommandError as exc:
        print(f"foi-bot draft: {exc.problem}", file=sys.stderr)
        return 2
    finally:
        ctx.engine.dispose()
    if args.format == "docx":
        title = CATALOGUE[template].title if template in CATALOGUE else template
        content = letter_to_docx(text, title=f"{reference} {title}")
        suffix = f"-v{version}" if version else ""
        out = args.out or Path(f"{reference.replace('/', '-')}-{template}{suffix}.docx")
        out.write_bytes(content)
        print(f"wrote {out} ({len(content)} bytes)")
        return 0
    rendered = to_markdown(text) if args.format == "md" else to_plain_text(text)
    if args.out:
        args.out.write_text(rendered, encoding="utf-8")
        print(f"wrote {args.out} ({len(rendered.encode('utf-8'))} bytes)")
    else:
        sys.stdout.write(rendered)
    return 0
