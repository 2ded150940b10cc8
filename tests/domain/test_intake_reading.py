"""The parser on the shapes real requests take: received dates as forces and requesters write them (with the
words they came from), questions as written, request-likeness, several requests in one page, the corpus
figures, and the pure asked-before rules. Properties (hypothesis) for the date forms."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli.intake import load_corpus
from commands.rules.asked_before import EarlierCase, is_similar, same_requester_flag, similar_cases
from commands.rules.calendar import calendar_for
from commands.rules.intake import RequestProposal, parse_request
from commands.rules.intake.evaluation import evaluate, question_shape, read_label_blocks, read_labelled
from commands.rules.intake.score import THRESHOLD
from commands.rules.intake.threads import split_requests

TODAY = date(2026, 5, 1)
CORPUS = Path(__file__).resolve().parents[1] / "data" / "requests"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "foi-requests"
SHARED_LABELS = Path(__file__).resolve().parents[1] / "data" / "shared-labels.txt"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def parse(text: str, **options: object) -> RequestProposal:
    options.setdefault("today", TODAY)
    return parse_request(text, **options)  # type: ignore[arg-type]


def received(text: str, **options: object) -> tuple[date | None, str | None]:
    found = parse(text, **options).received
    return (found.date, found.words) if found else (None, None)


# -- received dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "words"),
    [
        ("Thank you for your email dated 9th February 2018 in which you asked:\n1. How many?",
         date(2018, 2, 9), "dated 9th February 2018"),
        ("Thank you for your e mail dated 3rd March 2021 requesting the following:\n1. How many?",
         date(2021, 3, 3), "dated 3rd March 2021"),
        ("Your request received on 12th July 2019 asked:\n1. How many?", date(2019, 7, 12), "received on 12th July 2019"),
        ("Date of request:     09/01/2013\n\nYou asked:\n1. How many?", date(2013, 1, 9), "Date of request: 09/01/2013"),
        ("Date received: 5.3.24\nRequest:\nHow many drones?", date(2024, 3, 5), "Date received: 5.3.24"),
        ("Received: 1 April 2024\n\nPlease provide the number of arrests.", date(2024, 4, 1), "Received: 1 April 2024"),
        ("Thank you for your request for information that was logged on 10 August 2009. You asked:\nHow many?",
         date(2009, 8, 10), "logged on 10 August 2009"),
        ("Re: Request for information first notified to Staffordshire Police on the 13th December 2013.\n1. How many?",
         date(2013, 12, 13), "first notified to Staffordshire Police on the 13th December 2013"),
        ("your request for information which was received\nby the Metropolitan Police Service (MPS) on 07/04/2008.",
         date(2008, 4, 7), "received by the Metropolitan Police Service (MPS) on 07/04/2008"),
        ("I write in connection with your request for information which was received\non 6^th April 2021.",
         date(2021, 4, 6), "received on 6^th April 2021"),
        ("Thank you for your recent request for information relating to the felling of\nhighway trees in "
         "Sheffield which we received on 14/08/18.\nWe must respond by 12/09/18.", date(2018, 8, 14), "received on 14/08/18"),
        ("Request detail:\nHow many grass fires?\n\nReceived: \n\nFriday, 29 April, 2022\n\nResponded: \n\nWednesday, 25 May, 2022",
         date(2022, 4, 29), "Friday, 29 April, 2022"),
        ("FOI request (FOIR-520547116)\nTrees\nRequested Thu 01 June 2023\nResponded Tue 13 June 2023\n1. How many trees?",
         date(2023, 6, 1), "Requested Thu 01 June 2023"),
        ("Our Ref: 5367613\n23-MAR-11\nDear S Hartley\nI acknowledge your request for information received on 23-MAR-2011.",
         date(2011, 3, 23), "received on 23-MAR-2011"),
        ("Thank you for your request below, received by Warwickshire Police and West\nMercia Police on 25 March 2018.",
         date(2018, 3, 25), "25 March 2018"),
        ("- FOI reference\n- FOI/202000013765\n- Date received\n- 29 January 2020\n- Date responded\n- 19 February 2020",
         date(2020, 1, 29), "29 January 2020"),
    ],
)
def test_received_date_forms_and_the_words_they_came_from(text: str, expected: date, words: str) -> None:
    found, read_from = received(text)
    assert found == expected and read_from is not None and read_from.endswith(words)


def test_a_table_flattened_to_text_gives_the_date_received_column() -> None:
    text = (
        "University Disclosure Log\n\nDate received Date due Date completed Information asked for Notes\n"
        "15 April 201118 May 201116 May 2011Under the Freedom of Information Act, please provide me with:\n"
        "- A copy of the Access Agreement;\n- A copy of the minutes.\n"
    )
    assert received(text)[0] == date(2011, 4, 15)


def test_a_date_heading_the_request_message_is_its_date_but_a_replys_date_is_not() -> None:
    wdtk = (
        "Parking Ticket Data\n\nOwen made this Freedom of Information request to a council\n\nOwen\n\n"
        "1 August 2009\n\nDear Sir or Madam,\n\n1. Please send the parking ticket data for the last five years.\n"
    )
    proposal = parse(wdtk)
    assert proposal.received is not None and proposal.received.date == date(2009, 8, 1)
    assert proposal.received.source == "message_date"
    assert (date(2004, 8, 2), date(2009, 8, 1)) in [(p.start, p.end) for p in proposal.periods]
    form = "Customer Request Details\n\n09 July 2021\n\nPlease provide the tree officer's reports on the oaks.\n"
    assert received(form)[0] == date(2021, 7, 9)
    log = "Response A1346436\nResponse date\n8 March 2022\nRequest\nPlease provide the number of fly tipping incidents."
    assert received(log)[0] is None
    reply = "Our Ref: 123/19\n28 October 2019\nDear Ms Kendall\nYou requested the following information:\n1. How many students?"
    assert received(reply)[0] is None


def test_a_day_and_month_without_a_year_takes_the_letters_year() -> None:
    letter = "15th October 2019\n\nDear Sir,\n\nYour request for information received on 20th September has been considered.\n"
    proposal = parse(letter + "You asked:\n1. How many?")
    assert proposal.received is not None and proposal.received.date == date(2019, 9, 20)
    assert proposal.received.year_inferred


def test_the_requests_own_date_wins_over_the_reply_and_a_deadline_and_a_period() -> None:
    text = (
        "Date: 29/01/2014\nPlease respond by 28 February 2014.\n\n"
        "Thank you for your email dated 2 January 2014.\n\nYou asked:\n"
        "1. How many arrests were made between 1 March 2013 and 30 November 2013?"
    )
    proposal = parse(text)
    assert proposal.received is not None and proposal.received.date == date(2014, 1, 2)
    assert "2014-01-29 (the letter's own date)" in proposal.received.others
    assert proposal.as_json()["received_others"] == list(proposal.received.others)


def test_numeric_dates_are_day_first_unless_the_text_is_american() -> None:
    uk = "Your request received on 05/04/2024 asked how many drones the force owns."
    us = "Your request was received in this office on 5/4/2024. This request is made under the Illinois Freedom of Information Act."
    assert received(uk)[0] == date(2024, 4, 5)
    assert received(us)[0] == date(2024, 5, 4)
    american_only = "Your request was received in this office on 5/16/2024 (Public Records Act)."
    assert received(american_only)[0] == date(2024, 5, 16)
    assert received("Your request received on 5/16/2024 asked how many drones.")[0] is None


def test_email_header_and_forwarded_on_wrote_lines() -> None:
    forwarded = (
        "---------- Forwarded message ---------\nFrom: Pat Example <pat@example.org>\n"
        "Date: Tue, 2 Apr 2024 at 16:05\nSubject: Drones\nTo: <foi@example.police.uk>\n\n"
        "Please tell me how many drones the force owns.\n"
    )
    proposal = parse(forwarded)
    assert proposal.received is not None and proposal.received.date == date(2024, 4, 2)
    assert proposal.received.words and "2 Apr 2024" in proposal.received.words
    assert proposal.requester is not None and proposal.requester.email == "pat@example.org"


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 4, 30)), st.sampled_from(["written", "numeric", "dotted"]),
       st.sampled_from(["Date received:", "Your request received on", "your email dated", "Date of request:"]))
def test_property_every_written_form_of_a_received_date_reads_back(day: date, form: str, label: str) -> None:
    ordinal = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day.day, "th")
    written = {
        "written": f"{day.day}{ordinal} {MONTHS[day.month - 1]} {day.year}",
        "numeric": day.strftime("%d/%m/%Y"),
        "dotted": f"{day.day}.{day.month}.{day.strftime('%y')}",
    }[form]
    prefix = "Thank you for " if label.startswith("your") else ""
    text = f"{prefix}{label} {written}\n\nPlease tell me how many drones the force owns."
    assert received(text)[0] == day


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=date(2010, 1, 1), max_value=date(2026, 4, 30)))
def test_property_a_deadline_or_period_date_is_never_taken_for_the_received_date(day: date) -> None:
    later = day + timedelta(days=20)
    text = (f"Please reply by {later.day} {MONTHS[later.month - 1]} {later.year}.\n"
            f"How many arrests were made between 1 January {day.year - 1} and 31 December {day.year - 1}?")
    assert received(text)[0] is None


# -- questions as written ------------------------------------------------------------------------------


def shape(text: str) -> str:
    return question_shape(parse(text).questions)


def test_nesting_one_to_a_to_i_and_capital_letters_with_small_ones() -> None:
    assert shape("1. Arrests\na) adults\nb) children\ni) under 10\nii) 10 to 17\n2. Charges") == "1(a, b(i, ii)), 2"
    assert shape("(A) Drones:\na. owned\nb. leased\n(B) Helicopters:\na. owned\nb. leased") == "A(a, b), B(a, b)"


def test_a_sub_list_restarting_at_one_under_a_numbered_question() -> None:
    text = "1. Please provide, for each year:\n   1) arrests\n   2) charges\n2. How many officers?"
    assert shape(text) == "1(1, 2), 2"


def test_several_asks_in_one_paragraph_and_format_sentences_that_are_not_asks() -> None:
    text = ("Please provide the number of thefts from vehicles in 2023. Please also tell me how many were solved. "
            "Please show this as one total figure.")
    questions = parse(text).questions
    assert [q.text for q in questions] == [
        "Please provide the number of thefts from vehicles in 2023.",
        "Please also tell me how many were solved. Please show this as one total figure.",
    ]


def test_examples_after_might_include_are_not_questions() -> None:
    text = ("1. How many suspicious parcels did you receive?\nThis might include:\n• Parcels with wires\n"
            "• Greasy patches\n\n2. How many letters?")
    proposal = parse(text)
    assert question_shape(proposal.questions) == "1, 2"
    assert "Parcels with wires" in proposal.notes


def test_lead_ins_with_their_own_lists_are_questions_with_parts() -> None:
    text = ("For the years 2018 and 2019 please could you provide me with the following:\na. The number of 999 calls\n"
            "For the years 2016 to 2019 please could you provide me with the following:\na. The number of 101 calls\n"
            "b. The number of hoax calls")
    assert shape(text) == "1(a), 2(a, b)"


def test_decimal_numbering_under_headings() -> None:
    text = "1.1.Does your Force use BWV?\n1.2.When did it begin?\n\n2.Technical information\n\n2.1.Manufacturer\n2.2.Software"
    proposal = parse(text)
    assert question_shape(proposal.questions) == "1.1, 1.2, 2.1, 2.2"
    assert proposal.questions[2].section == "Technical information"


def test_polite_conditional_asks_are_questions_but_advice_requests_are_not() -> None:
    text = ("I would like to find out how many knives were found at schools in 2023.\n\n"
            "If it is possible to detail the schools that would be helpful.\n\n"
            "If you can identify any ways that my request could be refined I would be grateful for advice and assistance.")
    proposal = parse(text)
    assert len(proposal.questions) == 2 and any("refined" in note for note in proposal.notes)


def test_questions_one_a_line_and_asks_behind_a_condition() -> None:
    lines = ("We have received a request for the following:\n\nIs it policy that a Minister approves each reply?\n"
             "If not, to which departments does this policy apply?\nWhen was the policy adopted?\n")
    assert shape(lines) == "1, 2, 3"
    prose = ("I would like to know if there are reporting requirements for trusts. If such requirements exist, "
             "please share the relevant documents.")
    assert shape(prose) == "1, 2"
    check = "I’d like to check if the inquiry papers were kept. If so, can I ask how I can view them? I checked the library."
    assert shape(check) == "1, 2"


def test_an_opening_that_names_what_is_wanted_is_the_question_and_a_placeholder_is_not() -> None:
    text = ("Dear [Enter name],\n\nI am writing to request all the information to which I am entitled under the "
            "Data Protection Act 1998.\n\n[Give a description of how you came into contact with the organisation]\n\n"
            "I would be interested in any discussion or opinions expressed about me.\n")
    proposal = parse(text)
    assert question_shape(proposal.questions) == "1, 2"
    assert any(note.startswith("[Give") for note in proposal.notes)


def test_delivery_acknowledgement_and_contact_sentences_are_not_questions() -> None:
    text = ("Please provide details of each power outage at your hospitals in 2021.\n\n"
            "Please could I receive this information by email within 20 working days. Please send the information to the "
            "email above.\n\nPlease could you acknowledge that you have received this request.\n\n"
            "I would be grateful if you could provide answers via email. Please contact me with any queries.\n")
    assert shape(text) == "1"


def test_lost_bullets_bracketed_numbers_and_a_spaced_full_stop_are_markers() -> None:
    assert shape("The information requested was:\n\n? The audit trail for my request.\n\n? How many late replies?") == "1, 2"
    assert shape("please provide me with:\n\ufffd A copy of the agreement; and\n\ufffd A copy of the minutes.") == "1, 2"
    assert shape("requested information as follows:-\n[1] Can you provide X?\n[2] How many Y?\n[3] Can you provide Z?") == "1, 2, 3"
    assert shape("Notes\n[1] https://example.org/a\n[2] https://example.org/b\n\nPlease tell me how many drones you own.") == "1"
    assert shape("7. How many doctors were booked?\n8 . In which specialty is the highest paid locum?\n9. How many locums?") == (
        "7, 8, 9")


def test_decisions_and_letters_that_restate_the_request_lead_into_it() -> None:
    sic = ("Background\n\n1. On 28 June 2021, the Applicant made a request for information to the Authority.  The Applicant "
           "asked the Authority for:\n\ni) The instruction to the District Valuer.\n\nii) The calculation breakdown.\n")
    assert shape(sic) == "i, ii"
    log = ("Information request and response under the Freedom of Information (Scotland) Act 2002\n\nInformation requested\n\n"
           "Please could you supply me with any advice provided to local authorities.\n\n\nI enclose a copy of some of the "
           "information you have requested.")
    assert shape(log) == "1"


def test_a_number_repeated_on_each_part_keeps_the_parts_under_one_question() -> None:
    text = ("1. How many staff in each role?\na. Officers\nb. PCSOs\n\n2. a. How many officers have convictions?\n"
            "2. b. How many PCSOs have convictions?\n2. c. How many other staff have convictions?\n\n3. For each, the offence.")
    assert shape(text) == "1(a, b), 2(a, b, c), 3"


def test_numbered_lists_restarting_under_questions_written_one_a_line() -> None:
    text = ("How many bays are there?\nHow many blue badges were held on 30 August 2019?\n"
            "How many of these applications has the council:\n1. Approved\n2. Refused\n"
            "How many applications came from people with hidden disabilities?\nHow many of these has the council:\n"
            "1. Approved\n2. Refused\n")
    assert shape(text) == "1, 2, 3(1, 2), 4, 5(1, 2)"


def test_a_web_form_its_prompts_a_chaser_and_a_definition_are_not_questions() -> None:
    form = ("Please tell us the general subject of your request (e.g. Burials paid for by the council)\nTree reports\n\n"
            "Please provide full details of your request (e.g. Please provide the number of burials between 2001 and 2012)\n"
            "I would like to see the tree officer's notes on the oaks.\n\nHi\nHave you made any progress on the above FOI?\n\n"
            "Was a felling licence applied for?\n")
    proposal = parse(form)
    assert question_shape(proposal.questions) == "1, 2" and not proposal.periods
    email = ("Please provide details of incidents caused by infrastructure failure for the years 2019/20, 2020/21 and so "
             "far in 2021/22.\nIncidents are defined as failures that have interfered with clinical services.\n"
             "For each incident, please could you provide a summary covering:\na. The date.\nb. The cause.\n")
    proposal = parse(email)
    assert question_shape(proposal.questions) == "1(a, b)"
    assert [(p.start, p.end) for p in proposal.periods] == [(date(2019, 4, 1), date(2022, 3, 31))]


def test_fields_one_a_line_under_a_lead_in_are_its_parts() -> None:
    text = ("I note you seek the following:\nThe total number of Disclosure Requests by Calendar Year by:\nGender,\nAge,\n"
            "Ethnic Origin.")
    assert shape(text) == "1(a, b, c)"
    text = ("under FOI please give me a list of all FOI requests you have had. for each FOI request, please list:\n\n"
            "date of request\ndate of reply\nreference number/ID\nstatus [whether information was released or withheld]\n")
    assert shape(text) == "1(a, b, c, d)"


def test_a_flattened_table_row_and_a_reply_chain_with_its_sender_removed() -> None:
    row = ("Date received Date due Date completed Information asked for Notes\n15 April 201118 May 201116 May 2011Under the "
           "Freedom of Information Act, please provide me with:\n- A copy of the Access Agreement; and\n"
           "- A copy of the minutes of the meeting.\nSent refusal notice\n")
    assert shape(row) == "1, 2"
    chain = ("Subject: RE: FW: FOI request for 2020\nThank you for your email.\nWe will take your request as received on "
             "10th July 2021.\nTo: Freedom of Information\nSubject: Re: FW: FOI request for 2020\n"
             "This email originated from outside of the organisation. Do not click links unless you recognise the sender.\n"
             "Thank you for your email + all you do.\nWe are now requesting 2020 data.\nPlease provide the 2020 data.\n")
    proposal = parse(chain)
    assert [q.text for q in proposal.questions] == ["Please provide the 2020 data."]
    assert proposal.received is not None and proposal.received.date == date(2021, 7, 10)


def test_records_listed_one_a_line_under_the_following_and_background_that_asks_nothing() -> None:
    text = ("Dear Trust,\n\nI request a copy of the following relating to the new ticket machines.\n\nCorrespondence.\n"
            "Minutes of meetings.\nConsultations held .\nThis information to cover the period from January 2014 to date.\n")
    assert shape(text) == "1, 2, 3"
    text = ("Dear Trust,\n\nA company managed parking on your sites but lost the contract. It has since begun court claims "
            "against staff. These claims refer to incidents up to five years ago.\n\nPlease can you confirm whether it ever "
            "took legal action against staff?\n\nPlease can you also provide a copy of the contract.\n")
    assert shape(text) == "1, 2"
    text = ("Pursuant to the Act, I am writing to request the following information:\nNumber, if any, of drones owned.\n"
            "Any existing or proposed usage policies regarding drones.\nAny current or past litigation involving drones.\n")
    assert shape(text) == "1, 2, 3"


def test_decisions_quote_the_request_after_it_stated_or_in_these_terms() -> None:
    sic = ("1. On 9 August 2020, the Applicant made a request for information to the Authority.  It stated:\n\n"
           "Please provide a copy of all problem profiles produced since January 2010.")
    assert shape(sic) == "1"
    blog = ("On 18th July, 2021 a request was made to the force in these terms:\n‘Please disclose how many firearms "
            "officers there are.\n“In those circumstances, I would be grateful if this request could be finalised at the "
            "earliest convenient moment”.")
    assert shape(blog) == "1"
    inline = "How many officers were identified as:\n“(I) Male (ii) Female (iii) Other genders or unidentified."
    assert shape(inline) == "1(i, ii, iii)"
    drop_off = ("Do the hospitals have any free drop-off zones? Are there any rules around using them?\n\n"
                "If there are no free zones, what would be the cost to park for 15 minutes?")
    assert shape(drop_off) == "1, 2, 3"


def test_asks_after_a_linking_word_a_renumbered_list_colon_bullets_and_a_columns_layout() -> None:
    prose = ("Specifically, under the FOI legislation, I request a list of all libraries. Additionally, could you please "
             "provide their dates of opening. Lastly, could you please provide their opening hours?\n\n"
             "That means the final dataset would have the following columns:\n\nName of the library, address, date of "
             "opening, opening hours in year 2005.\n")
    assert shape(prose) == "1, 2, 3"
    renumbered = ("Request\n\n  1. How many incidents for each of the following years:- a. April 2015 to March 2016 b. April "
                  "2016 to March 2017\n\n  1. How many drones do you own?\n\n  1. For what purposes do you use drones?\n")
    assert shape(renumbered) == "1(a, b), 2, 3"
    colons = ("I hereby request the following information relating to drones:\n::The number of incidents in 2014.\n"
              "::For each incident please provide: the date and the outcome.")
    assert shape(colons) == "1, 2"
    labelled = ("I write in connection with your request for information which was received on 22nd February 2024 as "
                "follows:\nQuestion 1:\nWhat is the total number of incidents?\nQuestion 2:\nAre there any patterns?\n")
    assert shape(labelled) == "1, 2"


# -- who asked -------------------------------------------------------------------------------------------


def name(text: str) -> str | None:
    requester = parse(text).requester
    return requester.name if requester else None


def test_the_requesters_name_under_two_sign_offs_behind_a_pseudonym_or_in_words() -> None:
    two = "Dear Council,\n\nPlease send the tree reports.\n\nMany thanks\n\nYours faithfully,\n\nMr. Example\n\nFOI, Council\n"
    assert name(two) == "Mr. Example"
    alias = "Dear Police,\n\nHow many computers do you have?\n\nYours faithfully,\n\nRes ipsa Loquitor (Pat Example)\n"
    assert name(alias) == "Pat Example"
    intro = "My name is Pat Example and I am writing on behalf of a journal.\nPlease could you provide the levy figures?"
    assert name(intro) == "Pat Example"
    decision = ("Background\n\n1. On 12 March 2016, Mr Example made a request for information to the Chief Constable. "
                "The information requested was:\n\n? How many late replies?")
    assert name(decision) == "Mr Example"
    assert name("1. On 28 June 2021, the Applicant made a request for information. He asked:\n1. How many?") is None


# -- periods ---------------------------------------------------------------------------------------------


def spans(text: str, **options: object) -> list[tuple[date, date]]:
    return [(p.start, p.end) for p in parse(text, **options).periods]


def test_periods_written_latest_first_between_the_years_and_in_a_year() -> None:
    assert spans("Please tell me the number of trees felled between June 30, 2019 and January 2014.") == [
        (date(2014, 1, 1), date(2019, 6, 30))]
    assert spans("How many children were referred between the years 2010 and 2024?") == [
        (date(2010, 1, 1), date(2024, 12, 31))]
    assert spans("How many arrests were made by constables in 2020 in Scotland?") == [(date(2020, 1, 1), date(2020, 12, 31))]
    assert spans("Please provide the number of noise complaints made during the 2021 calendar year.") == [
        (date(2021, 1, 1), date(2021, 12, 31))]


def test_years_listed_one_a_line_and_single_years_inside_a_range() -> None:
    text = "Please give me the figures for the calendar years:\n\na.  2013\n\nb.  2014\n\nc.  2015\n"
    assert spans(text) == [(date(2013, 1, 1), date(2015, 12, 31))]
    text = ("I request a list of all libraries run by your council between 2005 and 2022, with their opening hours in "
            "year 2005, opening hours in year 2006 and so on.")
    assert spans(text) == [(date(2005, 1, 1), date(2022, 12, 31))]


def test_years_ending_a_date_are_twelve_months_each() -> None:
    text = "As at the past three force years ending 31st March, 2019, 2020 and 2021 how many officers were there?"
    assert spans(text) == [(date(2018, 4, 1), date(2021, 3, 31))]
    assert spans("What was the cost for the year ending 31 March 2020?") == [(date(2019, 4, 1), date(2020, 3, 31))]


def test_a_relative_period_followed_by_its_dates_is_those_dates() -> None:
    text = "Please provide the number of trees felled over the previous two financial years (2022/23) and (2021/22)."
    assert spans(text, today=date(2023, 6, 1)) == [(date(2021, 4, 1), date(2023, 3, 31))]
    text = "Please tell me the cost of parking over the past five years from January 2012 to January 2017."
    assert spans(text) == [(date(2012, 1, 1), date(2017, 1, 31))]
    assert spans("How many drones were bought in the last five years?", today=date(2024, 3, 1)) == [
        (date(2019, 3, 2), date(2024, 3, 1))]


# -- not everything is a request -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Can anyone cover the FOI inbox on Friday afternoon?",
        "Automatic reply: I am out of the office until Monday 3 June with no access to emails.",
        "Thanks Jo, that's brilliant – I'll pass it on.",
        "Quick question on the guidance note: do we count s.12 aggregation from the first request?",
        "👍",
    ],
)
def test_non_requests_score_below_the_threshold_with_reasons(text: str) -> None:
    proposal = parse(text)
    assert not proposal.is_request and proposal.request_score < THRESHOLD
    assert proposal.request_reasons  # the person can see why


def test_a_request_scores_above_the_threshold_and_says_why() -> None:
    proposal = parse("Dear FOI team,\n\nUnder the Freedom of Information Act please provide:\n1. How many drones?\n"
                     "2. What did they cost in 2023?\n\nYours faithfully,\nPat Example")
    assert proposal.is_request and proposal.request_score >= 0.9
    assert any("numbered questions" in reason for reason in proposal.request_reasons)
    data = proposal.as_json()
    assert data["is_request"] is True and data["request_score"] == proposal.request_score


def test_a_log_entry_of_bare_questions_and_a_release_that_restates_them_are_requests() -> None:
    entry = parse("042-2023\n1. Do any patients at your service have advance decisions recorded?\n"
                  "2. How many patients have them recorded?")
    assert entry.is_request
    release = parse("We have a received a request under the Freedom of Information Act 2000 for the following:\n\n"
                    "Is it policy that a Minister approves each reply?\nWhen was the policy adopted?\n")
    assert release.is_request


# -- several requests in one text -------------------------------------------------------------------------


def test_a_whatdotheyknow_page_with_two_requests_splits_at_their_titles() -> None:
    text = ("Speed cameras\n\nAlex Morgan made this Freedom of Information request to Kent Police\n\nDear Kent Police,\n"
            "How many offences?\n\nYours faithfully,\n\nAlex Morgan\n\nDrones\n\nAlex Morgan made this Freedom of "
            "Information request to Kent Police\n\nDear Kent Police,\n1. How many drones?\n")
    spans = split_requests(text)
    assert [text[a:b].split("\n", 1)[0] for a, b in spans] == ["Speed cameras", "Drones"]
    assert split_requests("Dear FOI team, how many drones?") == [(0, 31)]
    second = parse(text[spans[1][0] : spans[1][1]])
    assert second.subject is not None and second.subject.text == "Drones"
    assert second.requester is not None and second.requester.name == "Alex Morgan"


# -- the corpus -----------------------------------------------------------------------------------------


def test_the_corpus_has_provenance_and_labels_for_every_text() -> None:
    items = load_corpus(CORPUS)
    requests = [item for item in items if item.is_request]
    others = [item for item in items if not item.is_request]
    assert len(others) >= 50
    for item in items:
        raw = (CORPUS / item.name).read_text(encoding="utf-8")
        assert raw.startswith("SOURCE: ") and "\nPROVENANCE: " in raw and "\nDATE: " in raw
    for item in requests:
        for key in ("received", "questions", "periods", "references", "regime", "language"):
            assert key in item.labels, (item.name, key)


def test_the_parser_meets_the_corpus_labels() -> None:
    tally = evaluate(load_corpus(CORPUS))
    assert tally.accuracy >= 0.95
    assert tally.precision >= 0.95 and tally.recall >= 0.95


def test_no_regression_on_the_shared_set() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared texts not available at {SHARED}")
    assert evaluate(load_corpus(SHARED, SHARED_LABELS)).accuracy == 1.0


def test_evaluation_counts_a_wrong_label_as_wrong() -> None:
    raw = "SOURCE: test\nRECEIVED: 2024-01-02\nQUESTIONS: 1, 2\nIS_REQUEST: yes\n---\nDear FOI team,\nPlease tell me how many drones you own.\n"
    tally = evaluate([read_labelled("x.txt", raw)])
    assert {name: right for name, right in tally.right.items() if right} == {"is_request": 1}
    assert {miss.field for _, miss in tally.misses} == {"received", "questions", "leaf_questions"}
    assert read_label_blocks("[a.txt]\nREGIME: eir\n# note\n[b.txt]\nLANGUAGE: cy\n") == {
        "a.txt": {"regime": "eir"}, "b.txt": {"language": "cy"}}


# -- asked before (pure rules) ------------------------------------------------------------------------------


def earlier(reference: str, received_on: date, words: str, outcome: str | None = None) -> EarlierCase:
    return EarlierCase(reference, received_on, "responded", outcome, tuple(words.split()))


def test_similar_needs_more_than_one_shared_word() -> None:
    assert is_similar(["taser", "discharged", "animals"], ["tasers", "discharge", "dogs"])
    assert not is_similar(["taser", "training", "officers"], ["drones", "officers", "cost"])


def test_similar_cases_rank_by_shared_words_and_keep_three() -> None:
    new = ["taser", "discharged", "animals", "breed"]
    found = similar_cases(new, [
        earlier("FOI2023/1", date(2023, 1, 9), "taser discharged", "full"),
        earlier("FOI2023/2", date(2023, 2, 9), "taser discharged animals breed", "part"),
        earlier("FOI2023/3", date(2023, 3, 9), "drones cost"),
        earlier("FOI2023/4", date(2023, 4, 9), "taser animals"),
        earlier("FOI2023/5", date(2023, 5, 9), "discharged breed"),
    ])
    assert [case.reference for case in found] == ["FOI2023/2", "FOI2023/1", "FOI2023/4"]
    assert found[0].outcome == "part" and found[0].shared == ("taser", "discharged", "animals", "breed")


def test_same_requester_window_is_sixty_working_days_inclusive_of_both_days() -> None:
    calendar = calendar_for("england-wales")
    first = date(2024, 1, 8)
    words = ["taser", "discharged", "animals"]
    sixtieth = calendar.add_working_days(first, 59)
    case = earlier("FOI2024/1", first, "taser discharged animals")
    flag = same_requester_flag(sixtieth, words, [case], calendar)
    assert flag is not None and flag.earlier == (("FOI2024/1", first, 59),)
    assert "reg 5" in flag.text() and "s.14(2)" in flag.text()
    assert same_requester_flag(calendar.add_working_days(first, 60), words, [case], calendar) is None
    assert same_requester_flag(sixtieth, ["drones", "cost"], [case], calendar) is None
