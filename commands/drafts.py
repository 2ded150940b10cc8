"""Draft response letters, reviewed and approved in the case thread.

The team answers the request question by question (`/foi answer`, or `Q1: 88` replied in the case
thread), records the exemptions it relies on (`/foi exempt`), and asks for a draft (`/foi draft`). Each draft
is a new numbered version posted into the case thread -- readable in Slack, with the letter as .docx and
Markdown -- saying what changed since the last one. Replies in the thread become review comments. An
approver (never the drafter, unless the force allows it) approves a version with no gaps left, which locks
it; "Mark as sent" then records on the case what the letter did (a response opens the review window, a
fees notice stops the clock, ...) and the statutory clock recomputes the case's dates.

Permission checks live here, once for every surface. Letters themselves are rendered by the pure
`commands.rules.letters.render`; the context comes from `commands.rules.letters.context`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from commands.base import (
    Action,
    Attachment,
    CommandContext,
    CommandError,
    Invocation,
    Reply,
    Settled,
    ThreadPost,
)
from commands.case_clock import apply_clock, facts_for
from commands.disclosure import DISCLOSURE_ACTION
from commands.enclosures import annex_attachments, annex_summary, letter_tables
from commands.lifecycle import working_days_taken
from commands.registry import command
from commands.rules.clock import ClockError
from commands.rules.letters import exemptions as known_exemptions
from commands.rules.letters.catalogue import CATALOGUE, LetterTemplate, find_template
from commands.rules.letters.context import (
    NOTE_KEYS,
    LetterContext,
    LetterInputs,
    build_context,
    question_key,
    question_keys,
)
from commands.rules.letters.disclosure_log import for_requester
from commands.rules.letters.docx_letter import letter_to_docx
from commands.rules.letters.figures import contains_synthetic
from commands.rules.letters.law import cost_limit
from commands.rules.letters.organisation import profile_problems
from commands.rules.letters.render import (
    LetterError,
    has_example_banner,
    has_welsh_template,
    open_markers,
    render_letter,
)
from commands.rules.letters.text_forms import (
    split_messages,
    split_sections,
    summarise_changes,
    to_markdown,
    to_slack_mrkdwn,
)
from commands.words import looks_like_date, mention, parse_date, parse_reference, take_option
from storage.cases import (
    answers_for,
    case_events,
    exemptions_for,
    get_case,
    get_case_by_id,
    record_event,
    set_answer,
)
from storage.db import session_scope
from storage.models import Case, CaseExemption, CaseStatus, Draft, DraftComment

ANSWER_USAGE = "/foi answer REF N TEXT"
EXEMPT_USAGE = "/foi exempt REF SECTION [Qn …]  (or: /foi exempt REF remove SECTION [Qn]; /foi exempt REF to list)"
DRAFT_USAGE = "/foi draft REF [TEMPLATE] [date:YYYY-MM-DD] [until:YYYY-MM-DD] [requested:YYYY-MM-DD]"
APPROVE_USAGE = "/foi approve REF [vN]"
CHANGES_USAGE = "/foi changes REF [vN] WHAT NEEDS CHANGING"
SENT_USAGE = "/foi sent REF [YYYY-MM-DD] [vN]"

# Buttons: the value is "REF vN" so a click on a superseded version is recognised as such.
APPROVE_ACTION = "draft_approve"
CHANGES_ACTION = "draft_changes"
REGENERATE_ACTION = "draft_regenerate"
EDIT_ACTION = "draft_edit"
SENT_ACTION = "draft_sent"
CASE_DRAFT_ACTION = "case_draft"


class DraftState:
    """A version is a draft under review, has changes requested, is approved (locked), sent, or superseded."""

    DRAFT = "draft"
    CHANGES = "changes"
    APPROVED = "approved"
    SENT = "sent"
    SUPERSEDED = "superseded"

    UNDER_REVIEW = (DRAFT, CHANGES)


_VERSION = re.compile(r"^v(\d+)$", re.IGNORECASE)
_THREAD_ANSWER = re.compile(r"(?im)^[ \t]*Q(?:uestion)?[ \t]*(\d+[ \t]*(?:\([a-z]{1,4}\)|[a-z]{1,4})?)[ \t]*:")


# -- reading the database ------------------------------------------------------------------------------------


def _load(session: Session, reference: str, usage: str) -> Case:
    case = get_case(session, reference, for_update=True)
    if case is None:
        raise CommandError(f"There is no case {reference}. Check the reference with `/foi list all`.", usage=usage)
    return case


def _open(session: Session, reference: str, usage: str, doing: str) -> Case:
    """The case, refusing work on one that is closed or withdrawn, with why and how to reopen it."""
    case = _load(session, reference, usage)
    if case.status in ("closed", "withdrawn", "lapsed"):
        why = f" ({case.close_reason})" if case.close_reason else ""
        raise CommandError(f"{reference} is {case.status}{why}, so it cannot be {doing}. Reopen it first with "
                           f"`/foi reopen {reference}` if it still needs work.", usage=usage)
    return case


def latest_draft(session: Session, case_id: int) -> Draft | None:
    return session.exec(
        select(Draft).where(Draft.case_id == case_id).order_by(col(Draft.version).desc()).limit(1)
    ).first()


def draft_meta(session: Session, draft: Draft) -> dict[str, Any]:
    """What the draft was rendered with (template options, letter date, outcome), kept in its case event so
    the `drafts` table needs no extra columns."""
    for event in reversed(list(case_events(session, draft.case_id))):
        if event.kind == "draft" and event.details.get("draft_id") == draft.id:
            return dict(event.details)
    return {}


def _current(session: Session, case: Case, version: int | None, usage: str) -> Draft:
    latest = latest_draft(session, case.id) if case.id is not None else None
    if latest is None:
        raise CommandError(f"{case.reference} has no draft yet: make one with `/foi draft {case.reference}`.",
                           usage=usage)
    if version is not None and version != latest.version:
        if version > latest.version or version < 1:
            raise CommandError(f"{case.reference} has no draft v{version}; the latest is v{latest.version}.",
                               usage=usage)
        raise CommandError(f"v{version} of {case.reference} has been replaced by v{latest.version}: use the "
                           f"buttons on v{latest.version}.", usage=usage)
    return latest


def _take_version(words: list[str]) -> tuple[int | None, list[str]]:
    rest: list[str] = []
    version: int | None = None
    for word in words:
        match = _VERSION.match(word)
        if match and version is None:
            version = int(match.group(1))
        else:
            rest.append(word)
    return version, rest


def _title(name: str) -> str:
    template = CATALOGUE.get(name)
    return template.title if template else name


def _today(ctx: CommandContext, inv: Invocation) -> date:
    return inv.today(ctx.tz)


def _is_approver(ctx: CommandContext, user: str) -> bool:
    return user in ctx.settings.approvers


def _approvers_text(ctx: CommandContext) -> str:
    return ", ".join(mention(u) for u in ctx.settings.approvers) or "nobody yet (set FOI_APPROVERS)"


# -- rendering a case's letter ---------------------------------------------------------------------------------


def letter_inputs(session: Session, ctx: CommandContext, case: Case, template: LetterTemplate, *,
                  letter_date: date, options: dict[str, str]) -> LetterInputs:
    """A case row, its answers and exemptions as the pure inputs of a letter."""
    # Other writers (the statistics family) may store "2(a)" or "Q2a"; read every key as the letter numbers it.
    rows = sorted(answers_for(session, case.id).values(), key=lambda row: row.created_at) if case.id else []
    answers: dict[str, str] = {}
    for row in rows:  # oldest first, so the latest of "2a" and "2(a)" wins
        key = row.question.strip().lower()
        answers[key if key in NOTE_KEYS else question_key(key) or key] = row.text
    exemption_rows = [(row.section, row.question) for row in exemptions_for(session, case.id)] if case.id else []
    parent = get_case_by_id(session, case.parent_id) if case.parent_id else None
    requested: date | None = None
    if options.get("requested"):
        requested = parse_date(options["requested"], what="review request date", usage=DRAFT_USAGE)
    elif parent is not None:
        requested = case.received  # an IR case is registered on the day the review was asked for
    else:
        requested = case.review_requested
    until = parse_date(options["until"], what="extended date", usage=DRAFT_USAGE) if options.get("until") else None
    return LetterInputs(
        template=template.name,
        regime=case.regime,
        reference=case.reference,
        received=case.received,
        request_text=case.request_text,
        letter_date=letter_date,
        facts=facts_for(case, ctx.settings),
        questions=case.questions or [],
        answers=answers,
        exemptions=exemption_rows,
        original_reference=parent.reference if parent else case.reference,
        review_facts=replace(facts_for(parent, ctx.settings), review_requested=None) if parent else None,
        review_requested=requested,
        extended_until=until,
        figures=letter_tables(session, case, ctx.settings.profile),
        annexes=annex_summary(session, case),
        requester_name=case.requester_name,
        requester_address=case.requester_address or case.requester_email,
        language=case.language or "en",
    )


def render_case_letter(session: Session, ctx: CommandContext, case: Case, template: LetterTemplate, *,
                       letter_date: date, options: dict[str, str]) -> tuple[str, LetterContext]:
    """The letter text for a case, or a CommandError saying what stops it."""
    if not template.applies_to(case.regime):
        raise CommandError(
            f"The {template.title.lower()} letter does not apply to {case.regime.upper()} requests "
            f"(it is for {', '.join(r.upper() for r in template.regimes)})."
        )
    if letter_date < case.received:
        raise CommandError(f"The letter date {letter_date.isoformat()} is before the request was received "
                           f"({case.received.isoformat()}).")
    inputs = letter_inputs(session, ctx, case, template, letter_date=letter_date, options=options)
    template_dir = ctx.settings.template_dir
    try:
        built = build_context(inputs, ctx.settings.profile)
        text = render_letter(template.name, built.context, language=inputs.language, template_dir=template_dir)
    except LetterError as exc:
        raise CommandError(f"The letter cannot be written: {exc}.") from None
    if inputs.language == "cy":
        welsh = has_welsh_template(template.name, case.regime, template_dir)
        built.welsh = welsh
        built.warnings = [w for w in built.warnings if not w.startswith("This request is in Welsh")]
        built.warnings.append(
            "This request is in Welsh: under the Welsh Language Standards the reply is due in Welsh. "
            + ("This draft uses the organisation's Welsh template." if welsh else
               "There is no Welsh template for this letter (FOI_TEMPLATE_DIR, *.cy.md.j2): have it translated "
               "before it is sent.")
        )
    return text, built


def default_template(case: Case) -> LetterTemplate:
    """The letter a case most likely needs next when none is named: a review's outcome, else the response
    (subject access has only the acknowledgement here)."""
    if case.parent_id:
        return CATALOGUE["review-outcome"]
    return CATALOGUE["acknowledgement" if case.regime == "sar" else "response"]


def templates_list(regime: str | None = None) -> str:
    return ", ".join(f"`{t.name}`" for t in CATALOGUE.values() if regime is None or t.applies_to(regime))


# -- posting a version into the thread ---------------------------------------------------------------------------


def _slug(reference: str) -> str:
    return reference.replace("/", "-")


def _draft_actions(reference: str, version: int) -> list[Action]:
    value = f"{reference} v{version}"
    return [
        Action(APPROVE_ACTION, "Approve", value, style="primary"),
        Action(CHANGES_ACTION, "Request changes", value),
        Action(REGENERATE_ACTION, "Regenerate", value),
        Action(EDIT_ACTION, "Edit", value),
    ]


def draft_posts(ctx: CommandContext, reference: str, draft: Draft, header: list[str],
                annexes: list[Attachment] | None = None, *, docx: bytes | None = None) -> list[ThreadPost]:
    """The version as thread messages: header and letter (split to Slack's limits), buttons and the files
    (the letter as .docx and Markdown, and its annexes) on the last message."""
    title = _title(draft.template)
    name = f"{_slug(reference)}-{draft.template}-v{draft.version}"
    attachments = [
        Attachment(f"{name}.docx", docx if docx is not None else letter_to_docx(draft.text, title=f"{reference} {title}"),
                   title=f"{reference} {title} v{draft.version} (Word)", filetype="docx"),
        Attachment(f"{name}.md", to_markdown(for_requester(draft.text)).encode("utf-8"),
                   title=f"{reference} {title} v{draft.version} (Markdown)", filetype="markdown"),
        *(annexes or []),
    ]
    header_text = "\n".join(header)
    sections = split_sections([header_text, *to_slack_mrkdwn(draft.text)])
    messages = split_messages(sections)
    posts: list[ThreadPost] = []
    for index, blocks in enumerate(messages):
        last = index == len(messages) - 1
        posts.append(ThreadPost(
            text=f"{header_text}\n\n{draft.text}" if index == 0 else f"(draft v{draft.version} continued)",
            reference=reference,
            blocks_markdown=blocks,
            attachments=attachments if last else [],
            actions=_draft_actions(reference, draft.version) if last else [],
            remember={"draft_message": draft.id} if last and draft.id is not None else {},
        ))
    return posts


def word_letter_for(ctx: CommandContext, reference: str, subject: str, text: str, *, template: str,
                    letter_date: date, disclosure_log: bool = False) -> bytes:
    """The letter as a Word document with the reference, subject and the profile's marking in its header and
    properties. The requester's copy loses the withheld-marks (keeping their text); the disclosure-log text
    has already lost the passages."""
    profile = ctx.settings.profile
    title = f"{reference} – {subject or _title(template)}"
    body = text if disclosure_log else for_requester(text)
    return letter_to_docx(body, title=title, reference=reference, author=profile.name,
                          marking=profile.protective_marking, created=letter_date, sign_off=profile.sign_off,
                          subject=_title(template) + (" (disclosure log)" if disclosure_log else ""))


def word_letter(ctx: CommandContext, case: Case, text: str, *, template: str, letter_date: date) -> bytes:
    return word_letter_for(ctx, case.reference, case.subject, text, template=template, letter_date=letter_date)


def _header(ctx: CommandContext, reference: str, draft: Draft, *, change: str | None, warnings: list[str]) -> list[str]:
    edited = " (edited by hand)" if draft.edited else ""
    lines = [f"*Draft v{draft.version} of {reference} — {_title(draft.template)}*{edited}, by {mention(draft.created_by)}"]
    if change:
        lines.append(change)
    markers = open_markers(draft.text)
    if markers:
        lines.append(f":warning: Still needed before approval: {', '.join(markers)}. Reply in this thread "
                     f"`Q3: your answer` (or `/foi answer {reference} N TEXT`), then press Regenerate.")
    lines.extend(f":warning: {w}" for w in warnings)
    lines.append(f"Replies in this thread are review comments. Approvers: {_approvers_text(ctx)}.")
    return lines


def _new_version(session: Session, case: Case, *, template: str, text: str, user: str, now: datetime,
                 edited: bool, meta: dict[str, Any]) -> tuple[Draft, Draft | None]:
    previous = latest_draft(session, case.id) if case.id is not None else None
    version = previous.version + 1 if previous else 1
    if previous is not None and previous.state in (*DraftState.UNDER_REVIEW, DraftState.APPROVED):
        previous.state = DraftState.SUPERSEDED
        session.add(previous)
    draft = Draft(case_id=case.id, version=version, template=template, text=text, state=DraftState.DRAFT,
                  created_by=user, created_at=now, edited=edited)
    session.add(draft)
    session.flush()
    record_event(session, case, actor=user, kind="draft",
                 summary=f"Draft v{version} ({_title(template)}){' edited' if edited else ''}",
                 details={**meta, "draft_id": draft.id, "version": version, "template": template, "edited": edited,
                          "gaps": open_markers(text), "based_on": previous.version if previous else None})
    return draft, previous


def _change_line(previous: Draft | None, draft: Draft) -> str | None:
    if previous is None:
        return None
    if previous.template != draft.template:
        return f"New letter: v{previous.version} was a {_title(previous.template).lower()}."
    return f"Changes since v{previous.version}: {summarise_changes(previous.text, draft.text)}"


# -- /foi answer ----------------------------------------------------------------------------------------------


def _store_answer(session: Session, case: Case, key: str, text: str, *, source: str, user: str) -> list[str]:
    """Store one answer; returns warnings (a question number the case does not have)."""
    set_answer(session, case, key, text, source=source, author=user)
    record_event(session, case, actor=user, kind="answer",
                 summary=f"{'Note ' + key if key in NOTE_KEYS else 'Answer to Q' + key} stored ({source})",
                 details={"question": key, "source": source, "lines": text.count("\n") + 1})
    known = question_keys(case.questions or [])
    if key not in NOTE_KEYS and key not in known:
        listed = ", ".join(f"Q{k}" for k in known) or "none"
        return [f"{case.reference} has no question {key} on record (its questions: {listed}); the answer will be "
                "listed after the others."]
    return []


def _answer_key(word: str) -> str:
    lowered = word.strip().lower()
    if lowered in NOTE_KEYS:
        return lowered
    key = question_key(word)
    if key is None:
        notes = ", ".join(NOTE_KEYS)
        raise CommandError(f"`{word}` is not a question number (like 1, 2a or Q3) or a letter note ({notes}).",
                           usage=ANSWER_USAGE)
    return key


def _open_draft_hint(session: Session, case: Case) -> str:
    draft = latest_draft(session, case.id) if case.id is not None else None
    if draft is not None and draft.state in DraftState.UNDER_REVIEW:
        return f" Press Regenerate on draft v{draft.version} (or `/foi draft {case.reference}`) to include it."
    return ""


@command("answer", usage=ANSWER_USAGE, raw_text=True,
         summary="Store the answer to question N (1, 2a …) or a letter note (reasons, hours, fee …) for the draft",
         example="/foi answer FOI2018/00739 1 88", what="answer questions")
def answer_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    match = re.match(r"\s*(\S+)(?:\s+(\S+))?(?:[ \t]+|\s*\n)?(.*)", args[0] if args else "", re.DOTALL)
    reference = parse_reference(match.group(1) if match else None, ANSWER_USAGE)
    if not match or not match.group(2):
        raise CommandError("Say which question the answer is for, e.g. `1` or `2a`.", usage=ANSWER_USAGE)
    key = _answer_key(match.group(2))
    text = match.group(3).strip("\n").rstrip()
    if not text.strip():
        raise CommandError(f"Write the answer after the question number: `/foi answer {reference} {key} 88`.",
                           usage=ANSWER_USAGE)
    with session_scope(ctx.engine) as session:
        case = _open(session, reference, ANSWER_USAGE, "answered")
        warnings = _store_answer(session, case, key, text, source="typed", user=inv.user)
        hint = _open_draft_hint(session, case)
    what = f"The {key} note" if key in NOTE_KEYS else f"The answer to Q{key}"
    return Reply(text="\n".join([f"{what} is stored for {reference}.{hint}", *warnings]), ephemeral=False,
                 about=reference)


# -- /foi exempt ----------------------------------------------------------------------------------------------


def _unknown_exemption(typed: str, regime: str) -> CommandError:
    found = known_exemptions.suggestions(regime, typed)
    hint = ""
    if regime == "eir" and known_exemptions.canonical(typed) in ("12", "14"):
        hint = (" The EIR have no cost limit or vexatious-request section: use reg 12(4)(b) "
                "(manifestly unreasonable).")
    close = "; ".join(f"{e.short} {e.title}" for e in found)
    known = ", ".join(e.short for e in known_exemptions.for_regime(regime).values())
    lines = [f"`{typed}` is not a {regime.upper()} {'exception' if regime == 'eir' else 'exemption'} I know.{hint}"]
    if close:
        lines.append(f"Close matches: {close}.")
    lines.append(f"Known: {known}.")
    return CommandError("\n".join(lines), usage=EXEMPT_USAGE, example="/foi exempt FOI2026/00042 s40(2) Q2")


@command("exempt", usage=EXEMPT_USAGE,
         summary="Record an exemption (or s12 cost limit) the letter relies on, for the whole request or some questions",
         example="/foi exempt FOI2026/00042 s40(2) Q2", what="record exemptions")
def exempt_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, EXEMPT_USAGE)
    words = args[1:]
    remove = bool(words) and words[0].lower() in ("remove", "delete", "drop", "-")
    if remove:
        words = words[1:]
    with session_scope(ctx.engine) as session:
        case = _open(session, reference, EXEMPT_USAGE, "given exemptions")
        if not known_exemptions.for_regime(case.regime):
            raise CommandError(f"{reference} is a {case.regime.upper()} case: there is no exemptions list for it here.")
        if not words:
            rows = exemptions_for(session, case.id)
            if not rows:
                return Reply(text=f"No exemptions are recorded for {reference}. Add one with `/foi exempt "
                                  f"{reference} s40(2) Q2`.")
            lines = [f"{_describe_row(case.regime, r)}" for r in rows]
            return Reply(text=f"Exemptions recorded for {reference}:\n" + "\n".join(lines))
        typed, question_words = words[0], words[1:]
        if typed.lower().rstrip(".") in ("s", "sec", "section", "r", "reg", "regulation") and question_words:
            typed, question_words = f"{typed} {question_words[0]}", question_words[1:]  # "section 40(2)"
        try:
            exemption, cited = known_exemptions.find(case.regime, typed)
        except known_exemptions.UnknownExemption:
            raise _unknown_exemption(typed, case.regime) from None
        keys: list[str] = []
        for word in question_words:
            key = question_key(word)
            if key is None:
                raise CommandError(f"`{word}` is not a question number (write Q2 or 2a).", usage=EXEMPT_USAGE)
            keys.append(key)
        existing = {(r.section, r.question): r for r in exemptions_for(session, case.id)}
        label = f"{exemption.short.replace(exemption.section, cited)} {exemption.title}"
        scope = ", ".join(f"Q{k}" for k in keys) if keys else "the whole request"
        if remove:
            removed = 0
            for key in keys or [k for (s, k) in existing if s == cited]:
                row = existing.get((cited, key))
                if row is not None:
                    session.delete(row)
                    removed += 1
            if not removed:
                raise CommandError(f"{label} is not recorded for {reference} on {scope}.", usage=EXEMPT_USAGE)
            record_event(session, case, actor=inv.user, kind="exemption-removed",
                         summary=f"Removed {label} ({scope})", details={"section": cited, "questions": keys})
            return Reply(text=f"Removed {label} from {reference} ({scope}).", ephemeral=False, about=reference)
        added = [k for k in (keys or [""]) if (cited, k) not in existing]
        for key in added:
            session.add(CaseExemption(case_id=case.id, section=cited, question=key))
        if not added:
            return Reply(text=f"{label} was already recorded for {reference} ({scope}).")
        record_event(session, case, actor=inv.user, kind="exemption", summary=f"{label} ({scope})",
                     details={"section": cited, "questions": keys})
        warnings = [f"{reference} has no question {k} on record." for k in keys
                    if k not in question_keys(case.questions or [])]
        hint = _open_draft_hint(session, case)
        regime = case.regime
    if exemption.is_cost_limit:
        limit = cost_limit(regime, ctx.settings.profile.cost_limit_pounds, ctx.settings.profile.cost_limit_hours)
        what = (f"The response will explain the cost limit (£{limit.pounds} / {limit.hours} hours) for {scope}, with "
                f"your estimate (`/foi answer {reference} hours 1,144 records at 3 minutes each = 57 hours`) and "
                f"advice on narrowing the request (`/foi answer {reference} advice …`); for a full refusal use "
                f"`/foi draft {reference} cost-limit`.")
    else:
        what = exemption.nature
    return Reply(text="\n".join([f"Recorded {label} for {reference} ({scope}). {what}{hint}", *warnings]),
                 ephemeral=False, about=reference)


def _describe_row(regime: str, row: CaseExemption) -> str:
    try:
        exemption, cited = known_exemptions.find(regime, row.section)
        name = f"{exemption.short.replace(exemption.section, cited)} {exemption.title}"
    except known_exemptions.UnknownExemption:
        name = row.section
    return f"  {name} ({'Q' + row.question if row.question else 'whole request'})"


# -- /foi draft ------------------------------------------------------------------------------------------------


@command("draft", usage=DRAFT_USAGE,
         summary="Write a draft letter into the case thread as a new version (no template: the last one, or the response)",
         example="/foi draft FOI2018/00739 response date:2018-03-08", what="draft responses")
def draft_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, DRAFT_USAGE)
    words = args[1:]
    given: dict[str, str] = {}
    for key, what in (("date", "letter date"), ("until", "extended date"), ("requested", "review request date")):
        value, words = take_option(words, key)
        if value is not None:
            parse_date(value, what=what, usage=DRAFT_USAGE)
            given[key] = value
    if len(words) > 1:
        raise CommandError(f"Only one template at a time: `{' '.join(words)}`.", usage=DRAFT_USAGE)
    today = _today(ctx, inv)
    with session_scope(ctx.engine) as session:
        case = _open(session, reference, DRAFT_USAGE, "drafted")
        previous = latest_draft(session, case.id)
        if words:
            found = find_template(words[0])
            if found is None:
                raise CommandError(f"`{words[0]}` is not a letter template. For a {case.regime.upper()} case: "
                                   f"{templates_list(case.regime)}.", usage=DRAFT_USAGE)
            template = found
        elif previous is not None and previous.template in CATALOGUE:
            template = CATALOGUE[previous.template]
        else:
            template = default_template(case)
        # Regenerating the same letter keeps the options it was made with (its date, the extended date).
        options: dict[str, str] = {}
        if previous is not None and previous.template == template.name:
            options = dict(draft_meta(session, previous).get("options") or {})
        options.update(given)
        letter_date = parse_date(options["date"], what="letter date") if "date" in options else today
        if letter_date > today:
            raise CommandError(f"The letter date {letter_date.isoformat()} is in the future.", usage=DRAFT_USAGE)
        text, built = render_case_letter(session, ctx, case, template, letter_date=letter_date, options=options)
        if (previous is not None and previous.template == template.name and previous.text == text
                and previous.state in (*DraftState.UNDER_REVIEW, DraftState.APPROVED)):
            gaps = open_markers(text)
            still = f" Still needed: {', '.join(gaps)}." if gaps else ""
            return Reply(text=f"No change since v{previous.version} of {reference}: nothing new was posted.{still}")
        meta = {
            "letter_date": letter_date.isoformat(),
            "options": options,
            "outcome": built.outcome,
            "extended_until": built.extended_until.isoformat() if built.extended_until else None,
            "synthetic": built.synthetic,
            "language": case.language or "en",
            "welsh_template": built.welsh,
        }
        try:
            draft, before = _new_version(session, case, template=template.name, text=text, user=inv.user,
                                         now=inv.now, edited=False, meta=meta)
        except IntegrityError:
            raise CommandError("Someone made a new version of this draft at the same moment; look in the case "
                               "thread and try again.") from None
        header = _header(ctx, reference, draft, change=_change_line(before, draft), warnings=built.warnings)
        annexes = annex_attachments(session, ctx, case, letter_date=letter_date)
        posts = draft_posts(ctx, reference, draft, header, annexes,
                            docx=word_letter(ctx, case, draft.text, template=template.name, letter_date=letter_date))
        version = draft.version
        replaced = _replaced(before, version)
    return Reply(text=f"Draft v{version} of {reference} ({template.title}) is in the case thread.",
                 thread_posts=posts, settled=replaced)


# -- editing by hand ---------------------------------------------------------------------------------------------


def draft_for_edit(ctx: CommandContext, reference: str, version: int | None) -> tuple[int, str, str]:
    """(version, text, title) of the version to edit; CommandError if it is not the current one."""
    with session_scope(ctx.engine) as session:
        case = _open(session, reference, DRAFT_USAGE, "drafted")
        draft = _current(session, case, version, DRAFT_USAGE)
        if draft.state == DraftState.SENT:
            raise CommandError(f"v{draft.version} of {reference} has been sent; make a new draft instead.")
        return draft.version, draft.text, _title(draft.template)


def save_edited_draft(ctx: CommandContext, reference: str, *, base_version: int, user: str, text: str,
                      now: datetime) -> Reply:
    """A hand-edited letter becomes the next version (the base is never changed)."""
    text = text.replace("\r\n", "\n").strip("\n") + "\n"
    with session_scope(ctx.engine) as session:
        case = _open(session, reference, DRAFT_USAGE, "drafted")
        base = _current(session, case, base_version, DRAFT_USAGE)
        if base.text == text:
            return Reply(text=f"No change to v{base.version} of {reference}: nothing new was posted.")
        meta = {k: v for k, v in draft_meta(session, base).items()
                if k in ("letter_date", "options", "outcome", "extended_until", "synthetic", "language",
                         "welsh_template")}
        draft, before = _new_version(session, case, template=base.template, text=text, user=user, now=now,
                                     edited=True, meta=meta)
        header = _header(ctx, reference, draft, change=_change_line(before, draft), warnings=[])
        letter_date = date.fromisoformat(meta["letter_date"]) if meta.get("letter_date") else now.date()
        annexes = annex_attachments(session, ctx, case, letter_date=letter_date)
        posts = draft_posts(ctx, reference, draft, header, annexes,
                            docx=word_letter(ctx, case, draft.text, template=draft.template, letter_date=letter_date))
        version = draft.version
        replaced = _replaced(before, version)
    return Reply(text=f"Your edit is v{version} of {reference}.", thread_posts=posts, settled=replaced)


def _replaced(before: Draft | None, version: int) -> list[Settled]:
    """The previous version's buttons give way to a note pointing at the new one."""
    if before is None or before.id is None:
        return []
    return [Settled({"draft": before.id}, f":arrows_counterclockwise: Replaced by v{version}")]


# -- review: comments and requested changes --------------------------------------------------------------------


def request_changes(ctx: CommandContext, reference: str, *, version: int | None, user: str, text: str,
                    now: datetime, message_ts: str | None = None) -> Reply:
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, CHANGES_USAGE)
        draft = _current(session, case, version, CHANGES_USAGE)
        if draft.state not in DraftState.UNDER_REVIEW:
            raise CommandError(f"v{draft.version} of {reference} is {draft.state}: make a new version with "
                               "Regenerate or Edit instead.", usage=CHANGES_USAGE)
        session.add(DraftComment(draft_id=draft.id, author=user, kind="changes", text=text, message_ts=message_ts,
                                 created_at=now))
        draft.state = DraftState.CHANGES
        session.add(draft)
        record_event(session, case, actor=user, kind="draft-changes",
                     summary=f"Changes requested on draft v{draft.version}", details={"draft_id": draft.id,
                                                                                      "version": draft.version})
        version_number = draft.version
    post = ThreadPost(
        text=f":pencil2: {mention(user)} requested changes to draft v{version_number}:\n{text}",
        reference=reference,
        actions=[Action(REGENERATE_ACTION, "Regenerate", f"{reference} v{version_number}"),
                 Action(EDIT_ACTION, "Edit", f"{reference} v{version_number}")],
    )
    return Reply(text=f"Changes requested on v{version_number} of {reference}.", thread_posts=[post])


@command("changes", usage=CHANGES_USAGE, raw_text=True,
         summary="Request changes to the current draft, saying what (the thread sees it)",
         example="/foi changes FOI2018/00739 Q2 should give the total of 76 first", what="review letters")
def changes_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    match = re.match(r"\s*(\S+)\s*(v\d+\b)?\s*(.*)", args[0] if args else "", re.DOTALL | re.IGNORECASE)
    reference = parse_reference(match.group(1) if match and match.group(1) else None, CHANGES_USAGE)
    version = int(match.group(2)[1:]) if match and match.group(2) else None
    text = (match.group(3) if match else "").strip()
    if not text:
        raise CommandError("Say what needs changing after the reference.", usage=CHANGES_USAGE)
    return request_changes(ctx, reference, version=version, user=inv.user, text=text, now=inv.now)


def handle_thread_reply(ctx: CommandContext, case_reference: str, user: str, text: str, ts: str,
                        now: datetime) -> Reply | None:
    """A person's reply in a case thread: ``Q1: 88`` lines are answers; anything else, while a draft is under
    review, is a review comment on it. None when there is nothing to do (the listener stays silent)."""
    if not text.strip() or not ctx.is_team_member(user):
        return None
    markers = list(_THREAD_ANSWER.finditer(text))
    with session_scope(ctx.engine) as session:
        case = get_case(session, case_reference)
        if case is None:
            return None
        if markers and not text[: markers[0].start()].strip():
            stored: list[str] = []
            warnings: list[str] = []
            for index, found in enumerate(markers):
                end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
                answer = text[found.end():end].strip()
                key = question_key(found.group(1))
                if key is None or not answer:
                    continue
                warnings += _store_answer(session, case, key, answer, source="thread", user=user)
                stored.append(f"Q{key}")
            if stored:
                hint = _open_draft_hint(session, case)
                return Reply(text="\n".join([f"Stored the answer to {', '.join(stored)} for {case.reference}.{hint}",
                                             *warnings]))
        draft = latest_draft(session, case.id)
        if draft is None or draft.state not in DraftState.UNDER_REVIEW:
            return None
        duplicate = session.exec(select(DraftComment).where(DraftComment.draft_id == draft.id,
                                                            DraftComment.message_ts == ts)).first()
        if duplicate is not None:
            return None
        session.add(DraftComment(draft_id=draft.id, author=user, kind="comment", text=text, message_ts=ts,
                                 created_at=now))
        record_event(session, case, actor=user, kind="draft-comment",
                     summary=f"Review comment on draft v{draft.version}",
                     details={"draft_id": draft.id, "version": draft.version, "ts": ts})
        return Reply(text=f"Noted as a review comment on draft v{draft.version} of {case.reference}.")


# -- approval and sending --------------------------------------------------------------------------------------


def _approval_blockers(ctx: CommandContext, session: Session, draft: Draft) -> list[str]:
    """What makes a version unfit to send, beyond open gaps: the example profile, demonstration figures."""
    blockers: list[str] = []
    problems = profile_problems(ctx.settings.profile)
    if has_example_banner(draft.text) or problems:
        why = "; ".join(problems) if problems else "it was drafted with the example profile: press Regenerate"
        blockers.append(f"it is marked EXAMPLE PROFILE ({why}). Run `foi-bot profile check`.")
    if contains_synthetic(draft.text) or draft_meta(session, draft).get("synthetic"):
        blockers.append("it contains SYNTHETIC demonstration figures, which must never reach a requester: run the "
                        "query on real data, store it again with `for REF Qn`, and Regenerate.")
    return blockers


@command("approve", usage=APPROVE_USAGE,
         summary="Approve the current draft (approvers only, not the drafter); it is then locked",
         example="/foi approve FOI2018/00739 v2", what="approve letters")
def approve_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, APPROVE_USAGE)
    version, rest = _take_version(args[1:])
    if rest:
        raise CommandError(f"`{' '.join(rest)}` is not a version like v2.", usage=APPROVE_USAGE)
    if not ctx.settings.approvers:
        raise CommandError("No approvers are configured: set FOI_APPROVERS to the Slack user ids who may approve "
                           "letters.", usage=APPROVE_USAGE)
    if not _is_approver(ctx, inv.user):
        raise CommandError(f"Only approvers can approve letters: {_approvers_text(ctx)}.", usage=APPROVE_USAGE)
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, APPROVE_USAGE)
        draft = _current(session, case, version, APPROVE_USAGE)
        if draft.state in (DraftState.APPROVED, DraftState.SENT):
            when = draft.approved_at.astimezone(ctx.tz).strftime("%-d %b %Y %H:%M") if draft.approved_at else "?"
            return Reply(text=f"v{draft.version} of {reference} was already approved by {mention(draft.approved_by)} "
                              f"({when}); nothing changed.")
        gaps = open_markers(draft.text)
        if gaps:
            raise CommandError(f"v{draft.version} of {reference} cannot be approved while it has gaps: "
                               f"{', '.join(gaps)}. Answer them (`Q3: …` in the thread or `/foi answer`), then "
                               "Regenerate.", usage=APPROVE_USAGE)
        blockers = _approval_blockers(ctx, session, draft)
        if blockers:
            raise CommandError(f"v{draft.version} of {reference} cannot be approved: " + " ".join(blockers),
                               usage=APPROVE_USAGE)
        if draft.created_by == inv.user and not ctx.settings.drafter_may_approve:
            raise CommandError(f"You made v{draft.version}, so another approver must approve it "
                               f"({_approvers_text(ctx)}).", usage=APPROVE_USAGE)
        draft.state = DraftState.APPROVED
        draft.approved_by = inv.user
        draft.approved_at = inv.now
        session.add(draft)
        record_event(session, case, actor=inv.user, kind="draft-approved",
                     summary=f"Draft v{draft.version} ({_title(draft.template)}) approved",
                     details={"draft_id": draft.id, "version": draft.version, "approved_by": inv.user,
                              "approved_at": inv.now.isoformat()})
        number, title, draft_id = draft.version, _title(draft.template), draft.id
        meta = draft_meta(session, draft)
        welsh_warning = ""
        if (case.language == "cy" or meta.get("language") == "cy") and not meta.get("welsh_template"):
            welsh_warning = ("\n:warning: This request is in Welsh and this letter is in English: the Welsh Language "
                             "Standards require a reply in Welsh. Send a Welsh version (or a bilingual letter).")
    at = inv.now.astimezone(ctx.tz).strftime("%-d %b %Y at %H:%M")
    post = ThreadPost(
        text=f":white_check_mark: Draft v{number} ({title}) approved by {mention(inv.user)} on {at}. This version is "
             "locked; press *Mark as sent* once it has gone to the requester." + welsh_warning,
        reference=reference,
        actions=[Action(SENT_ACTION, "Mark as sent", f"{reference} v{number}", style="primary")],
        remember={"draft_approval": draft_id},
    )
    return Reply(text=f"Approved v{number} of {reference}." + welsh_warning, thread_posts=[post],
                 settled=[Settled({"draft": draft_id}, f":white_check_mark: Approved by {mention(inv.user)} on {at}")])


def _record_sending(case: Case, template: LetterTemplate, sent_on: date, meta: dict[str, Any]) -> tuple[str, str]:
    """Write on the case what the letter did; returns (what happened, the case's status afterwards)."""
    if template.records == "response":
        case.responded = sent_on
        case.response_outcome = meta.get("outcome") or template.outcome
        case.status = CaseStatus.RESPONDED
        return f"response sent ({case.response_outcome})", case.status
    if template.records == "clarification":
        case.clarification_sought = sent_on
        case.clarified = None
        case.status = CaseStatus.AWAITING_CLARIFICATION
        return "clarification sought: the clock is stopped until the reply", case.status
    if template.records == "fee":
        case.fee_notice = sent_on
        case.fee_paid = None
        case.status = CaseStatus.AWAITING_FEE
        return "fees notice given: the clock is stopped until the fee is paid", case.status
    if template.records == "extension":
        case.extended = True
        until = meta.get("extended_until")
        case.extended_until = date.fromisoformat(until) if until else None
        case.status = CaseStatus.EXTENDED
        return "time extended", case.status
    if template.records == "review-outcome":
        # As `/foi reviewed` records it: the review case is answered, its parent learns the outcome.
        case.reviewed = sent_on
        case.review_outcome = meta.get("outcome")
        if case.parent_id is not None:
            case.responded = sent_on
            case.status = CaseStatus.RESPONDED
        return f"review outcome sent ({case.review_outcome or 'outcome not recorded'})", case.status
    return f"{template.title.lower()} sent", case.status


def mark_sent(ctx: CommandContext, reference: str, *, version: int | None, user: str, now: datetime,
              sent_on: date | None, today: date) -> Reply:
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, SENT_USAGE)
        draft = _current(session, case, version, SENT_USAGE)
        if draft.state == DraftState.SENT:
            when = draft.sent_at.astimezone(ctx.tz).strftime("%-d %b %Y") if draft.sent_at else "?"
            return Reply(text=f"v{draft.version} of {reference} was already marked as sent ({when}); nothing changed.")
        if draft.state != DraftState.APPROVED:
            raise CommandError(f"v{draft.version} of {reference} is not approved yet: an approver must approve it "
                               "before it is sent.", usage=SENT_USAGE)
        meta = draft_meta(session, draft)
        template = CATALOGUE.get(draft.template)
        if template is None:
            raise CommandError(f"v{draft.version} uses an unknown template {draft.template!r}.")
        letter_date = date.fromisoformat(meta["letter_date"]) if meta.get("letter_date") else today
        sent_on = sent_on or letter_date
        if sent_on > today:
            raise CommandError(f"{sent_on.isoformat()} is in the future.", usage=SENT_USAGE)
        if sent_on < case.received:
            raise CommandError(f"{sent_on.isoformat()} is before the request was received.", usage=SENT_USAGE)
        if case.status in CaseStatus.FINISHED and template.records != "nothing":
            raise CommandError(f"{reference} is {case.status}; nothing was recorded.", usage=SENT_USAGE)
        parent = get_case_by_id(session, case.parent_id) if case.parent_id else None
        what, status = _record_sending(case, template, sent_on, meta)
        if template.records == "review-outcome" and parent is not None:
            parent.review_outcome = case.review_outcome
            parent.status = CaseStatus.CLOSED
            record_event(session, parent, actor=user, kind="review-outcome",
                         summary=f"Internal review {reference}: {case.review_outcome or 'decided'}",
                         details={"outcome": case.review_outcome, "review_case": reference})
        try:
            update = apply_clock(case, ctx.settings, parent)  # an IR case is timed by its parent's review rules
        except ClockError as exc:
            raise CommandError(f"Nothing was recorded: {exc}") from None
        if template.records == "response" and parent is None:  # as `/foi respond` does, for the timeliness figures
            case.working_days_taken = working_days_taken(case, update.deadlines.day_zero, sent_on)
        draft.state = DraftState.SENT
        draft.sent_at = now
        draft_number, draft_id = draft.version, draft.id
        session.add(draft)
        record_event(session, case, actor=user, kind="letter-sent",
                     summary=f"{template.title} v{draft.version} sent on {sent_on.isoformat()}: {what}",
                     details={"draft_id": draft.id, "version": draft.version, "template": template.name,
                              "sent_on": sent_on.isoformat(), "outcome": case.response_outcome,
                              "review_request_by": case.review_request_by.isoformat() if case.review_request_by else None,
                              "due": case.due.isoformat() if case.due else None})
        if update.change_note:
            record_event(session, case, actor=user, kind="due-moved", summary=update.change_note)
        lines = [f":outbox_tray: {template.title} v{draft.version} of {reference} marked as sent on "
                 f"{sent_on:%a %-d %b %Y} by {mention(user)}: {what}. Status: {status}."]
        if template.records == "response" and case.review_request_by:
            lines.append(f"The requester may ask for an internal review until {case.review_request_by:%a %-d %b %Y}.")
        elif case.due and template.records in ("extension",):
            lines.append(f"Now due {case.due:%a %-d %b %Y}" + (f", extended to {case.extended_due:%a %-d %b %Y}"
                                                               if case.extended_due else "") + ".")
        if sent_on != letter_date:
            lines.append(f"Note: the letter is dated {letter_date:%-d %b %Y}.")
        parent_reference = parent.reference if parent is not None and template.records == "review-outcome" else None
    publishable = template.records in ("response", "review-outcome")
    post = ThreadPost(text="\n".join(lines), reference=reference,
                      actions=[Action(DISCLOSURE_ACTION, "Disclosure-log version", f"{reference} v{draft_number}")]
                      if publishable else [])
    refresh = [reference] + ([parent_reference] if parent_reference else [])
    settled = [Settled({"draft_approval": draft_id}, f":outbox_tray: Marked as sent by {mention(user)}")]
    return Reply(text=lines[0].replace(":outbox_tray: ", ""), thread_posts=[post], refresh_cards=refresh,
                 settled=settled)


@command("sent", usage=SENT_USAGE,
         summary="Mark the approved letter as sent (default: on its letter date); records the response and opens the review window",
         example="/foi sent FOI2018/00739 2018-03-08", what="mark letters as sent")
def sent_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0] if args else None, SENT_USAGE)
    version, rest = _take_version(args[1:])
    today = _today(ctx, inv)
    sent_on: date | None = None
    for word in rest:
        if looks_like_date(word) and sent_on is None:
            sent_on = parse_date(word, what="date sent", today=today, usage=SENT_USAGE)
        else:
            raise CommandError(f"`{word}` is not a date (YYYY-MM-DD) or a version (v2).", usage=SENT_USAGE)
    return mark_sent(ctx, reference, version=version, user=inv.user, now=inv.now, sent_on=sent_on, today=today)


@dataclass
class ExportedLetter:
    """A case's letter for `foi-bot draft`: its text, template, version (None for a fresh render), date, the
    files to write beside it (annexes) and the drafter's warnings."""

    reference: str
    subject: str
    text: str
    template: str
    version: int | None
    letter_date: date
    annexes: list[Attachment]
    warnings: list[str]


def letter_for_export(ctx: CommandContext, reference: str, *, template_name: str | None, today: date,
                      letter_date: date | None = None) -> ExportedLetter:
    """The current version's text (with any hand edits), unless a template or a date is given: then a fresh
    render of that letter (or of the current one's template) dated ``letter_date``, else the response date,
    else today."""
    with session_scope(ctx.engine) as session:
        case = _load(session, reference, "foi-bot draft REF")
        draft = latest_draft(session, case.id)
        if template_name is None and letter_date is None and draft is not None:
            meta = draft_meta(session, draft)
            when = date.fromisoformat(meta["letter_date"]) if meta.get("letter_date") else today
            return ExportedLetter(case.reference, case.subject, draft.text, draft.template, draft.version, when,
                                  annex_attachments(session, ctx, case, letter_date=when), [])
        if template_name:
            template = find_template(template_name)
        elif draft is not None and draft.template in CATALOGUE:
            template = CATALOGUE[draft.template]
        else:
            template = default_template(case)
        if template is None:
            raise CommandError(f"`{template_name}` is not a letter template: {templates_list(case.regime)}.")
        when = letter_date or case.responded or today
        if when > today:
            raise CommandError(f"The letter date {when.isoformat()} is in the future.")
        text, built = render_case_letter(session, ctx, case, template, letter_date=when, options={})
        return ExportedLetter(case.reference, case.subject, text, template.name, None, when,
                              annex_attachments(session, ctx, case, letter_date=when), built.warnings)
