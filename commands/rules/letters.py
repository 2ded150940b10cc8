"""Response letters: the template catalogue, rendering a template from a context, and the letter's other forms.

Pure: no Slack, no database. The command layer (``commands/drafts.py``) builds the context from a case and
the organisation profile; this module turns it into text, and the text into the forms the team needs
(Markdown attachment, plain text, Slack mrkdwn, a .docx letter). Templates live in ``templates/letters/``
as Jinja2 with a strict undefined: a value the profile or the case does not supply stops the render with
its name, instead of printing a blank into a letter that goes to a member of the public.

The letter text is "Markdown-ish" so that one stored string can be reviewed in Slack, edited in a form and
turned into a Word letter:

- blocks are separated by blank lines; the first block is the letterhead;
- ``## Heading`` lines are headings, ``> `` lines quote the request, ``- `` lines are bullets;
- fenced blocks (three backticks) hold tables and pre-formatted answers, kept as they were typed;
- ``**bold**`` marks question labels; ``[ANSWER NEEDED: Q3]`` marks a gap that blocks approval.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, UndefinedError

TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "templates" / "letters"

#: The marker for anything the team still has to supply; a draft containing it cannot be approved.
MARKER = "ANSWER NEEDED"
_MARKER_RE = re.compile(r"\[ANSWER NEEDED: ([^\]]+)\]")

FOI_REGIMES = ("foia", "eir", "foisa")


class LetterError(ValueError):
    """A letter that cannot be rendered; ``field`` names the missing value when that is the cause."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# -- the catalogue ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterTemplate:
    """One kind of letter. ``records`` says what sending it records on the case (see commands/drafts.py):
    "nothing", "clarification", "fee", "extension", "response", "review-outcome". ``outcome`` is the
    case's ``response_outcome`` when a final response is sent (None: decided per case, or not a response).
    """

    name: str
    title: str
    regimes: tuple[str, ...]
    records: str
    summary: str
    outcome: str | None = None
    aliases: tuple[str, ...] = ()

    def applies_to(self, regime: str) -> bool:
        return regime in self.regimes


CATALOGUE: dict[str, LetterTemplate] = {
    t.name: t
    for t in (
        LetterTemplate(
            "acknowledgement",
            "Acknowledgement",
            FOI_REGIMES + ("sar",),
            "nothing",
            "Acknowledge the request and give the date the response is due",
            aliases=("ack",),
        ),
        LetterTemplate(
            "clarification",
            "Clarification request",
            FOI_REGIMES,
            "clarification",
            "Ask what the requester means; the 20 working days restart on their reply",
            aliases=("clarify",),
        ),
        LetterTemplate(
            "fees-notice",
            "Fees notice",
            FOI_REGIMES,
            "fee",
            "Tell the requester the fee; the clock stops until it is paid",
            aliases=("fees", "fee"),
        ),
        LetterTemplate(
            "response",
            "Response",
            FOI_REGIMES,
            "response",
            "Answer the request question by question (full or part disclosure)",
            aliases=("full", "part", "disclosure"),
        ),
        LetterTemplate(
            "refusal",
            "Refusal notice",
            FOI_REGIMES,
            "response",
            "Refuse under the exemptions recorded on the case, with the public interest test",
            outcome="refused",
            aliases=("refuse", "s17"),
        ),
        LetterTemplate(
            "cost-limit",
            "Cost-limit refusal",
            FOI_REGIMES,
            "response",
            "Refuse because answering would exceed the cost limit, with advice and assistance",
            outcome="cost-limit",
            aliases=("cost", "s12", "fees-limit"),
        ),
        LetterTemplate(
            "extension",
            "Extension of time",
            ("foia", "eir"),
            "extension",
            "Holding letter: more time to consider the public interest (EIR: complexity)",
            aliases=("pit-extension", "holding"),
        ),
        LetterTemplate(
            "ncnd",
            "Neither confirm nor deny",
            FOI_REGIMES,
            "response",
            "Neither confirm nor deny that the information is held",
            outcome="ncnd",
            aliases=("neither-confirm-nor-deny",),
        ),
        LetterTemplate(
            "review-acknowledgement",
            "Internal review acknowledgement",
            FOI_REGIMES,
            "nothing",
            "Acknowledge a request for internal review and give its due date",
            aliases=("review-ack", "ir-ack"),
        ),
        LetterTemplate(
            "review-outcome",
            "Internal review outcome",
            FOI_REGIMES,
            "review-outcome",
            "The result of the internal review, with the right to go to the regulator",
            aliases=("ir-outcome", "review"),
        ),
    )
}


def find_template(word: str) -> LetterTemplate | None:
    key = word.strip().lower()
    if key in CATALOGUE:
        return CATALOGUE[key]
    for template in CATALOGUE.values():
        if key in template.aliases:
            return template
    return None


# -- the law each regime's letters cite ----------------------------------------------------------------------


@dataclass(frozen=True)
class Law:
    """What a letter cites under one regime; templates read it as ``law.<field>``."""

    regime: str
    act: str
    short: str  # how the letter refers to the law after first naming it
    heading: str
    word: str  # "section" or "regulation"
    time_limit: str
    duty: str
    confirm_deny: str
    clarification: str
    fees: str
    fee_lapse: str
    cost: str
    cost_regulations: str
    advice: str
    refusal_notice: str
    cost_refusal_notice: str
    public_interest: str
    extension: str
    review: str
    review_ask: (
        str  # the sentence start before the review deadline: "Your request for a review should reach us"
    )
    review_window: str
    complaint: str
    exemption_noun: str  # "exemption" (FOIA, FOISA) or "exception" (EIR)


LAW: dict[str, Law] = {
    "foia": Law(
        regime="foia",
        act="Freedom of Information Act 2000",
        short="the Act",
        heading="REQUEST UNDER THE FREEDOM OF INFORMATION ACT 2000",
        word="section",
        time_limit="section 10(1)",
        duty="section 1(1)",
        confirm_deny="section 1(1)(a)",
        clarification="section 1(3)",
        fees="section 9",
        fee_lapse="three months beginning with the day on which this notice is given (section 9(2))",
        cost="section 12(1)",
        cost_regulations="the Freedom of Information and Data Protection (Appropriate Limit and Fees) Regulations 2004",
        advice="section 16",
        refusal_notice="section 17(1)",
        cost_refusal_notice="section 17(5)",
        public_interest="section 2(2)(b)",
        extension="sections 10(3) and 17(2)",
        review="the Code of Practice issued under section 45 of the Act",
        review_ask="Your request for a review should reach us",
        review_window="two months",
        complaint="section 50",
        exemption_noun="exemption",
    ),
    "eir": Law(
        regime="eir",
        act="Environmental Information Regulations 2004",
        short="the Regulations",
        heading="REQUEST UNDER THE ENVIRONMENTAL INFORMATION REGULATIONS 2004",
        word="regulation",
        time_limit="regulation 5(2)",
        duty="regulation 5(1)",
        confirm_deny="regulation 5(1)",
        clarification="regulation 9(2)",
        fees="regulation 8",
        fee_lapse="60 working days after the date of this notice (regulation 8(5))",
        cost="regulation 12(4)(b)",
        cost_regulations="the Freedom of Information and Data Protection (Appropriate Limit and Fees) Regulations 2004",
        advice="regulation 9",
        refusal_notice="regulation 14",
        cost_refusal_notice="regulation 14",
        public_interest="regulation 12(1)(b)",
        extension="regulation 7(1)",
        review="regulation 11",
        review_ask="Your representations should reach us",
        review_window="40 working days",
        complaint="section 50 of the Freedom of Information Act 2000, as applied by regulation 18",
        exemption_noun="exception",
    ),
    "foisa": Law(
        regime="foisa",
        act="Freedom of Information (Scotland) Act 2002",
        short="FOISA",
        heading="REQUEST UNDER THE FREEDOM OF INFORMATION (SCOTLAND) ACT 2002",
        word="section",
        time_limit="section 10(1)",
        duty="section 1(1)",
        confirm_deny="section 18",
        clarification="section 1(3)",
        fees="section 9",
        fee_lapse="three months beginning with the day on which this notice is given (section 9(4))",
        cost="section 12(1)",
        cost_regulations="the Freedom of Information (Fees for Required Disclosure) (Scotland) Regulations 2004",
        advice="section 15",
        refusal_notice="section 16(1)",
        cost_refusal_notice="section 16(4)",
        public_interest="section 2(1)(b)",
        extension="",
        review="section 20",
        review_ask="Your requirement for review should reach us",
        review_window="40 working days",
        complaint="section 47(1)",
        exemption_noun="exemption",
    ),
    "sar": Law(
        regime="sar",
        act="UK General Data Protection Regulation and the Data Protection Act 2018",
        short="the UK GDPR",
        heading="SUBJECT ACCESS REQUEST UNDER ARTICLE 15 OF THE UK GDPR",
        word="Article",
        time_limit="Article 12(3)",
        duty="Article 15",
        confirm_deny="Article 15(1)",
        clarification="Article 12(6)",
        fees="Article 12(5)",
        fee_lapse="",
        cost="Article 12(5)",
        cost_regulations="",
        advice="",
        refusal_notice="Article 12(4)",
        cost_refusal_notice="Article 12(4)",
        public_interest="",
        extension="Article 12(3)",
        review="",
        review_ask="",
        review_window="",
        complaint="Article 77",
        exemption_noun="exemption",
    ),
}


@dataclass(frozen=True)
class CostLimit:
    pounds: int
    hours: int
    hourly_rate: int
    regulations: str


def cost_limit(regime: str, authority_pounds: int, authority_hours: int) -> CostLimit:
    """The appropriate limit a letter quotes.

    FOIA: £600 (24 hours) for central government, £450 (18 hours) for others, staff time at £25 an hour
    (Fees Regulations 2004 regs 3 and 4(4)) -- the profile knows which. EIR has no cost limit; the same
    figures are the ICO's starting point for "manifestly unreasonable". FOISA: £600 with staff time capped at
    £15 an hour (Fees for Required Disclosure (Scotland) Regulations 2004 regs 3 and 5), i.e. 40 hours.
    """
    if regime == "foisa":
        return CostLimit(600, 40, 15, LAW["foisa"].cost_regulations)
    return CostLimit(authority_pounds, authority_hours, 25, LAW["foia"].cost_regulations)


# -- dates and small words, as British letters write them -----------------------------------------------------


def ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


def ordinal_date(day: date | str) -> str:
    """ "9th February 2018": the date at the top of a letter and "received on …".

    A string (an [ANSWER NEEDED] marker for a date the clock cannot give yet) passes through unchanged.
    """
    if not isinstance(day, date):
        return str(day)
    return f"{ordinal(day.day)} {day:%B %Y}"


def long_date(day: date | str) -> str:
    """ "8 May 2018": deadlines in sentences ("by 8 May 2018")."""
    if not isinstance(day, date):
        return str(day)
    return f"{day.day} {day:%B %Y}"


def weekday_date(day: date | str) -> str:
    if not isinstance(day, date):
        return str(day)
    return f"{day:%A} {day.day} {day:%B %Y}"


def join_and(items: Iterable[Any]) -> str:
    """ "Q2, Q3 and Q4"."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def money(value: Any) -> str:
    text = str(value).strip().lstrip("£")
    try:
        amount = float(text.replace(",", ""))
    except ValueError:
        return str(value)
    return f"£{amount:,.0f}" if amount == int(amount) else f"£{amount:,.2f}"


def quote(text: str) -> str:
    """The request as a quoted block: every line prefixed, blank lines kept as an empty quote line."""
    lines = (text or "").strip().splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)


def upper_first(text: str) -> str:
    """ "the Act" -> "The Act" (jinja's capitalize would lower-case the rest: "The act")."""
    return text[:1].upper() + text[1:]


def lower_article(name: str) -> str:
    """ "The Scottish Information Commissioner" -> "the Scottish Information Commissioner" mid-sentence."""
    return "the " + name[4:] if name.startswith("The ") else name


def pluralise(count: int, singular: str, plural: str | None = None) -> str:
    return singular if count == 1 else (plural or singular + "s")


# -- rendering ---------------------------------------------------------------------------------------------


_UNDEFINED_NAME = re.compile(r"has no attribute '([^']+)'|^'([^']+)' is undefined")


def missing_name(error: UndefinedError) -> str | None:
    """The missing name from jinja's message ("'fee' is undefined", "'dict object' has no attribute 'email'")."""
    match = _UNDEFINED_NAME.search(str(error))
    if not match:
        return None
    return match.group(1) or match.group(2)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        undefined=StrictUndefined,
        autoescape=False,  # plain text; nothing here is HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        ordinal_date=ordinal_date,
        long_date=long_date,
        weekday_date=weekday_date,
        join_and=join_and,
        money=money,
        quote=quote,
        pluralise=pluralise,
        upper_first=upper_first,
        lower_article=lower_article,
    )
    return env


_ENV = _environment()


def template_file(name: str, regime: str) -> str:
    """The file for a letter under a regime: ``<name>.<regime>.md.j2`` where the law differs enough to need
    its own wording, else ``<name>.md.j2``."""
    for candidate in (f"{name}.{regime}.md.j2", f"{name}.md.j2"):
        if (TEMPLATE_DIR / candidate).exists():
            return candidate
    raise LetterError(f"there is no template file for the {name} letter in {TEMPLATE_DIR}")


def render_letter(name: str, context: Mapping[str, Any]) -> str:
    """The letter as Markdown-ish text. Raises LetterError naming a missing value, an unknown template or a
    regime the template does not apply to."""
    template = find_template(name)
    if template is None:
        raise LetterError(
            f"there is no letter template called {name!r}: choose one of {', '.join(CATALOGUE)}"
        )
    regime = context.get("regime")
    if not isinstance(regime, str):
        raise LetterError("the letter context has no 'regime'", field="regime")
    if not template.applies_to(regime):
        raise LetterError(
            f"the {template.title.lower()} letter does not apply to {regime.upper()} requests "
            f"(it applies to {', '.join(r.upper() for r in template.regimes)})"
        )
    try:
        jinja_template = _ENV.get_template(template_file(template.name, regime))
        text = jinja_template.render(**context, template=template)
    except UndefinedError as exc:
        field = missing_name(exc)
        if field is None:
            raise LetterError(
                f"the {template.title.lower()} letter needs a value that is missing ({exc})"
            ) from None
        raise LetterError(
            f"the {template.title.lower()} letter needs a value for '{field}' ({exc})", field=field
        ) from None
    except TemplateNotFound as exc:
        raise LetterError(f"template file {exc.name} is missing") from None
    return tidy(text)


def tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line between blocks, exactly one newline at the end."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    in_fence = False
    for line in lines:
        if line.startswith("```"):
            in_fence = not in_fence
        if not in_fence and not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def open_markers(text: str) -> list[str]:
    """What is still missing: ["Q3", "hours"] for a text with [ANSWER NEEDED: Q3] and [ANSWER NEEDED: hours]."""
    seen: list[str] = []
    for found in _MARKER_RE.findall(text):
        if found not in seen:
            seen.append(found)
    return seen


def marker(what: str) -> str:
    return f"[{MARKER}: {what}]"


# -- answers that hold tables ------------------------------------------------------------------------------

_RULE = re.compile(r"^\s*-{2,}(?:\s+-{2,})*\s*$")


def _is_table_block(lines: Sequence[str]) -> bool:
    if len(lines) < 2:
        return False
    if all(line.lstrip().startswith("|") for line in lines):
        return True
    if sum(1 for line in lines if "\t" in line) >= 2:
        return True
    return any(_RULE.match(line) for line in lines[1:3])


def fence_tables(text: str) -> str:
    """Wrap table-like runs of lines (pipe tables, tab-separated rows, aligned tables with a dashed rule, as
    the statistics answers are) in fences, so every form of the letter keeps their columns."""
    if "```" in text:
        return text
    paragraphs = re.split(r"\n\s*\n", text.strip("\n"))
    out = []
    for paragraph in paragraphs:
        lines = paragraph.split("\n")
        out.append("```\n" + paragraph + "\n```" if _is_table_block(lines) else paragraph)
    return "\n\n".join(out)


def table_rows(lines: Sequence[str]) -> list[list[str]] | None:
    """Cells of a fenced table: pipe-separated, tab-separated, or columns aligned under a dashed rule."""
    lines = [line for line in lines if line.strip()]
    if not lines:
        return None
    if all(line.lstrip().startswith("|") for line in lines):
        rows = []
        for line in lines:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            rows.append(cells)
        return rows
    if sum(1 for line in lines if "\t" in line) >= 2:
        return [[c.strip() for c in line.split("\t")] for line in lines]
    rule_index = next((i for i, line in enumerate(lines) if _RULE.match(line)), None)
    if rule_index is None:
        return None
    spans = [m.span() for m in re.finditer(r"-+", lines[rule_index])]
    rows = []
    for line in lines:
        if _RULE.match(line):
            continue
        cells = []
        for i, (start, end) in enumerate(spans):
            stop = spans[i + 1][0] if i + 1 < len(spans) else len(line)
            begin = start if i else 0
            cells.append(line[begin : max(stop, end)].strip())
        rows.append(cells)
    return rows


# -- other forms of the letter -------------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Block:
    """One block of the letter: kind is letterhead, heading, quote, bullets, table, pre or paragraph."""

    kind: str
    lines: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """The letter's structure, read back from its text (so edited letters keep their shape)."""
    out: list[Block] = []
    current: list[str] = []
    fence: list[str] | None = None

    def flush() -> None:
        if current:
            out.append(_classify(current, first=not out))
            current.clear()

    for line in text.split("\n"):
        if fence is not None:
            if line.startswith("```"):
                rows = table_rows(fence)
                out.append(Block("table" if rows and len(rows[0]) > 1 else "pre", tuple(fence)))
                fence = None
            else:
                fence.append(line)
            continue
        if line.startswith("```"):
            flush()
            fence = []
            continue
        if not line.strip():
            flush()
            continue
        if line.startswith("## "):
            flush()
            out.append(Block("heading", (line[3:].strip(),)))
            continue
        current.append(line)
    if fence is not None:
        out.append(Block("pre", tuple(fence)))
    flush()
    return out


def _classify(lines: list[str], *, first: bool) -> Block:
    if first:
        return Block("letterhead", tuple(lines))
    if all(line.startswith(">") for line in lines):
        return Block(
            "quote", tuple(line[1:].lstrip() if line.startswith("> ") else line[1:] for line in lines)
        )
    if all(line.startswith("- ") for line in lines):
        return Block("bullets", tuple(line[2:] for line in lines))
    return Block("paragraph", tuple(lines))


def to_markdown(text: str) -> str:
    """The .md attachment: the same text, with hard line breaks where a letter has separate lines (address,
    quoted request) so Markdown viewers do not run them together."""
    out: list[str] = []
    lines = text.rstrip("\n").split("\n")
    in_fence = False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            in_fence = not in_fence
            out.append(line)
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        joins_next = (
            not in_fence
            and line.strip()
            and following.strip()
            and not following.startswith("```")
            and not line.startswith(("## ", "- ", "|"))
            and not following.startswith(("- ", "|"))
        )
        out.append(line + "  " if joins_next else line)
    return "\n".join(out) + "\n"


def to_plain_text(text: str) -> str:
    """The letter without Markdown marks: for email bodies and `foi-bot draft --format txt`."""
    out: list[str] = []
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("```"):
            continue
        if line.startswith("## "):
            line = line[3:]
        elif line.startswith("> ") or line == ">":
            line = "    " + line[2:]
        out.append(_BOLD.sub(r"\1", line))
    return "\n".join(out) + "\n"


_ESCAPED_LINK = re.compile(r"&lt;(https?://[^\s&]+)&gt;")


def _slack_escape(text: str) -> str:
    """Slack's three control characters escaped, except around a link, which stays a Slack link."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ESCAPED_LINK.sub(r"<\1>", escaped)


def to_slack_mrkdwn(text: str) -> list[str]:
    """The letter as Slack mrkdwn paragraphs (headings bold, the request quoted, tables in code blocks)."""
    out: list[str] = []
    for block in blocks(text):
        if block.kind == "heading":
            out.append(f"*{_slack_escape(block.lines[0])}*")
        elif block.kind == "quote":
            out.append("\n".join(">" + _slack_escape(line) for line in block.lines))
        elif block.kind in ("table", "pre"):
            out.append("```" + "\n".join(block.lines) + "```")
        elif block.kind == "bullets":
            out.append("\n".join("• " + _BOLD.sub(r"*\1*", _slack_escape(line)) for line in block.lines))
        else:
            out.append("\n".join(_BOLD.sub(r"*\1*", _slack_escape(line)) for line in block.lines))
    return out


def split_sections(paragraphs: Sequence[str], limit: int = 2900) -> list[str]:
    """Pack paragraphs into sections of at most ``limit`` characters (Slack: 3,000 per section), splitting
    an over-long paragraph on lines, then on words."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        fenced = paragraph.startswith("```") and paragraph.endswith("```")
        body = paragraph[3:-3] if fenced else paragraph
        chunk = ""
        for line in body.split("\n"):
            while len(line) > limit - 8:
                cut = line.rfind(" ", 0, limit - 8)
                cut = cut if cut > 0 else limit - 8
                if chunk:
                    pieces.append(f"```{chunk}```" if fenced else chunk)
                    chunk = ""
                pieces.append(f"```{line[:cut]}```" if fenced else line[:cut])
                line = line[cut:].lstrip()
            candidate = f"{chunk}\n{line}" if chunk else line
            if len(candidate) > limit - 8:
                pieces.append(f"```{chunk}```" if fenced else chunk)
                chunk = line
            else:
                chunk = candidate
        if chunk:
            pieces.append(f"```{chunk}```" if fenced else chunk)
    sections: list[str] = []
    for piece in pieces:
        if sections and len(sections[-1]) + 2 + len(piece) <= limit:
            sections[-1] += "\n\n" + piece
        else:
            sections.append(piece)
    return sections


def split_messages(
    sections: Sequence[str], *, max_blocks: int = 40, max_chars: int = 11000
) -> list[list[str]]:
    """Group sections into messages that stay well inside Slack's 50 blocks and its total size limit."""
    messages: list[list[str]] = [[]]
    size = 0
    for section in sections:
        if messages[-1] and (len(messages[-1]) >= max_blocks or size + len(section) > max_chars):
            messages.append([])
            size = 0
        messages[-1].append(section)
        size += len(section)
    return messages


def summarise_changes(old: str, new: str, *, examples: int = 3) -> str:
    """What changed between two versions, in one or two lines: counts and the first changed lines."""
    old_lines = [line for line in old.splitlines() if line.strip()]
    new_lines = [line for line in new.splitlines() if line.strip()]
    added: list[str] = []
    removed: list[str] = []
    for line in difflib.ndiff(old_lines, new_lines):
        if line.startswith("+ "):
            added.append(line[2:])
        elif line.startswith("- "):
            removed.append(line[2:])
    if not added and not removed:
        return "No change to the text."

    def clip(line: str) -> str:
        line = _BOLD.sub(r"\1", line.strip())
        return line if len(line) <= 90 else line[:89] + "…"

    parts = [f"{len(added)} {pluralise(len(added), 'line')} added, {len(removed)} removed"]
    shown = [f"+ {clip(line)}" for line in added[:examples]] + [
        f"− {clip(line)}" for line in removed[:examples]
    ]
    return parts[0] + (": " + "; ".join(shown) if shown else "") + "."


# -- the Word letter ---------------------------------------------------------------------------------------


def letter_to_docx(text: str, *, title: str = "") -> bytes:
    """The letter as a .docx: letterhead block at the top right, then the date, reference, headings,
    quoted request, answers and tables in a plain letter style (A4, Arial 11pt)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.3))
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(8)
    if title:
        document.core_properties.title = title

    def add_runs(paragraph: Any, line: str, *, italic: bool = False) -> None:
        position = 0
        for match in _BOLD.finditer(line):
            if match.start() > position:
                paragraph.add_run(line[position : match.start()]).italic = italic
            run = paragraph.add_run(match.group(1))
            run.bold = True
            run.italic = italic
            position = match.end()
        if position < len(line):
            paragraph.add_run(line[position:]).italic = italic

    def add_lines(
        lines: Sequence[str], *, italic: bool = False, align: Any = None, indent: Any = None
    ) -> Any:
        paragraph = document.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if indent is not None:
            paragraph.paragraph_format.left_indent = indent
        for i, line in enumerate(lines):
            if i:
                paragraph.add_run().add_break()
            add_runs(paragraph, line, italic=italic)
        return paragraph

    for block in blocks(text):
        if block.kind == "letterhead":
            paragraph = add_lines(block.lines, align=WD_ALIGN_PARAGRAPH.RIGHT)
            if paragraph.runs:
                paragraph.runs[0].bold = True
            paragraph.paragraph_format.space_after = Pt(18)
        elif block.kind == "heading":
            paragraph = document.add_paragraph()
            run = paragraph.add_run(block.lines[0])
            run.bold = True
            paragraph.paragraph_format.space_before = Pt(6)
            paragraph.paragraph_format.keep_with_next = True
        elif block.kind == "quote":
            add_lines(block.lines, italic=True, indent=Cm(1))
        elif block.kind == "bullets":
            for line in block.lines:
                paragraph = document.add_paragraph(style="List Bullet")
                add_runs(paragraph, line)
        elif block.kind == "table":
            rows = table_rows(block.lines) or []
            width = max(len(r) for r in rows)
            table = document.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            for r, row in enumerate(rows):
                cells = table.add_row().cells
                for c in range(width):
                    value = row[c] if c < len(row) else ""
                    cells[c].text = value
                    is_total = row and row[0].strip().lower() == "total"
                    for run in cells[c].paragraphs[0].runs:
                        run.bold = r == 0 or bool(is_total)
                    if c and re.fullmatch(r"[\d,.£%-]+", value or "x"):
                        cells[c].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            document.add_paragraph()
        elif block.kind == "pre":
            paragraph = add_lines(block.lines)
            for run in paragraph.runs:
                run.font.name = "Courier New"
                run.font.size = Pt(9.5)
        else:
            add_lines(block.lines)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
