"""The request-text parser: real request and response texts from the shared corpus, the seed letter, and
small inline texts for each numbering style, date rule and failure mode, plus properties (hypothesis).

The corpus holds real requesters' names: tests compare against the files at run time and never spell a
name out, and a failing assertion about a name shows only True/False.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.rules.intake import (
    MAX_TEXT_CHARS,
    Question,
    RequestProposal,
    classify_follow_up,
    find_references,
    parse_request,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "data" / "foi-requests"
SEED = SHARED / "data" / "seed" / "000_4bf5935b852c0d74.txt"
TODAY = date(2026, 5, 1)
LONDON = ZoneInfo("Europe/London")
D = date


def parse(text: str, **options: object) -> RequestProposal:
    options.setdefault("today", TODAY)
    return parse_request(text, **options)  # type: ignore[arg-type]


def shape(questions: tuple[Question, ...]) -> list[object]:
    """Numbers only, nested: ``["1", ["2", ["a", "b"]]]`` for 1, 2(a, b)."""
    result: list[object] = []
    for question in questions:
        result.append([question.number, shape(question.parts)] if question.parts else question.number)
    return result


def periods(proposal: RequestProposal) -> list[tuple[date, date]]:
    return [(period.start, period.end) for period in proposal.periods]


def corpus_text(name: str) -> str:
    """A shared text without its SOURCE/.../--- header; the test is skipped when the corpus is absent."""
    matches = sorted(CORPUS.glob(f"{name}*.txt")) if CORPUS.exists() else []
    if not matches:
        pytest.skip(f"shared corpus text {name} not available under {CORPUS}")
    return strip_header(matches[0].read_text(encoding="utf-8"))


def strip_header(text: str) -> str:
    head, separator, body = text.partition("\n---\n")
    return body if separator and head.startswith("SOURCE:") else text


# -- the seed letter ---------------------------------------------------------------------------------------


def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed letter not available at {SEED}")
    return SEED.read_text(encoding="utf-8")


def test_seed_letter_quotes_four_questions_with_lettered_parts() -> None:
    proposal = parse(seed_text())
    assert shape(proposal.questions) == ["1", ["2", ["a", "b"]], "3", ["4", ["a", "b"]]]
    assert proposal.questions[0].text == "How many times in total has your force used Outcome 21?"
    assert proposal.questions[3].text == "Of those overall reports"
    assert proposal.questions[3].parts[1].text == "how many were by pupils aged 10 and under?"
    assert not any(q.inferred for q in proposal.questions)
    assert proposal.response_letter


def test_seed_letter_period_received_date_and_reference() -> None:
    proposal = parse(seed_text())
    assert periods(proposal) == [(D(2016, 1, 1), D(2017, 12, 31))]
    assert proposal.received is not None
    assert proposal.received.date == D(2018, 2, 9)  # "9th February", year from the letter dated 8 March 2018
    assert proposal.received.year_inferred and proposal.received.source == "phrase"
    assert [r.text for r in proposal.references] == ["FOI2018/00739"]
    assert proposal.references[0].own
    assert proposal.regime.regime == "foia"


def test_seed_letter_answers_and_signatory_are_not_read_as_request() -> None:
    text = seed_text()
    proposal = parse(text)
    assert proposal.requester is None  # "Yours sincerely" closes the force's reply, not the request
    every = " ".join(q.text for q in proposal.questions)
    assert "88" not in every and "Response" not in every
    assert classify_follow_up(text) is None  # the review-rights paragraph is not a review request


# -- the shared corpus ---------------------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt")) if CORPUS.exists() else []


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:2])
def test_every_corpus_text_parses_to_a_proposal(path: Path) -> None:
    text = strip_header(path.read_text(encoding="utf-8"))
    proposal = parse(text)
    assert not any("parser failed" in problem for problem in proposal.problems)
    json.dumps(proposal.as_json())
    for question in _walk(proposal.questions):
        assert 0 <= question.span.start <= question.span.end <= len(text)
        assert question.text


def test_corpus_is_present_or_skipped() -> None:
    if not corpus_files():
        pytest.skip(f"shared corpus not available at {CORPUS}")
    assert len(corpus_files()) >= 15


#: file prefix -> expected question numbering (nested lists for parts).
QUESTION_SHAPES = {
    "01_": ["1", "2", "3"],
    "02_": ["1"],
    "03_": ["1", "2", "3", "4", "5"],
    "05_": ["1", "2"],
    "06_": ["1"],
    "07_": ["1", "2", "3", "4", "5"],
    "09_": ["1"],
    "10_": ["1", "2"],
    "11_": [["1", ["a", "b"]]],
    "15_": ["1", "2", "3"],
    "18_": ["1"],
    "20_": ["1", "2", "3"],
    "21_": ["1"],
    "22_": ["1", "2"],  # two asks in one paragraph: a recording, and why the callers said what they said
    "23_": [["1", ["a", "b", "c", "d", "e", "f"]], "2", "3"],
    "25_": ["1", "2"],
    "27_": ["1", "2", "3", "4", "5", "6"],
    "29_": ["1", "2"],  # "How many ... prosecution? How many ... reported ...?"
    "30_": ["1", "2", "3", "4"],
    "32_": ["1", "2", "3"],
    "34_": ["1"],
    "35_": ["1"],
    "37_": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", ["12", ["a", "b", "c", "d"]]],
    "38_": ["1", "2"],
    "40_": ["1", ["2", list("abcdefghijkl")]],
}


@pytest.mark.parametrize("prefix", sorted(QUESTION_SHAPES))
def test_corpus_question_numbering(prefix: str) -> None:
    assert shape(parse(corpus_text(prefix)).questions) == QUESTION_SHAPES[prefix]


def test_inline_numbered_request_in_a_response_letter() -> None:
    proposal = parse(corpus_text("01_"))
    assert [q.label for q in proposal.questions] == ["1.", "2.", "3."]
    assert proposal.questions[2].text.endswith("in each of the last five years for which data is available?")
    assert proposal.preamble == (
        "This is a request for information under the Freedom of Information Act 2000",
    )


def test_requester_numbering_is_kept_and_flagged_when_inferred() -> None:
    assert [q.label for q in parse(corpus_text("20_")).questions] == ["Q1.", "Q2.", "Q3."]
    assert [q.label for q in parse(corpus_text("05_")).questions] == ["REQUEST 1:", "REQUEST 2:"]
    assert [q.label for q in parse(corpus_text("15_")).questions] == ["Request 1", "Request 2", "Request 3"]
    bullets = parse(corpus_text("07_"))
    assert all(q.inferred and q.label == "-" for q in bullets.questions) and bullets.numbering_inferred
    lettered = parse(corpus_text("23_")).questions[0].parts
    assert lettered[0].inferred and not any(part.inferred for part in lettered[1:])


def test_lead_ins_and_sections_stay_with_their_questions() -> None:
    questions = parse(corpus_text("03_")).questions
    assert questions[1].context is not None and questions[1].context.startswith("From these above offences")
    assert questions[3].context is not None and "time and cost" in questions[3].context
    sections = [q.section for q in parse(corpus_text("27_")).questions]
    assert sections == ["Released under investigation", None, None, "Pre-charge bail", None, None]


def test_parts_of_a_question_written_after_a_numbered_question() -> None:
    questions = parse(corpus_text("40_")).questions
    assert not questions[0].inferred and questions[1].inferred
    assert questions[1].parts[-1].text == "What was the gender of the offender?"


def test_formats_and_explanations_are_notes_not_questions() -> None:
    proposal = parse(corpus_text("35_"))
    assert any("Excel, CSV or PDF" in note for note in proposal.notes)
    assert "Excel" not in proposal.questions[0].text
    assert any(note.startswith("In case this is unclear") for note in parse(corpus_text("30_")).notes)


#: file prefix -> received date the text states.
RECEIVED = {
    "01_": D(2019, 9, 20),  # "received on 20th September", letter dated 15th October 2019
    "02_": D(2018, 7, 12),  # "received on 12th July", letter dated 9th August 2018
    "03_": D(2019, 9, 25),
    "16_": D(2024, 9, 3),  # year written out
    "21_": D(2023, 11, 15),  # the day the request was made, from a tribunal decision
    "22_": D(2022, 2, 13),
    "23_": D(2021, 6, 2),
    "27_": D(2021, 10, 5),  # "received on 5th October", year from the request's own dates
    "29_": D(2013, 10, 11),  # "received at this office on 11 October, 2013"
}


@pytest.mark.parametrize("prefix", sorted(RECEIVED))
def test_corpus_received_dates(prefix: str) -> None:
    received = parse(corpus_text(prefix)).received
    assert received is not None and received.date == RECEIVED[prefix]


def test_truncated_received_phrase_gives_no_date() -> None:
    assert parse(corpus_text("25_")).received is None  # "received 10th" and the text ends


@pytest.mark.parametrize("prefix", ["20_", "37_"])
def test_environmental_requests_are_eir(prefix: str) -> None:
    regime = parse(corpus_text(prefix)).regime
    assert regime.regime == "eir" and "environmental" in regime.reason and regime.confidence >= 0.6


@pytest.mark.parametrize("prefix", ["21_", "22_", "23_"])
def test_own_personal_data_requests_are_sar(prefix: str) -> None:
    regime = parse(corpus_text(prefix)).regime
    assert regime.regime == "sar" and "own personal data" in regime.reason


@pytest.mark.parametrize("prefix", ["01_", "05_", "07_", "27_", "34_", "35_", "40_"])
def test_police_statistics_requests_are_foia(prefix: str) -> None:
    assert parse(corpus_text(prefix)).regime.regime == "foia"


#: file prefix -> (reference text, own)
REFERENCES = {
    "01_": [("FOI2019/06094", True)],
    "02_": [("FOI2018/03793", True)],
    "05_": [("01.FOI.22.027454", True), ("22/026090", False)],
    "06_": [("20442", True)],
    "10_": [("1887A/23", False)],
    "15_": [("FOI/15358", True)],
    "16_": [("786-2024", True)],
    "17_": [("275/2023", True)],
    "29_": [("F-2013-01604", True)],
    "34_": [("FOI 1730525/23", True)],
    "35_": [("990-24", True)],
}


@pytest.mark.parametrize("prefix", sorted(REFERENCES))
def test_corpus_references(prefix: str) -> None:
    found = [(r.text, r.own) for r in parse(corpus_text(prefix)).references]
    assert found == REFERENCES[prefix]


def test_previous_request_is_a_reference_of_its_own_kind() -> None:
    kinds = {r.text: r.kind for r in parse(corpus_text("05_")).references}
    assert kinds == {"01.FOI.22.027454": "own", "22/026090": "previous_request"}


#: file prefix -> a period the request covers.
PERIODS = {
    "03_": (D(2018, 4, 1), D(2019, 3, 31)),
    "05_": (D(2019, 1, 1), D(2022, 7, 31)),  # "calendar years 2019, 2020, 2021, and 2022 (to July)"
    "06_": (D(2023, 1, 31), D(2024, 1, 30)),
    "07_": (D(2018, 1, 1), D(2021, 8, 31)),  # "2018, 2019, 2020, and 2021 through to end of August"
    "09_": (D(2024, 4, 1), D(2025, 3, 31)),
    "10_": (D(2021, 1, 1), D(2023, 12, 31)),
    "15_": (D(2020, 4, 1), D(2025, 3, 31)),  # financial years 2020/21, 21/22, ... 24/25
    "17_": (D(2018, 1, 1), D(2022, 12, 31)),  # "rhwng 2018 a 2022"
    "18_": (D(2022, 1, 1), D(2023, 12, 31)),
    "20_": (D(2014, 1, 1), D(2024, 12, 31)),
    "23_": (D(2020, 3, 1), D(2020, 9, 15)),
    "27_": (D(2018, 6, 1), D(2021, 8, 31)),  # "June 2018 up to and including August 2021"
    "30_": (D(2012, 4, 1), D(2013, 3, 31)),  # "2012-13"
    "32_": (D(2018, 1, 1), D(2018, 12, 5)),  # "1 Jan 2018 -- 5 Dec 2018"
    "35_": (D(2014, 1, 1), D(2024, 9, 30)),  # "between January 2014 and September 2024"
    "40_": (D(2014, 4, 1), D(2018, 3, 31)),  # "2014/15, 2015/16, 2016/17 and 2017/18"
}


@pytest.mark.parametrize("prefix", sorted(PERIODS))
def test_corpus_periods(prefix: str) -> None:
    assert PERIODS[prefix] in periods(parse(corpus_text(prefix)))


def test_relative_period_counts_back_from_the_received_date() -> None:
    proposal = parse(corpus_text("01_"))  # "in each of the last five years", received 20 September 2019
    assert periods(proposal) == [(D(2014, 9, 21), D(2019, 9, 20))]
    assert proposal.periods[0].relative


def test_open_period_ends_today_when_no_received_date() -> None:
    assert (D(2012, 4, 1), TODAY) in periods(parse(corpus_text("34_")))  # "2012/13-present day"
    assert (D(2016, 1, 1), TODAY) in periods(parse(corpus_text("39_")))  # "from January 2016 (or ...)"


@pytest.mark.parametrize("prefix", ["17_", "18_", "19_"])
def test_welsh_requests_are_detected_and_kept_verbatim(prefix: str) -> None:
    text = corpus_text(prefix)
    proposal = parse(text)
    assert proposal.language == "cy"
    assert proposal.questions and all(
        " ".join(q.text.split()[:3]) in " ".join(text.split()) for q in proposal.questions
    )


def test_response_letter_without_the_quoted_request_is_a_problem() -> None:
    proposal = parse(corpus_text("16_"))
    assert proposal.questions == () and proposal.response_letter
    assert any("response letter" in problem for problem in proposal.problems)


def test_requester_from_sign_offs_and_signatures_in_the_corpus() -> None:
    for prefix in ("21_", "25_", "27_"):
        text = corpus_text(prefix)
        requester = parse(text).requester
        found = requester is not None and bool(requester.name) and requester.name in text
        assert found, f"no requester name read from {prefix}"
        assert requester is not None and requester.personal_data
    # "Dear Ms ..." addresses the requester in a response letter, but a Dear line is never read as one.
    assert parse(corpus_text("29_")).requester is None


def test_follow_ups_in_the_corpus() -> None:
    assert parse(corpus_text("25_")).follow_up == "clarification"
    assert parse(corpus_text("23_")).follow_up is None  # a judgment's heading mentions an internal review


# -- numbering styles ---------------------------------------------------------------------------------------


STYLES = {
    "1.": ("1. How many arrests?\n2. How many charges?", ["1", "2"]),
    "1)": ("1) How many arrests?\n2) How many charges?", ["1", "2"]),
    "(1)": ("(1) How many arrests?\n(2) How many charges?", ["1", "2"]),
    "Q1": ("Q1 How many arrests?\nQ2. How many charges?\nQ3: How many cautions?", ["1", "2", "3"]),
    "Question 1": ("Question 1: How many arrests?\nQuestion 2 - How many charges?", ["1", "2"]),
    "Request 1:": ("Request 1: How many arrests?\nRequest 2: How many charges?", ["1", "2"]),
    "a)": ("a) How many arrests?\nb) How many charges?", ["a", "b"]),
    "(a)": ("(a) How many arrests?\n(b) How many charges?", ["a", "b"]),
    "a.": ("a. How many arrests?\nb. How many charges?", ["a", "b"]),
    "i/": ("i/ How many arrests?\nii/ How many charges?\niii/ How many cautions?", ["i", "ii", "iii"]),
    "(iv)": ("(i) How many?\n(ii) How much?\n(iii) Since when?\n(iv) Where?", ["i", "ii", "iii", "iv"]),
    "-": ("- How many arrests?\n- How many charges?", ["1", "2"]),
    "•": ("• How many arrests?\n• How many charges?", ["1", "2"]),
    "o": ("o How many arrests?\no How many charges?", ["1", "2"]),
    "**1.**": ("**1.** How many arrests?\n**2.** How many charges?", ["1", "2"]),
    "1.1": ("1.1 How many arrests?\n1.2 How many charges?", ["1.1", "1.2"]),
    "inline": ("Please tell me: 1. How many arrests? 2. How many charges?", ["1", "2"]),
}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_numbering_style(style: str) -> None:
    text, numbers = STYLES[style]
    questions = parse(text).questions
    assert shape(questions) == numbers
    assert all(q.text.endswith("?") and q.text[0] not in "-•o(*" for q in questions)


def test_bold_markers_are_not_part_of_the_text() -> None:
    questions = parse("**1.** How many arrests?**\n**2.** How many charges?").questions
    assert [q.text for q in questions] == ["How many arrests?", "How many charges?"]
    assert [q.label for q in questions] == ["1.", "2."]


def test_bullets_are_numbered_by_the_parser_and_flagged() -> None:
    questions = parse("Please provide the following:\n- number of arrests\n- number of charges").questions
    assert [(q.number, q.inferred, q.label) for q in questions] == [("1", True, "-"), ("2", True, "-")]


def test_nested_lists_one_to_a_to_i() -> None:
    text = (
        "1. How many arrests?\n"
        "   a) by age\n"
        "   b) by gender\n"
        "      i) male\n"
        "      ii) female\n"
        "2. How many charges?\n"
        "   a) by offence\n"
    )
    assert shape(parse(text).questions) == [["1", ["a", ["b", ["i", "ii"]]]], ["2", ["a"]]]


def test_letter_i_after_h_is_a_letter_not_a_roman_numeral() -> None:
    text = "Please provide:\n" + "\n".join(f"{c}) item {c}" for c in "abcdefghij")
    assert shape(parse(text).questions) == list("abcdefghij")


def test_bullets_under_a_numbered_question_are_its_parts() -> None:
    text = "1. Arrests in 2020\n - by age\n - by sex\n2. Charges in 2020"
    questions = parse(text).questions
    assert shape(questions) == [["1", ["a", "b"]], "2"]
    assert questions[0].parts[0].inferred and questions[0].parts[0].text == "by age"


def test_scraped_number_before_the_requesters_letter() -> None:
    questions = parse(
        "For 2015, please could you provide the number of\n\n  1. a) arrests\n  2. b) cautions\n"
    ).questions
    assert shape(questions) == [["1", ["a", "b"]]]
    assert questions[0].parts[0].label == "1. a)"


def test_unnumbered_paragraphs_are_questions_numbered_by_the_parser() -> None:
    text = (
        "Dear Sir/Madam,\n\n"
        "Under the Freedom of Information Act 2000 I would like to request the following information.\n\n"
        "How many police dogs does the force have?\n\n"
        "What did their training cost in 2023?\n\n"
        "Yours faithfully,\n"
        "Jane Example\n"
    )
    proposal = parse(text)
    assert [(q.number, q.text, q.inferred) for q in proposal.questions] == [
        ("1", "How many police dogs does the force have?", True),
        ("2", "What did their training cost in 2023?", True),
    ]
    assert proposal.numbering_inferred
    assert proposal.preamble == (
        "Under the Freedom of Information Act 2000 I would like to request the following information.",
    )


def test_hard_wrapped_lines_join_and_two_asks_in_one_paragraph_are_two_questions() -> None:
    text = (
        "How many burglaries in North East Lincolnshire have resulted in a prosecution over the last\n"
        "year? How many were reported and how many people have been charged\n"
        "and dealt with through the courts?"
    )
    questions = parse(text).questions
    assert [q.text for q in questions] == [
        "How many burglaries in North East Lincolnshire have resulted in a prosecution over the last year?",
        "How many were reported and how many people have been charged and dealt with through the courts?",
    ]
    assert all(q.inferred for q in questions)


def test_salutation_preamble_and_sign_off_are_not_questions() -> None:
    text = (
        "Dear FOI Team,\n\n"
        "Under the Freedom of Information Act I would like the following:\n\n"
        "1. How many drones does the force own?\n"
        "2. What did they cost?\n\n"
        "Kind regards,\n"
        "Jane Example\n"
    )
    proposal = parse(text)
    assert [q.text for q in proposal.questions] == [
        "How many drones does the force own?",
        "What did they cost?",
    ]


def test_quoted_request_in_a_response_letter() -> None:
    text = (
        "Our Ref: FOI2026/00042\n\n"
        "I write in connection with your request for information received on 3rd February 2026. "
        "I note you seek access to the following information:\n\n"
        "1. How many tasers were drawn in 2025?\n"
        "2. How many were fired?\n\n"
        "Response\n\n"
        "Q1 - 321\n"
        "Q2 - 12\n\n"
        "Yours sincerely\n\nA. Officer\nInformation Rights\n"
    )
    proposal = parse(text)
    assert shape(proposal.questions) == ["1", "2"]
    assert proposal.response_letter and proposal.requester is None
    assert proposal.received is not None and proposal.received.date == D(2026, 2, 3)
    assert [(r.text, r.own) for r in proposal.references] == [("FOI2026/00042", True)]


def test_question_spans_point_into_the_original_text() -> None:
    text = "Dear team,\r\n\r\n**1.** How many arrests?\r\n**2.** How many charges?\r\n"
    proposal = parse(text)
    for question in proposal.questions:
        assert text[question.span.start : question.span.end].startswith(question.text)
        assert question.span.source == "message"


def test_attachment_holds_the_request() -> None:
    proposal = parse(
        "New request, see the attached email.",
        attachment_text="From: Jane Example <jane@example.org>\nSent: 3 February 2026 09:15\nSubject: FOI - drones\n\n"
        "Dear FOI team,\n\n1. How many drones?\n2. What did they cost?\n\nThanks\nJane",
    )
    assert shape(proposal.questions) == ["1", "2"]
    assert proposal.questions[0].span.source == "attachment"
    assert proposal.subject is not None and proposal.subject.text == "FOI - drones"
    assert proposal.received is not None and proposal.received.date == D(2026, 2, 3)


# -- received date ------------------------------------------------------------------------------------------


def test_message_time_is_read_in_london_time_summer() -> None:
    late = datetime(2024, 7, 1, 23, 30, tzinfo=timezone.utc)  # 00:30 BST on 2 July
    received = parse("How many drones does the force own?", message_time=late).received
    assert received is not None and received.date == D(2024, 7, 2)
    assert received.source == "message_time" and received.at == late.astimezone(LONDON)


def test_message_time_is_read_in_london_time_winter() -> None:
    late = datetime(2024, 1, 15, 23, 30, tzinfo=timezone.utc)  # 23:30 GMT, still 15 January
    received = parse("How many drones does the force own?", message_time=late).received
    assert received is not None and received.date == D(2024, 1, 15)


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2024, 3, 31, 0, 30), D(2024, 3, 31)),  # before the clocks go forward (01:00 UTC)
        (datetime(2024, 3, 30, 23, 59), D(2024, 3, 30)),
        (datetime(2024, 10, 26, 23, 30), D(2024, 10, 27)),  # still BST: 00:30 on the 27th
        (datetime(2024, 10, 27, 23, 30), D(2024, 10, 27)),  # GMT again
    ],
)
def test_message_time_across_clock_changes(utc: datetime, expected: date) -> None:
    received = parse("How many drones?", message_time=utc.replace(tzinfo=timezone.utc)).received
    assert received is not None and received.date == expected


def test_naive_message_time_is_read_as_utc_with_a_warning() -> None:
    proposal = parse("How many drones?", message_time=datetime(2024, 7, 1, 23, 30))
    assert proposal.received is not None and proposal.received.date == D(2024, 7, 2)
    assert any("no time zone" in warning for warning in proposal.warnings)


def test_email_header_date_with_offset_is_converted_to_london() -> None:
    text = "From: Jane Example <jane@example.org>\nDate: Sun, 30 Jun 2024 23:30:00 +0000\nSubject: FOI\n\nHow many drones?"
    received = parse(text).received
    assert received is not None and received.source == "header"
    assert received.date == D(2024, 7, 1) and received.at is not None and received.at.hour == 0


def test_outlook_sent_header_without_zone_is_london_time() -> None:
    text = "From: Jane Example\nSent: Monday, February 3, 2025 11:30 PM\nTo: FOI\nSubject: drones\n\nHow many drones?"
    received = parse(text).received
    assert received is not None and received.date == D(2025, 2, 3) and received.at is not None
    assert received.at.utcoffset() == timedelta(0)


def test_stated_receipt_wins_over_the_message_time() -> None:
    text = "Thank you for your request for information received on 12 March 2024. How many drones?"
    received = parse(text, message_time=datetime(2024, 4, 2, 9, 0, tzinfo=timezone.utc)).received
    assert received is not None and received.date == D(2024, 3, 12) and not received.year_inferred


def test_year_is_inferred_from_the_letter_date() -> None:
    text = "8th January 2019\n\nI write in connection with your request for information received on 20th December. I note you seek access to the following information:\n\nHow many drones?"
    received = parse(text).received
    assert received is not None and received.date == D(2018, 12, 20) and received.year_inferred


def test_year_is_inferred_from_another_year_in_the_text() -> None:
    text = "Your request received on 5th October asked about releases from June 2018 to August 2021."
    received = parse(text).received
    assert received is not None and received.date == D(2021, 10, 5)


def test_inferred_year_is_never_in_the_future() -> None:
    text = "Your request received on 20th December asked how many drones the force owns."
    received = parse(text, today=D(2026, 1, 15)).received
    assert received is not None and received.date == D(2025, 12, 20)
    text_with_year = "Your request received on 20th December asked about 2026 figures."
    received = parse(text_with_year, today=D(2026, 1, 15)).received
    assert received is not None and received.date == D(2025, 12, 20)


def test_a_stated_future_date_is_kept_but_flagged() -> None:
    proposal = parse("Your request received on 3 March 2027 asked how many drones.", today=D(2026, 1, 15))
    assert proposal.received is not None and proposal.received.date == D(2027, 3, 3)
    assert proposal.received.confidence < 0.5 and any("after today" in w for w in proposal.warnings)


def test_no_received_date_and_no_message_time_is_none() -> None:
    proposal = parse("How many drones does the force own?")
    assert proposal.received is None and any("no received date" in w for w in proposal.warnings)


# -- requester and subject ----------------------------------------------------------------------------------


def test_requester_from_sign_off_with_address_and_email() -> None:
    text = (
        "Dear Sir or Madam,\n\nHow many drones does the force own?\n\nYours faithfully,\n\n"
        "Jane Example\n12 High Street\nSometown\nAB1 2CD\njane@example.org\n"
    )
    requester = parse(text).requester
    assert requester is not None and requester.personal_data and requester.source == "sign_off"
    assert (requester.name, requester.email, requester.address) == (
        "Jane Example",
        "jane@example.org",
        "12 High Street, Sometown, AB1 2CD",
    )


def test_requester_on_the_sign_off_line() -> None:
    requester = parse("How many drones?\n\nYours sincerely, Jane Example").requester
    assert requester is not None and requester.name == "Jane Example"


def test_requester_from_the_from_header() -> None:
    text = 'From: "Example, Jane" <jane@example.org>\nSent: 3 February 2025 10:00\nSubject: Drones\n\nHow many drones?'
    requester = parse(text).requester
    assert requester is not None and requester.source == "from_header"
    assert (requester.name, requester.email) == ("Jane Example", "jane@example.org")


def test_requester_and_date_from_a_pasted_web_form() -> None:
    text = (
        "Date submitted: 03/02/2025 14:22\nName: Jane Example\nEmail: jane@example.org\n"
        "Address: 12 High Street, Sometown AB1 2CD\nRequest: How many drones does the force own?\n"
    )
    proposal = parse(text)
    requester = proposal.requester
    assert requester is not None and requester.source == "form"
    assert (requester.name, requester.email, requester.address) == (
        "Jane Example",
        "jane@example.org",
        "12 High Street, Sometown AB1 2CD",
    )
    assert proposal.received is not None and proposal.received.date == D(2025, 2, 3)
    assert [q.text for q in proposal.questions] == ["How many drones does the force own?"]


def test_dear_line_is_not_the_requester() -> None:
    proposal = parse("Dear Mr Constable,\n\nHow many drones does the force own?\n")
    assert proposal.requester is None


def test_requester_repr_hides_personal_data() -> None:
    proposal = parse("How many drones?\n\nKind regards,\nJane Example\njane@example.org")
    assert proposal.requester is not None
    assert "Jane" not in repr(proposal.requester) and "example.org" not in repr(proposal.requester)
    assert "Jane" not in repr(proposal)


def test_subject_line_wins_and_loses_its_prefixes() -> None:
    text = "From: a@example.org\nDate: 3 Feb 2025 10:00\nSubject: RE: FW: Drones and helicopters\n\nHow many drones?"
    subject = parse(text).subject
    assert subject is not None and (subject.text, subject.source) == (
        "Drones and helicopters",
        "subject_line",
    )


def test_subject_falls_back_to_a_short_first_sentence() -> None:
    long_question = "Please tell me how many " + "very " * 40 + "old drones the force owns. And helicopters?"
    subject = parse(long_question).subject
    assert subject is not None and subject.source == "first_sentence"
    assert len(subject.text) <= 120 and subject.text.startswith("Please tell me how many")


# -- periods ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("January 2016 – December 2017", (D(2016, 1, 1), D(2017, 12, 31))),
        ("1 April 2018 to 31 March 2019", (D(2018, 4, 1), D(2019, 3, 31))),
        ("2018/19", (D(2018, 4, 1), D(2019, 3, 31))),
        ("financial year 2020-21", (D(2020, 4, 1), D(2021, 3, 31))),
        ("between 2016 and 2018", (D(2016, 1, 1), D(2018, 12, 31))),
        ("the years 2016-2018", (D(2016, 1, 1), D(2018, 12, 31))),
        ("January to March 2020", (D(2020, 1, 1), D(2020, 3, 31))),
        ("1st April to 30th June 2021", (D(2021, 4, 1), D(2021, 6, 30))),
        ("01/04/2012 - 16/01/2014", (D(2012, 4, 1), D(2014, 1, 16))),
        ("2019, 2020 and 2021 (to July)", (D(2019, 1, 1), D(2021, 7, 31))),
        ("the calendar year 2015", (D(2015, 1, 1), D(2015, 12, 31))),
    ],
)
def test_period_phrases(phrase: str, expected: tuple[date, date]) -> None:
    assert periods(parse(f"How many arrests were made in {phrase}?")) == [expected]


def test_last_five_years_counts_back_from_the_received_date() -> None:
    text = "Your request received on 20 September 2019: how many fines in each of the last five years?"
    assert periods(parse(text)) == [(D(2014, 9, 21), D(2019, 9, 20))]


def test_last_five_years_counts_back_from_today_without_a_received_date() -> None:
    assert periods(parse("How many fines in the last five years?")) == [(D(2021, 5, 2), TODAY)]


def test_years_naming_acts_or_events_are_not_periods() -> None:
    text = "Under the Data Protection Act 2018 and the Criminal Justice and Courts Act (2015), how many? The 2021 change."
    assert periods(parse(text)) == []


# -- references ---------------------------------------------------------------------------------------------


def test_find_references_own_and_others() -> None:
    text = (
        "Re FOI2026/00042 (our ref), see also my previous request 2019/123 and SAR-2024-0007. Your ref: JE/77"
    )
    found = {r.text: (r.own, r.kind) for r in find_references(text)}
    assert found == {
        "FOI2026/00042": (True, "own"),
        "SAR-2024-0007": (True, "own"),
        "2019/123": (False, "previous_request"),
        "JE/77": (False, "requester_ref"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Our Ref: SPE 854/FOI 00127/JS/LD\n\nDear Mr Ashdown", {"SPE 854/FOI 00127/JS/LD"}),
        ("Dear Anthony\n\nRequest FOI/6387\n\nFurther to your request", {"FOI/6387"}),
        ("044-2023\nDear Freedom of Information Officer,\nPlease provide", {"044-2023"}),
        ("FOI request (FOIR-520547116)\nTrees\n4. the previous two financial years (2022/23) and (2021/22).",
         {"FOIR-520547116"}),
        ("You asked:\n- How many requests in 2017/2018?\n- And the 12 months before (2016/2017)?", set()),
        ("Our Ref: FOI 19 1413\nDate: 28th October 2019", {"FOI 19 1413"}),
        ("Reference 2019-580\n\nREF:           2019-580\n\nSubject:       Drop-off parking", {"2019-580"}),
        ("Response A1346436\nResponse to request for information", {"A1346436"}),
        ("- FOI reference\n- FOI/202000013765\n- Date received", {"FOI/202000013765"}),
    ],
)
def test_references_as_logs_and_letters_write_them(text: str, expected: set[str]) -> None:
    found = {" ".join(r.text.split()) for r in find_references(text)}
    assert found == expected


def test_find_references_with_the_organisations_prefixes() -> None:
    found = [r.text for r in find_references("About CPS2024/00001 and FOI2024/00002.", own_prefixes=("CPS",))]
    assert found == ["CPS2024/00001"]
    assert find_references("") == ()


def test_find_references_reads_met_style_and_labelled_references() -> None:
    assert [r.text for r in find_references("reference no: 01.FOI.22.027454")] == ["01.FOI.22.027454"]
    assert [r.text for r in find_references("Enquiry Reference: 990 - 24")] == ["990-24"]


# -- regime -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "How much pesticide did the force use on its land?",
        "What were the carbon emissions of the vehicle fleet?",
        "Please provide air quality readings near the station.",
        "How many noise complaints about the firing range?",
        "How many times did the custody suite flood?",
        "Is there any asbestos in the headquarters building?",
        "How many planning applications did the force comment on?",
        "How many trees were felled by the council last year?",
        "How many trees had tree preservation orders on them?",
    ],
)
def test_environmental_subjects_are_eir(text: str) -> None:
    assert parse(text).regime.regime == "eir"


@pytest.mark.parametrize(
    "text",
    [
        "Please send me a copy of my records.",
        "I want all the information you hold about me.",
        "This is a subject access request.",
        "Please provide the body camera footage of my arrest.",
        "I request my personal data.",
    ],
)
def test_own_data_requests_are_sar(text: str) -> None:
    regime = parse(text).regime
    assert regime.regime == "sar" and regime.confidence >= 0.6


def test_scottish_organisation_gets_foisa_unless_own_data() -> None:
    assert parse("How many drones does the force own?", scottish=True).regime.regime == "foisa"
    assert parse("Please send me my records.", scottish=True).regime.regime == "sar"
    assert parse("How many drones does the force own?").regime.regime == "foia"


def test_a_definitions_examples_do_not_make_a_request_environmental_but_a_replys_statement_does() -> None:
    text = ("Please provide details of clinical service incidents caused by infrastructure failure in 2021.\n"
            "Incidents are defined as failures that interfered with clinical services. These could be things like power "
            "outages, water supply, pest control or sewage supply.\n")
    assert parse(text).regime.regime == "foia"
    reply = ("Your request on 12 January 2012 was for:\n\nCan you please supply me with a copy of your Parking Account?\n\n"
             "As this request relates to parking we now consider the relevant regime is the Environmental Information "
             "Regulations (EIR).")
    regime = parse(reply).regime
    assert regime.regime == "eir" and "relevant regime" in regime.reason


def test_weak_environmental_words_need_company() -> None:
    two_weak_words = "How many officers work in Land Rovers on the water?"
    assert parse(two_weak_words).regime.regime == "eir"
    assert parse("How many officers drive Land Rovers?").regime.regime == "foia"


# -- language -----------------------------------------------------------------------------------------------


def test_welsh_request_is_cy_and_verbatim() -> None:
    text = "Annwyl Syr/Madam,\n\nO dan y Ddeddf Rhyddid Gwybodaeth, hoffwn gael y wybodaeth ganlynol: nifer yr arestiadau yn 2023 yn ôl blwyddyn a rhyw, a'r nifer o droseddau yn ardal yr heddlu.\n\nDiolch,\nSiân"
    proposal = parse(text)
    assert proposal.language == "cy"
    assert proposal.questions[0].text.startswith("O dan y Ddeddf Rhyddid Gwybodaeth, hoffwn gael y wybodaeth")


def test_short_welsh_message_is_cy() -> None:
    assert parse("Annwyl Syr, Cais Rhyddid Gwybodaeth: faint o arestiadau yn 2023? Diolch").language == "cy"


def test_english_request_mentioning_a_welsh_phrase_is_english() -> None:
    assert (
        parse(
            "Roedd y cais yn rhannol lwyddiannus.\n\n" + "How many arrests were made in the year? " * 5
        ).language
        == "en"
    )


def test_foreign_text_is_flagged() -> None:
    proposal = parse(
        "Bonjour, je voudrais savoir combien de personnes ont été arrêtées dans votre région en 2020 et quelles "
        "sont les raisons pour les arrestations et le nombre de plaintes."
    )
    assert proposal.language == "und" and any("English or Welsh" in p for p in proposal.problems)


# -- follow-ups ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I am not satisfied with your response to FOI2026/00042 and request an internal review.",
        "Please carry out an internal review of my request.",
        "I would like a review of your decision to refuse my request.",
        "I am dissatisfied with your response.",
    ],
)
def test_review_requests(text: str) -> None:
    assert classify_follow_up(text) == "internal_review"


@pytest.mark.parametrize(
    "text",
    [
        "I'd just like to clarify the wording in my request: I meant stops, not searches.",
        "In response to your request for clarification, I mean the financial year 2023/24.",
    ],
)
def test_clarifications(text: str) -> None:
    assert classify_follow_up(text) == "clarification"


@pytest.mark.parametrize(
    "text",
    [
        "How many drones does the force own?",
        "If you are dissatisfied with this response you may request an internal review.",
        "",
    ],
)
def test_not_follow_ups(text: str) -> None:
    assert classify_follow_up(text) is None


# -- robustness ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t  \n", "\r\n\r\n"])
def test_empty_text_is_a_problem_not_an_exception(text: str) -> None:
    proposal = parse(text)
    assert proposal.questions == () and proposal.problems == (
        "could not read a request here: the text is empty",
    )


def test_text_with_no_questions_says_so() -> None:
    proposal = parse("Thanks!")
    assert proposal.questions == () and any(
        "no questions" in p or "any questions" in p for p in proposal.problems
    )


def test_huge_text_is_read() -> None:
    items = "".join(
        f"{n}. How many arrests were made in {2000 + n % 20}, broken down by:\n   a) age\n   b) sex\n"
        for n in range(1, 500)
    )
    text = ("Dear Sir,\n\n" + items)[:40_000]
    proposal = parse(text)
    assert len(proposal.questions) > 300 and proposal.questions[0].parts[1].text == "sex"


def test_one_long_line_and_overlong_text() -> None:
    assert parse("How many drones? " * 2_400).questions  # 40,800 characters, no line break
    proposal = parse("How many drones?\n" * (MAX_TEXT_CHARS // 10))
    assert any("only the first" in w for w in proposal.warnings)


def test_json_interface_keys() -> None:
    data = parse(seed_text()).as_json()
    assert {"received", "requester", "subject", "regime", "questions", "periods", "references"} <= set(data)
    assert data["received"] == "2018-02-09" and data["regime"] == "foia"
    assert data["requester"] == {"name": None, "email": None, "address": None}
    assert data["periods"] == [{"start": "2016-01-01", "end": "2017-12-31"}]
    assert data["references"] == ["FOI2018/00739"]
    assert data["questions"][1]["number"] == "2" and data["questions"][1]["parts"][0]["number"] == "a"
    assert set(data["questions"][0]) >= {"number", "text", "parts"}
    assert json.loads(json.dumps(data)) == data


_FRAGMENTS = st.sampled_from(
    [
        "1. ",
        "2) ",
        "(a) ",
        "b) ",
        "i/ ",
        "(iv) ",
        "Q1 ",
        "Question 2: ",
        "Request 3: ",
        "- ",
        "• ",
        "o ",
        "**",
        "\n",
        "\n\n",
        "Dear Sir,",
        "Yours faithfully,",
        "Kind regards",
        "received on 9th February",
        "Sent: 3 Feb 2025",
        "From: a@b.c",
        "Subject: x",
        "January 2016 – December 2017",
        "2018/19",
        "between 2016 and 2018",
        "(",
        ")",
        '"',
        "'",
        "“",
        "FOI2019/06094",
        "How many?",
        "my records",
        "pesticides",
        "Annwyl",
        "Cais:",
        "Response",
        "You asked:",
        "I note you seek access to the following information:",
        "\t",
        "\r\n",
        "…",
        "|",
        "last five years",
        "to date",
        "2021 (to July)",
        "Our Ref:",
        "  ",
        ":",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=12)), max_size=40), st.dates(min_value=D(2000, 1, 1)))
def test_any_text_gives_a_proposal(parts: list[str], today: date) -> None:
    text = "".join(parts)
    proposal = parse(text, today=today)
    assert not any("parser failed" in problem for problem in proposal.problems)
    for question in _walk(proposal.questions):
        assert 0 <= question.span.start <= question.span.end <= len(text)
    if proposal.received is not None and proposal.received.year_inferred:
        assert proposal.received.date <= today
    for period in proposal.periods:
        assert period.start <= period.end
    json.dumps(proposal.as_json())


def _walk(questions: tuple[Question, ...]) -> list[Question]:
    result: list[Question] = []
    for question in questions:
        result.append(question)
        result.extend(_walk(question.parts))
    return result


def test_no_pathological_backtracking_on_repetitive_input() -> None:
    import time

    for text in (
        "1. " * 13_000,
        "(" * 40_000,
        "a) " * 13_000,
        "- " * 20_000,
        '"' + "x " * 20_000,
        "Dear " * 8_000,
    ):
        started = time.perf_counter()
        parse(text)
        assert time.perf_counter() - started < 2.0, re.escape(text[:10])
