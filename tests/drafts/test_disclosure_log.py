"""The disclosure-log version: the sent letter without the requester's details or anything marked withheld,
through the pure rule and through `/foi disclosure` on a real database (Word, HTML, Markdown and the annexes
that may be published)."""

from __future__ import annotations

from datetime import datetime, timezone

from commands.rules.letters.disclosure_log import Requester, disclosure_log_text, for_requester
from tests.conftest import run
from tests.drafts.conftest import APPROVER, DRAFTER, make_case

NOW = datetime(2018, 3, 8, 10, 0, tzinfo=timezone.utc)
LETTER = """James Hodson
Information Rights
Telephone: 01234 842547
Email: foi@herts.pnn.police.uk

Sam Requester
12 Acacia Avenue, Hitchin
SG4 0AA

8th March 2018

Our Ref: FOI2018/00739

Dear Sam Requester

## REQUEST UNDER THE FREEDOM OF INFORMATION ACT 2000 Ref No: FOI2018/00739

> Please tell me how many times you used Outcome 21. Call me on 07700 900123 or sam@example.org.
> Regards, Sam Requester

**Q1** – 88 [withheld]as discussed with your solicitor[/withheld]

## Enclosures

- Annex A – Figures (FOI2018-00739-annex-A.xlsx)
- Annex B – Your correspondence (letter.pdf)

Yours sincerely
"""


def test_the_requesters_details_and_withheld_parts_are_removed() -> None:
    published = disclosure_log_text(
        LETTER, Requester("Sam Requester", "sam@example.org", "12 Acacia Avenue, Hitchin\nSG4 0AA"),
        organisation_contacts=["foi@herts.pnn.police.uk", "01234 842547"], withheld_annexes=["B"])
    assert "Sam Requester" not in published and "Acacia" not in published and "SG4 0AA" not in published
    assert "Dear" not in published
    assert "> Please tell me how many times you used Outcome 21. Call me on [telephone number removed] or " \
           "[email address removed]." in published
    assert "> Regards, [name removed]" in published
    assert "**Q1** – 88 [information withheld]" in published and "solicitor" not in published
    assert "- Annex A – Figures" in published and "Annex B" not in published
    assert "Telephone: 01234 842547" in published and "Email: foi@herts.pnn.police.uk" in published
    assert "8th March 2018\n\nOur Ref: FOI2018/00739\n\n## REQUEST" in published
    assert for_requester(LETTER).count("as discussed with your solicitor") == 1 and "[withheld]" not in for_requester(LETTER)


def test_disclosure_publishes_the_approved_letter_only(dctx) -> None:
    reference = make_case(dctx, questions=[{"number": "1", "text": "How many?", "parts": []}],
                          requester_name="Sam Requester", requester_email="sam@example.org")
    run(dctx, f"answer {reference} 1 88", user=DRAFTER, now=NOW)
    drafted = run(dctx, f"draft {reference} response date:2018-03-08", user=DRAFTER, now=NOW)
    letter = drafted.thread_posts[0].text
    assert "Sam Requester\nBy email: sam@example.org" in letter and "Dear Sam Requester" in letter
    refused = run(dctx, f"disclosure {reference}", user=DRAFTER, now=NOW)
    assert refused.is_error and "has no approved letter yet" in refused.text
    assert not run(dctx, f"approve {reference}", user=APPROVER, now=NOW).is_error
    sent = run(dctx, f"sent {reference}", user=DRAFTER, now=NOW)
    assert [a.label for a in sent.thread_posts[0].actions] == ["Disclosure-log version"]
    reply = run(dctx, f"disclosure {reference}", user=DRAFTER, now=NOW)
    files = {a.filename: a.content for a in reply.thread_posts[0].attachments}
    assert set(files) == {f"{reference.replace('/', '-')}-disclosure-log.{ext}" for ext in ("docx", "html", "md")}
    markdown = files[f"{reference.replace('/', '-')}-disclosure-log.md"].decode()
    assert "Sam Requester" not in markdown and "sam@example.org" not in markdown and "**Q1** – 88" in markdown
