"""What a letter cites under each regime: the Act, its sections, time limits and the cost limit."""

from __future__ import annotations

from dataclasses import dataclass

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
