"""A Welsh request: the draft says a Welsh reply is due (Welsh Language Standards), uses the organisation's
Welsh template when FOI_TEMPLATE_DIR has one (`*.cy.md.j2`), and approval warns when the letter is English."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.runtime import build_context
from storage.cases import get_case
from storage.db import session_scope
from tests.conftest import run
from tests.drafts.conftest import APPROVER, DRAFTER, make_case

NOW = datetime(2018, 3, 8, 10, 0, tzinfo=timezone.utc)
ONE_QUESTION = [{"number": "1", "text": "Faint o weithiau?", "parts": []}]


def test_new_with_language_cy_marks_the_case_welsh(dctx) -> None:
    reply = run(dctx, "new Please tell me how many speed cameras you have language=cy received:2018-02-09", now=NOW)
    assert not reply.is_error, reply.text
    with session_scope(dctx.engine) as session:
        case = get_case(session, "FOI2018/00001")
        assert case.language == "cy" and "language=cy" not in case.request_text


def test_an_english_letter_for_a_welsh_request_warns(dctx) -> None:
    reference = make_case(dctx, questions=ONE_QUESTION, language="cy")
    run(dctx, f"answer {reference} 1 3 camera", user=DRAFTER, now=NOW)
    posted = run(dctx, f"draft {reference} response date:2018-03-08", user=DRAFTER, now=NOW)
    header = posted.thread_posts[0].text.split("\n\n")[0]
    assert "the reply is due in Welsh" in header and "There is no Welsh template for this letter" in header
    approved = run(dctx, f"approve {reference}", user=APPROVER, now=NOW)
    assert not approved.is_error
    assert "the Welsh Language Standards require a reply in Welsh" in approved.text


@pytest.fixture
def welsh_templates(tmp_path: Path, approvers_env, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "response.cy.md.j2").write_text(
        '{% extends "_letter.md.j2" %}\n{% block heading %}CAIS O DAN DDEDDF RHYDDID GWYBODAETH 2000 Cyf: '
        "{{ case.reference }}{% endblock %}\n{% block body %}\nYmateb\n\n{% for item in items %}\n"
        "**{{ item.label }}** – {{ item.text }}\n\n{% endfor %}\n{% endblock %}\n", encoding="utf-8")
    monkeypatch.setenv("FOI_TEMPLATE_DIR", str(folder))
    context = build_context(load_settings())
    yield context
    context.engine.dispose()


def test_the_organisations_welsh_template_is_used(welsh_templates) -> None:
    ctx = welsh_templates
    reference = make_case(ctx, questions=ONE_QUESTION, language="cy")
    run(ctx, f"answer {reference} 1 3", user=DRAFTER, now=NOW)
    posted = run(ctx, f"draft {reference} response date:2018-03-08", user=DRAFTER, now=NOW)
    text = posted.thread_posts[0].text
    assert "## CAIS O DAN DDEDDF RHYDDID GWYBODAETH 2000 Cyf: FOI2018/00001" in text and "Ymateb" in text
    assert "This draft uses the organisation's Welsh template." in text
    approved = run(ctx, f"approve {reference}", user=APPROVER, now=NOW)
    assert not approved.is_error and "Welsh Language Standards" not in approved.text
    english = make_case(ctx, questions=ONE_QUESTION)
    run(ctx, f"answer {english} 1 3", user=DRAFTER, now=NOW)
    assert "## REQUEST UNDER THE FREEDOM OF INFORMATION ACT 2000" in run(
        ctx, f"draft {english} response date:2018-03-08", user=DRAFTER, now=NOW).thread_posts[0].text
