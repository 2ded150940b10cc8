"""`foi-bot intake parse FILE|-`: read a request text the way the intake channel does, from the terminal.

For a caseworker checking what the bot would propose for a pasted email or letter, and for anyone tuning
the parser: the same pure function, with today's date and the London time zone supplied here, at the
edge, so that the parser itself never reads a clock. ``--json`` prints the interface other tools read.
A file that cannot be read is one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from commands.attachment_text import extract_text
from commands.rules.intake import DEFAULT_OWN_PREFIXES, Question, RequestProposal, parse_request
from commands.rules.intake.evaluation import LabelledText, evaluate, read_label_blocks, read_labelled

LONDON = ZoneInfo("Europe/London")
#: The header of the shared sample texts (``SOURCE: ...`` lines, then ``---``); it is not part of the request.
_CORPUS_HEADER = re.compile(r"\A(?:[A-Z_]{3,30}:[^\n]*\n){1,12}---[ \t]*\n")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "intake",
        help="read request texts as the intake channel does",
        description="Request intake from the terminal.",
    )
    actions = parser.add_subparsers(dest="intake_action", metavar="ACTION")
    actions.required = True
    parse = actions.add_parser(
        "parse",
        help="propose a case from a request text",
        description="Read a request (an email, a web form, a letter, a response letter quoting one) and show "
        "the case the bot would propose: received date, requester, subject, questions, periods, references, "
        "regime and language. Received dates without a year are never put after today (London).",
    )
    parse.add_argument(
        "file", metavar="FILE|-", help="the request: .txt, .pdf, .docx, .eml, .msg or .html (read by content), or -"
    )
    parse.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    parse.add_argument(
        "--message-time",
        metavar="ISO",
        help="when the Slack message was posted (ISO 8601 with offset); the fallback received date",
    )
    parse.add_argument("--scottish", action="store_true", help="the organisation is Scottish (FOISA)")
    parse.add_argument(
        "--prefix",
        action="append",
        dest="prefixes",
        metavar="PREFIX",
        help=f"a prefix of the organisation's own references (repeatable; default {', '.join(DEFAULT_OWN_PREFIXES)})",
    )
    parse.set_defaults(func=run_parse)
    evaluate = actions.add_parser(
        "evaluate",
        help="measure the parser against a labelled corpus",
        description="Parse every labelled text in DIR (tests/data/requests: a header of labels, ---, the text) and "
        "print per-field accuracy and the request-likeness precision and recall. --labels FILE supplies labels "
        "for texts that carry none (the shared set, with tests/data/shared-labels.txt).",
    )
    evaluate.add_argument("directory", metavar="DIR", help="a folder of labelled .txt files")
    evaluate.add_argument("--labels", metavar="FILE", help="labels for texts without their own ([file name] blocks)")
    evaluate.add_argument("--misses", action="store_true", help="list every label the parser got wrong")
    evaluate.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    evaluate.add_argument(
        "--min-accuracy", type=float, metavar="FRACTION", help="exit 1 when fewer labels than this are right"
    )
    evaluate.set_defaults(func=run_evaluate)


def read_text(name: str) -> str:
    """The text of FILE (.txt, .pdf, .docx, .eml, .msg or .html, read by its content) or standard input;
    a shared sample's header is dropped. A file with no readable text raises ValueError saying why."""
    if name == "-":
        text = sys.stdin.read()
    else:
        data = Path(name).read_bytes()
        extracted = extract_text(data, Path(name).name)
        if extracted.kind == "binary":
            raise ValueError("it looks like a binary file; save the email or letter as text, PDF, Word or .eml")
        if extracted.problem:
            raise ValueError(extracted.problem)
        text = extracted.text
    return _CORPUS_HEADER.sub("", text, count=1)


def run_parse(args: argparse.Namespace) -> int:
    try:
        text = read_text(args.file)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"foi-bot intake parse: cannot read {args.file}: {reason}", file=sys.stderr)
        return 2
    message_time = None
    if args.message_time:
        try:
            message_time = datetime.fromisoformat(args.message_time)
        except ValueError:
            print(
                f"foi-bot intake parse: --message-time {args.message_time!r} is not an ISO 8601 time",
                file=sys.stderr,
            )
            return 2
        if message_time.tzinfo is None:
            print(
                "foi-bot intake parse: --message-time needs a UTC offset (e.g. 2024-07-01T23:30+00:00)",
                file=sys.stderr,
            )
            return 2
    proposal = parse_request(
        text,
        today=datetime.now(LONDON).date(),
        message_time=message_time,
        tz=LONDON,
        own_prefixes=tuple(args.prefixes) if args.prefixes else DEFAULT_OWN_PREFIXES,
        scottish=args.scottish,
    )
    if args.json:
        print(json.dumps(proposal.as_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(summary_lines(proposal)))
    return 0


def load_corpus(directory: Path, labels_file: Path | None = None) -> list[LabelledText]:
    """The labelled texts in ``directory`` (sorted by name); ``labels_file`` labels texts that carry none."""
    extra = read_label_blocks(labels_file.read_text(encoding="utf-8")) if labels_file else {}
    items: list[LabelledText] = []
    for path in sorted(directory.glob("*.txt")):
        item = read_labelled(path.name, path.read_text(encoding="utf-8"))
        if path.name in extra:
            item = LabelledText(item.name, {**item.labels, **extra[path.name]}, item.text)
        elif extra:
            continue  # a labels file names the texts to score; others in the folder are not part of the set
        if item.labels.get("is_request") is not None:
            items.append(item)
    return items


def run_evaluate(args: argparse.Namespace) -> int:
    directory = Path(args.directory)
    if not directory.is_dir():
        print(f"foi-bot intake evaluate: {directory} is not a folder", file=sys.stderr)
        return 2
    try:
        items = load_corpus(directory, Path(args.labels) if args.labels else None)
    except (OSError, ValueError) as exc:
        print(f"foi-bot intake evaluate: cannot read the corpus: {exc}", file=sys.stderr)
        return 2
    if not items:
        print(f"foi-bot intake evaluate: no labelled texts in {directory}", file=sys.stderr)
        return 2
    tally = evaluate(items)
    if args.json:
        print(json.dumps(tally.as_json(), indent=2))
    else:
        print("\n".join(tally.lines(str(directory), show_misses=args.misses)))
    if args.min_accuracy is not None and tally.accuracy < args.min_accuracy:
        return 1
    return 0


def summary_lines(proposal: RequestProposal) -> list[str]:
    """The proposal as a caseworker reads it: each field, where it came from and how sure the parser is."""
    lines: list[str] = []
    received = proposal.received
    if received:
        when = received.at.strftime("%Y-%m-%d %H:%M %Z") if received.at else received.date.isoformat()
        inferred = ", year inferred" if received.year_inferred else ""
        lines.append(
            f"Received:   {when} (from {received.source.replace('_', ' ')}{inferred}; {received.confidence:.0%})"
        )
    else:
        lines.append("Received:   not found")
    requester = proposal.requester
    if requester and (requester.name or requester.email or requester.address):
        who = ", ".join(part for part in (requester.name, requester.email, requester.address) if part)
        lines.append(f"Requester:  {who} (personal data; {requester.confidence:.0%})")
    else:
        lines.append("Requester:  not found")
    subject = proposal.subject
    lines.append(f"Subject:    {subject.text if subject else '-'}")
    regime = proposal.regime
    lines.append(f"Regime:     {regime.regime.upper()} (guess, {regime.confidence:.0%}): {regime.reason}")
    language = {"en": "English", "cy": "Welsh (reply in Welsh; text kept verbatim)", "und": "not recognised"}
    lines.append(f"Language:   {language.get(proposal.language, proposal.language)}")
    if proposal.follow_up:
        lines.append(f"Follow-up:  looks like {proposal.follow_up.replace('_', ' ')}")
    if proposal.periods:
        lines.append(
            "Periods:    "
            + "; ".join(f"{p.start.isoformat()} to {p.end.isoformat()} ({p.text})" for p in proposal.periods)
        )
    if proposal.references:
        lines.append(
            "References: " + ", ".join(f"{r.text}{' (own)' if r.own else ''}" for r in proposal.references)
        )
    lines.append(f"Questions:  {len(proposal.questions)}")
    lines.extend(_question_lines(proposal.questions, 1))
    lines.extend(f"Problem:    {problem}" for problem in proposal.problems)
    lines.extend(f"Note:       {warning}" for warning in proposal.warnings)
    return lines


def _question_lines(questions: tuple[Question, ...], depth: int) -> list[str]:
    lines: list[str] = []
    for question in questions:
        number = f"({question.number})" if question.inferred else question.number
        lines.append(f"{'    ' * depth}{number}  {question.text}")
        lines.extend(_question_lines(question.parts, depth + 1))
    return lines
