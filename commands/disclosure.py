"""The disclosure-log version of a case's letter: `/foi disclosure REF`, the button after Mark as sent, and
`foi-bot draft REF --disclosure-log`.

Only an approved or sent letter is published: the version is the latest one approved (or sent), with the
requester's details and anything marked withheld removed (`commands.rules.letters.disclosure_log`), as Word,
HTML and Markdown, with the annexes that are not withheld.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from commands.base import Attachment, CommandContext, CommandError, Invocation, Reply, ThreadPost
from commands.enclosures import annex_attachments
from commands.registry import command
from commands.rules.letters.catalogue import CATALOGUE
from commands.rules.letters.disclosure_log import Requester, disclosure_log_text
from commands.rules.letters.html_letter import to_html
from commands.rules.letters.text_forms import to_markdown
from commands.words import parse_reference
from storage.annexes import annexes_for
from storage.cases import case_events, get_case, record_event
from storage.db import session_scope
from storage.models import Case, Draft

DISCLOSURE_USAGE = "/foi disclosure REF"
DISCLOSURE_ACTION = "draft_disclosure_log"
PUBLISHABLE = ("approved", "sent")


@dataclass
class PublishedLetter:
    reference: str
    version: int
    template: str
    text: str
    letter_date: date
    subject: str
    annexes: list[Attachment]


def _publishable(session: Session, case: Case) -> Draft | None:
    return session.exec(select(Draft).where(Draft.case_id == case.id, col(Draft.state).in_(PUBLISHABLE))
                        .order_by(col(Draft.version).desc()).limit(1)).first()


def published_letter(ctx: CommandContext, reference: str, *, today: date) -> PublishedLetter:
    """The letter as the disclosure log publishes it; CommandError when there is nothing approved yet."""
    profile = ctx.settings.profile
    with session_scope(ctx.engine) as session:
        case = get_case(session, reference)
        if case is None:
            raise CommandError(f"There is no case {reference}. Check the reference with `/foi list all`.",
                               usage=DISCLOSURE_USAGE)
        draft = _publishable(session, case)
        if draft is None:
            raise CommandError(f"{reference} has no approved letter yet: only an approved or sent letter goes on the "
                               "disclosure log.", usage=DISCLOSURE_USAGE)
        letter_date = today
        for event in case_events(session, case.id):
            if event.kind == "draft" and event.details.get("draft_id") == draft.id and event.details.get("letter_date"):
                letter_date = date.fromisoformat(event.details["letter_date"])
        withheld = [a.label for a in annexes_for(session, case.id) if not a.publish]
        contacts = [profile.email, profile.telephone, profile.regulator.email, profile.regulator.telephone]
        if profile.scottish_regulator is not None:
            contacts += [profile.scottish_regulator.email, profile.scottish_regulator.telephone]
        text = disclosure_log_text(
            draft.text, Requester(case.requester_name, case.requester_email, case.requester_address),
            organisation_contacts=[c for c in contacts if c], withheld_annexes=withheld)
        annexes = annex_attachments(session, ctx, case, letter_date=letter_date, published_only=True)
        return PublishedLetter(reference=case.reference, version=draft.version, template=draft.template, text=text,
                               letter_date=letter_date, subject=case.subject, annexes=annexes)


def published_files(ctx: CommandContext, letter: PublishedLetter) -> list[Attachment]:
    from commands.drafts import word_letter_for

    title = CATALOGUE[letter.template].title if letter.template in CATALOGUE else letter.template
    stem = f"{letter.reference.replace('/', '-')}-disclosure-log"
    page_title = f"{letter.reference} – {letter.subject or title}"
    return [
        Attachment(f"{stem}.docx", word_letter_for(ctx, letter.reference, letter.subject, letter.text,
                                                   template=letter.template, letter_date=letter.letter_date,
                                                   disclosure_log=True),
                   f"{letter.reference} disclosure-log version (Word)", "docx"),
        Attachment(f"{stem}.html", to_html(letter.text, title=page_title).encode("utf-8"),
                   f"{letter.reference} disclosure-log version (HTML)", "html"),
        Attachment(f"{stem}.md", to_markdown(letter.text).encode("utf-8"),
                   f"{letter.reference} disclosure-log version (Markdown)", "markdown"),
        *letter.annexes,
    ]


@command("disclosure", usage=DISCLOSURE_USAGE,
         summary="The disclosure-log version of the approved letter: requester's details and withheld parts removed",
         example="/foi disclosure FOI2018/00739", what="prepare disclosure-log versions")
def disclosure_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    reference = parse_reference(args[0].split()[0] if args else None, DISCLOSURE_USAGE)
    letter = published_letter(ctx, reference, today=inv.today(ctx.tz))
    files = published_files(ctx, letter)
    with session_scope(ctx.engine) as session:
        case = get_case(session, reference)
        if case is not None:
            record_event(session, case, actor=inv.user, kind="disclosure-log",
                         summary=f"Disclosure-log version of v{letter.version} made", details={"version": letter.version})
    post = ThreadPost(
        text=f":globe_with_meridians: Disclosure-log version of v{letter.version} of {reference}: the requester's "
             "details and anything marked withheld are removed. Check it before publishing.",
        reference=reference, attachments=files)
    return Reply(text=f"The disclosure-log version of {reference} is in the case thread.", thread_posts=[post])
