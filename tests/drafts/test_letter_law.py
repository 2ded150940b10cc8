"""Each statutory paragraph of the letters, read as an FOI officer reads it: neither confirm nor deny, extension
notices, the cost limit with its estimate and advice, FOISA review rights, each exemption's own description and
public-interest factors, EIR wording, provisions in force on the letter's date, and one date style per letter."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from commands.rules.clock import ClockFacts
from commands.rules.letters import exemptions
from commands.rules.letters.catalogue import CATALOGUE
from commands.rules.letters.context import LetterInputs, build_context
from commands.rules.letters.cost_estimate import read_estimate
from commands.rules.letters.exemption_list import EXEMPTIONS
from commands.rules.letters.organisation import load_profile, profile_problems
from commands.rules.letters.render import open_markers, render_letter
from tests.drafts.conftest import SEED_QUESTIONS, SEED_REQUEST, TEST_PROFILE

PROFILE = load_profile(TEST_PROFILE)
RECEIVED = date(2018, 2, 9)
BEFORE_2018_REFORM = date(2018, 3, 8)
AFTER_2018_REFORM = date(2018, 6, 20)
HOURS = "1,144 records at 3 minutes each = 57 hours"
ADVICE = "If you ask only for the total number of Outcome 21s, we can answer within the limit."


def build(template: str, regime: str = "foia", *, exemptions_: tuple = (), answers: dict | None = None,
          letter_date: date = BEFORE_2018_REFORM, received: date = RECEIVED, profile=PROFILE, **changes):
    inputs = LetterInputs(template=template, regime=regime, reference="FOI2018/00739", received=received,
                          request_text=SEED_REQUEST, letter_date=letter_date,
                          facts=ClockFacts(regime=regime, received=received), questions=SEED_QUESTIONS,
                          answers=answers or {}, exemptions=list(exemptions_), review_requested=date(2018, 3, 20))
    return build_context(replace(inputs, **changes), profile)


def render(template: str, regime: str = "foia", **kwargs) -> str:
    built = build(template, regime, **kwargs)
    return render_letter(template, built.context)


def paragraph(text: str, start: str) -> str:
    """The paragraph of the letter that begins with ``start``."""
    for block in text.split("\n\n"):
        if block.startswith(start):
            return block.strip()
    raise AssertionError(f"no paragraph starting {start!r} in:\n{text}")


# -- neither confirm nor deny ---------------------------------------------------------------------------------


def test_ncnd_explains_the_duty_to_confirm_or_deny_and_why_confirming_would_itself_harm() -> None:
    text = render("ncnd", exemptions_=[("s31(1)(a)", ""), ("s30(1)", "")], letter_date=AFTER_2018_REFORM)
    duty = paragraph(text, "Section 1(1)(a) of the Freedom of Information Act 2000 places a duty")
    assert "the duty to confirm or deny" in duty
    assert "neither confirms nor denies whether it holds the information you have requested, by virtue of " \
           "section 31(3) and section 30(3) of the Act" in duty
    law_enforcement = paragraph(text, "Confirming or denying whether the information is held would itself reveal "
                                      "whether the force has, or has not, taken an interest")
    assert "prejudice the prevention and detection of crime" in law_enforcement
    investigations = paragraph(text, "Confirming or denying whether the information is held would itself reveal "
                                     "whether or not the force has conducted")
    assert "an investigation" in investigations


def test_the_ncnd_public_interest_test_is_about_confirming_or_denying_not_disclosure() -> None:
    text = render("ncnd", exemptions_=[("s31(3)", "")], letter_date=AFTER_2018_REFORM)
    test = paragraph(text, "Section 31(3) is qualified, so we have considered whether the public interest in "
                           "maintaining the exclusion of the duty to confirm or deny outweighs the public interest "
                           "in confirming or denying")
    assert "not about disclosing any information" in test
    assert "Factors favouring confirming or denying:" in text and "Factors favouring neither confirming nor denying:" in text
    assert paragraph(text, "Having weighed these factors").endswith(
        "outweighs the public interest in confirming or denying whether the information is held (section 2(1)(b)).")
    assert "public interest in disclosure" not in text and "Factors favouring disclosure" not in text
    assert "Section 31(1)" not in text  # the NCND letter explains s.31(3), not the exemption from disclosure


def test_personal_data_ncnd_cites_the_provision_in_force_on_the_letters_date() -> None:
    after = render("ncnd", exemptions_=[("s40(2)", "")], letter_date=AFTER_2018_REFORM)
    assert "by virtue of section 40(5B)(a)(i) of the Act" in after
    personal = paragraph(after, "Confirming or denying whether the information is held would itself disclose "
                                "personal data about an identifiable individual")
    assert "contravene the principle of lawful, fair and transparent processing (Article 5(1)(a) of the GDPR)" in personal
    assert "Section 40(5B)(a)(i) is absolute: there is no public interest test." in after
    before = render("ncnd", exemptions_=[("s40(2)", "")], letter_date=BEFORE_2018_REFORM)
    assert "section 40(5)(b)(i)" in before and "40(5B)" not in before
    assert "the first data protection principle (Schedule 1 to the Data Protection Act 1998)" in before
    uk_gdpr = render("ncnd", exemptions_=[("s40(2)", "")], letter_date=date(2021, 3, 1), received=date(2021, 2, 1))
    assert "Article 5(1)(a) of the UK GDPR" in uk_gdpr
    eir = render("ncnd", "eir", exemptions_=[("13", "")], letter_date=AFTER_2018_REFORM)
    assert "regulation 13(5A)" in eir
    assert "regulation 13(5)(a)" in render("ncnd", "eir", exemptions_=[("13", "")], letter_date=BEFORE_2018_REFORM)


def test_sections_23_5_and_24_2_are_cited_in_the_alternative() -> None:
    text = render("ncnd", exemptions_=[("s23(5)", ""), ("s24(2)", "")])
    assert "by virtue of section 23(5) or, in the alternative, section 24(2) of the Act" in text
    assert "Sections 23(5) and 24(2) are cited in the alternative: to say which of them applies would itself " \
           "reveal whether any of the security bodies" in text
    assert "Section 23(5) is absolute: there is no public interest test." in text
    assert "Section 24(2) is qualified" in text  # s.24(2) has its public interest test about confirming or denying


def test_eir_and_foisa_ncnd_have_their_own_law() -> None:
    eir = render("ncnd", "eir", exemptions_=[("12(5)(a)", "")])
    assert "as regulation 12(6) of the Regulations allows" in eir
    assert "would not be in the public interest (regulation 12(6))" in eir
    foisa = render("ncnd", "foisa", exemptions_=[("s35(1)(a)", "")])
    assert "it could be exempt under section 35(1)(a), and revealing whether it exists or is held would be " \
           "contrary to the public interest" in foisa
    assert "would be contrary to the public interest (section 18(1)(a))" in foisa


# -- extension notices --------------------------------------------------------------------------------------


def test_an_extension_notice_carries_the_review_and_complaint_rights_of_section_17_7() -> None:
    text = render("extension", exemptions_=[("s31(1)(a)", "")], letter_date=date(2018, 3, 1))
    assert "This letter is a notice under section 17(1) and (2) of the Act: we have not yet reached a decision on " \
           "the balance of the public interest, and we estimate that we will reach one and respond to you by 11th " \
           "April 2018." in text
    assert paragraph(text, PROFILE.review_paragraph).endswith("Your request for a review should reach us by 1st May 2018.")
    assert "Information Commissioner" in text and "https://ico.org.uk/concerns/" in text
    assert "Section 31(1) exempts information not covered by section 30" in text  # s.17(1)(c): why it applies
    assert "notice is late" not in text


def test_a_late_extension_notice_warns_the_drafter_and_apologises() -> None:
    built = build("extension", exemptions_=[("s31(1)(a)", "")], letter_date=date(2018, 3, 13))
    assert any(w.startswith("Late: this notice had to be given within 20 working days of receipt, by 9 March 2018 "
                            "(section 17(1) and (2)); dated 13 March 2018 it is 2 working days late") for w in built.warnings)
    text = render_letter("extension", built.context)
    assert paragraph(text, "We apologise that this notice is late").endswith("that is by 9th March 2018.")
    on_time = build("extension", exemptions_=[("s31(1)(a)", "")], letter_date=date(2018, 3, 9))
    assert not any(w.startswith("Late") for w in on_time.warnings)
    eir = build("extension", "eir", letter_date=date(2018, 3, 13))
    assert any("(regulation 7(3))" in w for w in eir.warnings)


# -- the cost limit -----------------------------------------------------------------------------------------


def test_a_part_refusal_states_the_estimate_and_gives_advice_and_assistance() -> None:
    answers = {"1": "88", "2": "We cannot provide this within cost.", "hours": HOURS, "advice": ADVICE}
    text = render("response", exemptions_=[("s12", "2"), ("s12", "3"), ("s12", "4")], answers=answers)
    cost = paragraph(text, "Identification of the information requested at Q2, Q3 and Q4 would exceed the cost "
                           "limit of 18 hours")
    assert "We estimate that providing it would take 57 hours: 1,144 records at 3 minutes each = 57 hours. This " \
           "exceeds the limit of 18 hours." in cost
    assert "notice under section 17(5) of the Act" in cost
    assert paragraph(text, "Under section 16 of the Act we have a duty to provide advice and assistance.").endswith(ADVICE)
    assert text.index("## Response") < text.index("## Advice and assistance") < text.index("Yours sincerely")


def test_a_cost_limit_letter_cannot_be_approved_without_the_estimate_and_the_advice() -> None:
    for template, exemptions_ in (("cost-limit", ()), ("response", (("s12", "2"),))):
        answers = {"1": "88", "2": "x", "3": "y", "4": "z"}
        assert {"hours", "advice"} <= set(open_markers(render(template, exemptions_=exemptions_, answers=answers)))
        complete = render(template, exemptions_=exemptions_, answers={**answers, "hours": HOURS, "advice": ADVICE})
        assert "hours" not in open_markers(complete) and "advice" not in open_markers(complete)


def test_the_estimate_is_checked() -> None:
    assert read_estimate(HOURS, limit_hours=18).problems == ()
    wrong = read_estimate("1,144 records at 3 minutes each = 80 hours", limit_hours=18)
    assert wrong.problems == ("the estimate says 80 hours, but its activities add up to 57.2 hours",)
    under = read_estimate("100 records at 3 minutes each = 5 hours", limit_hours=18)
    assert "does not exceed the limit of 18 hours" in under.problems[0]
    bare = read_estimate("150", limit_hours=18)
    assert bare.hours == 150 and "not the activities" in bare.problems[0]
    two = read_estimate("622 reports at 5 minutes each and 76 files at 1 hour each", limit_hours=18)
    assert round(two.hours or 0, 1) == 127.8 and two.problems == ()
    built = build("cost-limit", answers={"hours": "1,144 records at 3 minutes each = 80 hours", "advice": ADVICE})
    assert any("add up to 57.2 hours" in w for w in built.warnings)


def test_foisa_uses_its_own_limit_and_advice_section() -> None:
    text = render("cost-limit", "foisa", answers={"hours": HOURS, "advice": ADVICE})
    assert "That amount is £600, with staff time counted at no more than £15 an hour, which represents 40 hours" in text
    assert "does not include the time spent deciding whether the information is held" in text
    assert "exceeds the limit of 40 hours" in text and "18 hours" not in text
    assert "Under section 15 of FOISA we have a duty to provide advice and assistance." in text
    eir = render("cost-limit", "eir", answers={"hours": HOURS, "advice": ADVICE})
    assert "manifestly unreasonable under regulation 12(4)(b)" in eir
    assert "Under regulation 9 of the Regulations we have a duty to provide advice and assistance." in eir


# -- FOISA rights -------------------------------------------------------------------------------------------


def test_a_foisa_review_outcome_gives_the_commissioner_and_the_court_of_session() -> None:
    text = render("review-outcome", "foisa", answers={"outcome": "upheld"})
    rights = paragraph(text, "This letter is our notice of the outcome of your requirement for review (section 21(5)")
    assert "you have the right to apply to the Scottish Information Commissioner for a decision under section 47(1) " \
           "of FOISA. You must apply within six months of receiving this review response (section 47(4)(b))." in rights
    assert paragraph(text, "Should you or Hertfordshire Constabulary then wish to appeal").endswith(
        "there is a right of appeal to the Court of Session on a point of law only (section 56 of FOISA).")
    assert "Information Commissioner's Office" not in text
    response = render("refusal", "foisa", exemptions_=[("s35(1)(a)", "")])
    assert "Court of Session on a point of law only (section 56 of FOISA)" in response  # FOISA s.19


# -- exemptions ---------------------------------------------------------------------------------------------


def test_each_exemption_has_its_own_description_and_public_interest_factors() -> None:
    text = render("refusal", exemptions_=[("s31(1)(a)", ""), ("s30(1)(a)", ""), ("s43(2)", "")])
    blocks = {name: text[text.index(f"### Section {name}"):] for name in ("31(1)(a)", "30(1)(a)", "43(2)")}
    assert "prejudice-based qualified exemption" in blocks["31(1)(a)"].split("###")[1]
    assert "class-based qualified exemption" in blocks["30(1)(a)"].split("###")[1]
    factors = [re.findall(r"^- (.+)$", block.split("###")[1], re.M) for block in blocks.values()]
    assert all(len(f) >= 2 for f in factors) and len({tuple(f) for f in factors}) == 3  # no shared boilerplate
    assert "Witnesses, victims and informants must be confident" in blocks["30(1)(a)"]
    assert "value for money" in blocks["43(2)"].split("###")[1]
    for regime, known in EXEMPTIONS.items():
        qualified = [e for e in known.values() if e.kind == "qualified"]
        assert all(e.for_disclosure and e.against for e in qualified), regime
        assert len({e.against for e in qualified}) == len(qualified), regime


def test_section_24_and_eir_12_4_b_are_not_class_based() -> None:
    s24 = EXEMPTIONS["foia"]["24"].nature_on(BEFORE_2018_REFORM)
    assert "required – that is, reasonably necessary – for the purpose of safeguarding national security" in s24
    assert "it is neither class-based nor prejudice-based" in s24
    reg = EXEMPTIONS["eir"]["12(4)(b)"].nature_on(BEFORE_2018_REFORM)
    assert "class-based" not in reg and "presumption in favour of disclosure (regulation 12(2))" in reg
    assert "class-based" not in EXEMPTIONS["foia"]["38"].nature and "endanger" in EXEMPTIONS["foia"]["38"].nature


@pytest.mark.parametrize("name", [n for n, t in CATALOGUE.items() if "eir" in t.regimes])
def test_eir_letters_say_excepted_and_exception_never_exempt(name: str) -> None:
    answers = {"1": "88", "2": "x", "3": "y", "4": "z", "hours": HOURS, "advice": ADVICE, "outcome": "upheld",
               "fee": "25", "clarify": "Which year?"}
    text = render(name, "eir", exemptions_=[("12(5)(b)", ""), ("13", "4a"), ("12(5)(a)", "")], answers=answers)
    assert not re.search(r"\bexempt", text, re.IGNORECASE), name
    if name in ("refusal", "response"):
        assert "excepted" in text or "exception" in text


def test_provisions_are_cited_only_where_in_force_on_the_letters_date() -> None:
    before = build("refusal", exemptions_=[("s22A", "")], letter_date=date(2014, 9, 30), received=date(2014, 9, 1))
    assert any("s.22A was not in force on 30 September 2014" in w for w in before.warnings)
    assert "22A" not in render_letter("refusal", before.context)
    after = render("refusal", exemptions_=[("s22A", "")], letter_date=date(2015, 1, 5), received=date(2014, 12, 1))
    assert "### Section 22A – Research" in after
    queen = render("refusal", exemptions_=[("s37", "")], letter_date=date(2021, 3, 1), received=date(2021, 2, 1))
    king = render("refusal", exemptions_=[("s37", "")], letter_date=date(2023, 3, 1), received=date(2023, 2, 1))
    assert "Communications with Her Majesty" in queen and "Communications with His Majesty" in king


def test_an_ncnd_provision_typed_on_its_own_finds_its_exemption() -> None:
    assert exemptions.find("foia", "s31(3)")[0] is EXEMPTIONS["foia"]["31"]
    assert exemptions.find("foia", "s40(5B)")[0] is EXEMPTIONS["foia"]["40(2)"]
    assert exemptions.find("eir", "reg 12(6)")[0] is EXEMPTIONS["eir"]["12(5)(a)"]
    with pytest.raises(exemptions.UnknownExemption):
        exemptions.find("eir", "s12")


# -- dates and the profile ------------------------------------------------------------------------------------


def test_one_date_style_throughout_a_letter() -> None:
    ordinal = render("acknowledgement")
    assert "8th March 2018" in ordinal and "9th February 2018" in ordinal and "respond by 9th March 2018" in ordinal
    plain_profile = PROFILE.model_copy(update={"date_style": "plain"})
    plain = render("response", profile=plain_profile, answers={"1": "1", "2": "2", "3": "3", "4": "4"})
    assert "8 March 2018" in plain and "received on 9 February 2018" in plain and "reach us by 8 May 2018" in plain
    assert not re.search(r"\d(st|nd|rd|th) [A-Z][a-z]+ \d{4}", plain)


def test_the_example_profile_marks_every_letter_and_says_what_is_missing() -> None:
    from commands.rules.letters.organisation import DEFAULT_PROFILE_PATH

    example = load_profile(DEFAULT_PROFILE_PATH)
    problems = profile_problems(example)
    assert any("shipped example" in p for p in problems) and any(p.startswith("name:") for p in problems)
    built = build("acknowledgement", profile=example)
    text = render_letter("acknowledgement", built.context)
    assert text.startswith("[EXAMPLE PROFILE: not for sending")
    assert any(w.startswith("EXAMPLE PROFILE") for w in built.warnings)
    assert profile_problems(PROFILE) == []
    blank = PROFILE.model_copy(update={"telephone": " ", "address": []})
    assert profile_problems(blank) == ["telephone: empty", "address: empty"]
