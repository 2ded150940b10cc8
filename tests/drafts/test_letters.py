"""The pure letter layer: every template under every regime it applies to, the profile's fields by name, the
seed letter's shape, British dates, the exemptions list, and the letter's Markdown, text, Slack and Word forms."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from docx import Document

from commands.rules.clock import ClockFacts
from commands.rules.letters import exemptions
from commands.rules.letters.catalogue import CATALOGUE, find_template
from commands.rules.letters.context import LetterInputs, build_context, question_key, question_keys
from commands.rules.letters.docx_letter import letter_to_docx
from commands.rules.letters.exemption_list import EXEMPTIONS as KNOWN
from commands.rules.letters.law import cost_limit
from commands.rules.letters.organisation import DEFAULT_PROFILE_PATH, OrganisationProfile, load_profile
from commands.rules.letters.render import LetterError, open_markers, render_letter, tidy
from commands.rules.letters.text_forms import (
    blocks,
    fence_tables,
    split_messages,
    split_sections,
    summarise_changes,
    table_rows,
    to_markdown,
    to_plain_text,
    to_slack_mrkdwn,
)
from commands.rules.letters.wording import long_date, ordinal_date
from commands.rules.result_table import table_lines
from tests.drafts.conftest import Q2_COST, Q3_COST, SEED_QUESTIONS, SEED_REQUEST, TEST_PROFILE

PROFILE = load_profile(TEST_PROFILE)
EXAMPLE = load_profile(DEFAULT_PROFILE_PATH)
RECEIVED = date(2018, 2, 9)
LETTER = date(2018, 3, 8)
EXEMPTIONS = {"foia": [("s31(1)(a)", ""), ("s40(2)", "4a")], "eir": [("reg 12(5)(a)", ""), ("13", "")],
              "foisa": [("s35", ""), ("38(1)(b)", "")], "sar": []}
NOTES = {"hours": "5,000 records at 2 minutes each = 167 hours", "advice": "You could ask for one year only.", "fee": "25.50", "clarify": "Which years do you mean?", "outcome": "upheld",
         "findings": "The original decision was correct.", "reasons": "The records are held as free text."}


def inputs(template: str, regime: str = "foia", **changes) -> LetterInputs:
    answers = {"1": "88", "2": Q2_COST, "3": Q3_COST, "4": "See above.", **NOTES}
    base = LetterInputs(
        template=template, regime=regime, reference="FOI2018/00739", received=RECEIVED, request_text=SEED_REQUEST,
        letter_date=LETTER, facts=ClockFacts(regime=regime, received=RECEIVED), questions=SEED_QUESTIONS,
        answers=answers, exemptions=EXEMPTIONS[regime], review_requested=date(2018, 3, 20),
        original_reference="FOI2018/00739")
    return replace(base, **changes)


def render(template: str, regime: str = "foia", profile: OrganisationProfile = PROFILE, **changes) -> str:
    built = build_context(inputs(template, regime, **changes), profile)
    return render_letter(template, built.context)


CASES = [(name, regime) for name, t in CATALOGUE.items() for regime in t.regimes]


@pytest.mark.parametrize(("name", "regime"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_every_template_renders_for_every_regime_it_applies_to(name: str, regime: str) -> None:
    text = render(name, regime)
    assert "FOI2018/00739" in text and "8th March 2018" in text
    assert text.startswith(PROFILE.signatory.name + "\n" + PROFILE.unit)
    assert "ANSWER NEEDED" not in text, text
    assert "  \n" not in text and "\n\n\n" not in text  # tidy: no trailing spaces, one blank line at most
    if regime == "foisa":
        assert "Information Commissioner's Office" not in text
        if CATALOGUE[name].records in ("response", "review-outcome"):
            assert "Scottish Information Commissioner" in text
    elif CATALOGUE[name].records in ("response", "review-outcome"):
        assert "0303 123 1113" in text and "Scottish" not in text
    if regime == "eir" and name not in ("acknowledgement",):
        assert "regulation" in text
    letter_to_docx(text)  # every letter also makes a Word file


def test_templates_refuse_regimes_they_do_not_apply_to() -> None:
    with pytest.raises(LetterError, match="does not apply to FOISA"):
        render_letter("extension", build_context(inputs("extension", "foisa"), PROFILE).context)
    assert find_template("s12") is CATALOGUE["cost-limit"] and find_template("nonsense") is None


@pytest.mark.parametrize("field", ["telephone", "email", "unit", "data_caveat", "sign_off"])
def test_a_profile_missing_a_field_fails_with_the_fields_name(field: str) -> None:
    context = build_context(inputs("response"), PROFILE).context
    org = dict(context["org"])
    del org[field]
    with pytest.raises(LetterError) as raised:
        render_letter("response", {**context, "org": org})
    assert raised.value.field == field and f"'{field}'" in str(raised.value)


def test_a_missing_regulator_field_and_a_missing_scottish_regulator_are_named() -> None:
    context = build_context(inputs("response"), PROFILE).context
    regulator = {k: v for k, v in context["regulator"].items() if k != "telephone"}
    with pytest.raises(LetterError, match="'telephone'"):
        render_letter("response", {**context, "regulator": regulator})
    english = PROFILE.model_copy(update={"scottish_regulator": None})
    with pytest.raises(LetterError, match="scottish_regulator"):
        build_context(inputs("response", "foisa"), english)


def test_an_older_profile_without_the_new_letter_fields_still_loads(tmp_path) -> None:
    text = DEFAULT_PROFILE_PATH.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines()
            if not line.startswith(("sign_off", "data_caveat", "payment_instructions", "review_paragraph_",
                                    "complaint_paragraph_foisa", "complaint_url"))]
    path = tmp_path / "old.toml"
    path.write_text("\n".join(kept), encoding="utf-8")
    profile = load_profile(path)
    assert profile.sign_off == "Yours sincerely" and profile.regulator.complaint_url == ""
    assert "website at https://ico.org.uk or contact" in render("response", profile=profile)  # the website


def test_the_seed_letter_in_the_seeds_order() -> None:
    """FOI2018/00739: reference, received date, the request quoted, cost limit, answers, caveat, review by
    8 May 2018 (two months from the 8 March letter), the ICO's details -- in the order the real letter has."""
    text = render("response", exemptions=[("s12", "2"), ("s12", "3"), ("s12", "4")],
                  answers={"1": "88", "2": Q2_COST, "3": Q3_COST, "hours": NOTES["hours"], "advice": NOTES["advice"]})
    order = [
        "Our Ref: FOI2018/00739",
        "REQUEST UNDER THE FREEDOM OF INFORMATION ACT 2000 Ref No: FOI2018/00739",
        "request for information received on 9th February 2018",
        "> 1. How many times in total has your force used Outcome 21?",
        "blind to the identity of the requestor",
        "would exceed the cost limit of 18 hours (£450 at £25 an hour)",
        "please see our response below",
        "## Response",
        "**Q1** – 88",
        "**Q2** – As detailed above, we cannot provide this figure within cost.",
        "was 622",
        "**Q4** – As detailed above, we cannot provide this information within the cost limit.",
        "un-audited snapshot",
        "Yours sincerely",
        "should reach us by 8th May 2018",
        "Information Commissioner",
        "https://ico.org.uk/concerns/",
        "0303 123 1113",
    ]
    positions = [text.index(piece) for piece in order]
    assert positions == sorted(positions)
    assert "Q2a" not in text  # the answer to Q2 covers its parts, as in the seed
    assert to_plain_text(text).count("Q1 – 88") == 1


def test_unanswered_questions_are_marked_and_parts_need_answers_of_their_own() -> None:
    text = render("response", answers={"1": "88"}, exemptions=[])
    assert open_markers(text) == ["Q2a", "Q2b", "Q3", "Q4a", "Q4b"]
    text = render("response", answers={"1": "88", "2a": "3", "2b": "0", "3": "5", "4": "7"}, exemptions=[])
    assert open_markers(text) == []
    assert text.index("**Q2a** – 3") < text.index("**Q2b** – 0") < text.index("**Q3** – 5")


def test_answers_for_questions_the_case_does_not_have_are_listed_after_the_others() -> None:
    single = [{"number": "1", "text": SEED_REQUEST, "parts": []}]
    text = render("response", questions=single, answers={"1": "88", "3": Q3_COST, "2": Q2_COST, **NOTES},
                  exemptions=[("s12", "4")])
    assert open_markers(text) == []
    assert text.index("**Q1**") < text.index("**Q2**") < text.index("**Q3**") < text.index("**Q4**")


def test_a_table_answer_stays_a_table_in_every_form() -> None:
    table = "\n".join(table_lines(["Offence", "Total"], [("Child-Distribute Indecent Photo", 358),
                                                       ("Child-Taking Indecent Photo", 12)], ("Total", 370)))
    text = render("response", answers={"1": "88", "2": f"The figures are:\n\n{table}", "3": "x", "4": "y"},
                  exemptions=[])
    assert f"```\n{table}\n```" in text  # kept verbatim, fenced
    kinds = [b.kind for b in blocks(text)]
    assert "table" in kinds
    rows = table_rows(table.splitlines())
    assert rows == [["Offence", "Total"], ["Child-Distribute Indecent Photo", "358"],
                    ["Child-Taking Indecent Photo", "12"], ["Total", "370"]]
    document = Document(io.BytesIO(letter_to_docx(text)))
    [docx_table] = document.tables
    assert [c.text for c in docx_table.rows[-1].cells] == ["Total", "370"]
    assert any(p.startswith("```") for p in to_slack_mrkdwn(text))
    assert "```" not in to_plain_text(text)
    assert fence_tables("a\tb\nc\td") == "```\na\tb\nc\td\n```"
    assert table_rows(["| a | b |", "|---|---|", "| 1 | 2 |"]) == [["a", "b"], ["1", "2"]]


def test_the_word_letter_has_the_letterhead_date_reference_and_headings() -> None:
    text = render("response")
    document = Document(io.BytesIO(letter_to_docx(text, title="FOI2018/00739 Response")))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    letterhead = paragraphs[0]
    assert letterhead.alignment == 2  # right
    assert letterhead.runs[0].bold and letterhead.runs[0].text == PROFILE.signatory.name
    assert "Telephone: 01234 842547" in letterhead.text
    assert paragraphs[1].text == "8th March 2018" and paragraphs[2].text == "Our Ref: FOI2018/00739"
    heading = next(p for p in paragraphs if p.text == "Response")
    assert heading.style.name == "Heading 1"
    quote = next(p for p in paragraphs if "How many times in total" in p.text)
    assert quote.runs[0].italic and quote.style.name == "List Number"
    answer = next(p for p in paragraphs if p.text.startswith("Q1 – 88"))
    assert answer.runs[0].bold and answer.runs[0].text == "Q1"
    assert document.core_properties.title == "FOI2018/00739 Response"


def test_markdown_keeps_the_letterhead_on_separate_lines() -> None:
    markdown = to_markdown(render("acknowledgement"))
    assert f"{PROFILE.signatory.name}  \n{PROFILE.unit}  \n" in markdown
    assert "## REQUEST UNDER" in markdown


def test_british_dates() -> None:
    assert ordinal_date(date(2018, 2, 9)) == "9th February 2018"
    assert [ordinal_date(date(2018, 3, d)).split()[0] for d in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]
    assert long_date(date(2018, 5, 8)) == "8 May 2018"
    assert long_date("[ANSWER NEEDED: x]") == "[ANSWER NEEDED: x]"


def test_dates_come_from_the_clock() -> None:
    fees = render("fees-notice")
    assert "that is by 7th June 2018" in fees  # three months beginning with 8 March 2018 (FOIA s.9(2))
    # 60 working days after the notice (EIR reg 8(5)), past Easter and the two May bank holidays.
    assert "60 working days after the date of this notice (regulation 8(5)), that is by 7th June 2018" in render(
        "fees-notice", "eir")
    assert "respond by 9th March 2018" in render("acknowledgement")
    assert "respond to you by 11th April 2018" in render("extension", letter_date=date(2018, 3, 1))
    extended = build_context(inputs("extension", extended_until=date(2018, 3, 30)), PROFILE)
    assert extended.extended_until == date(2018, 3, 30)
    review = render("review-acknowledgement")
    assert "by 19th April 2018 (20 working days)" in review and "no later than 18th May 2018" in review  # Easter skipped
    assert "that is by 18th April 2018" in render("review-acknowledgement", "foisa")  # no Easter Monday in Scotland
    assert "should reach us by 8th May 2018" in render("response")
    assert "should reach us by 8th May 2018" in render("refusal")


def test_cost_limits_follow_the_authority_type_and_the_regime() -> None:
    central = PROFILE.model_copy(update={"authority_type": "central-government"})
    assert "exceeds the limit of 24 hours" in render("cost-limit", profile=central)
    assert "£600, which represents 24 hours" in render("cost-limit", profile=central)
    assert "£450, which represents 18 hours" in render("cost-limit")
    assert cost_limit("foisa", 450, 18).hours == 40  # £600 at £15 an hour (Scottish Fees Regulations)
    eir = render("cost-limit", "eir")
    assert "manifestly unreasonable under regulation 12(4)(b)" in eir and "regulation 9" in eir
    assert "would take 167 hours: 5,000 records at 2 minutes each = 167 hours." in render("cost-limit")
    assert open_markers(render("cost-limit", answers={})) == ["hours", "advice"]


def test_refusal_explains_each_exemption_and_the_public_interest() -> None:
    text = render("refusal")
    assert "### Section 31(1)(a) – Law enforcement" in text and "Section 31(1)(a) is a prejudice-based qualified exemption" in text
    assert "### Section 40(2) – Personal information (third parties) (Q4a)" in text
    assert text.count("**Public interest test**") == 1  # s.40(2) is absolute: no test
    assert "refusal notice under section 17(1)" in text
    custom = render("refusal", answers={**NOTES, "pit": "Our own balance of the arguments."})
    assert "Our own balance of the arguments." in custom and "Factors favouring" not in custom
    assert "[ANSWER NEEDED: exemption" in render("refusal", exemptions=[])


def test_neither_confirm_nor_deny_cites_the_ncnd_provisions() -> None:
    assert "by virtue of section 31(3) and section 40(5)(b)(i) of the Act" in render("ncnd")  # before 25 May 2018
    assert "regulation 12(6) and regulation 13(5)(a)" in render("ncnd", "eir")
    assert "given as section 18(1) allows" in render("ncnd", "foisa")


def test_review_outcome_words() -> None:
    assert "has upheld the original decision in part" in render("review-outcome", answers={"outcome": "partly"})
    built = build_context(inputs("review-outcome", answers={"outcome": "Not upheld"}), PROFILE)
    assert built.outcome == "overturned"
    assert "within six months" in render("review-outcome", "foisa")


def test_exemptions_are_read_as_people_type_them() -> None:
    assert exemptions.canonical("S.40 (2)") == "40(2)"
    assert exemptions.canonical("reg 12(4)a") == "12(4)(a)"
    assert exemptions.find("foia", "section 40(2)")[1] == "40(2)"
    assert exemptions.find("foia", "s31(1)(a)(b)") == (KNOWN["foia"]["31"], "31(1)(a)(b)")
    assert exemptions.find("eir", "Regulation 12(5)(b)")[0].title == "The course of justice and inquiries"
    assert exemptions.find("foisa", "s38(1)(b)")[0].kind == "absolute"
    assert exemptions.find("foia", "22a")[1] == "22A"
    with pytest.raises(exemptions.UnknownExemption) as raised:
        exemptions.find("foia", "s40")
    assert [e.section for e in raised.value.suggestions][:2] == ["40(1)", "40(2)"]
    with pytest.raises(exemptions.UnknownExemption):
        exemptions.find("eir", "s40(2)")
    assert exemptions.find("foia", "s30")[0].needs_public_interest_test
    assert not exemptions.find("foia", "s21")[0].ncnd


def test_question_keys() -> None:
    assert [question_key(w) for w in ("Q1", "2a", "2(a)", "q 4.b", "question 3", "x", "1-2")] == [
        "1", "2a", "2a", "4b", "3", None, None]
    assert question_keys(SEED_QUESTIONS) == ["1", "2", "2a", "2b", "3", "4", "4a", "4b"]


def test_slack_forms_stay_inside_slacks_limits() -> None:
    long_answer = "\n".join(f"Line {i} " + "x" * 80 for i in range(600))
    text = render("response", answers={"1": long_answer, "2": "a", "3": "b", "4": "c"}, exemptions=[])
    sections = split_sections(to_slack_mrkdwn(text))
    assert all(len(s) <= 2900 for s in sections)
    messages = split_messages(sections)
    assert len(messages) > 1 and all(len(m) <= 40 and sum(map(len, m)) <= 11000 for m in messages)
    mrkdwn = "\n".join(to_slack_mrkdwn(render("response", answers={"1": "x < y & z", "2": "a", "3": "b", "4": "c"})))
    assert "<https://ico.org.uk/concerns/>" in mrkdwn and "x &lt; y &amp; z" in mrkdwn


def test_change_summary() -> None:
    before = render("response", answers={"1": "88"})
    after = render("response", answers={"1": "88", "3": Q3_COST})
    summary = summarise_changes(before, after)
    assert summary.startswith("1 line added, 1 removed: + Q3 – As detailed above") and "− Q3 – [ANSWER NEEDED: Q3]" in summary
    assert summarise_changes(before, before) == "No change to the text."


def test_tidy() -> None:
    assert tidy("a  \n\n\n\nb\n```\n\n\n```\n\n") == "a\n\nb\n```\n\n\n```\n"
