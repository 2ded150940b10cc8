"""The kinds of letter the team sends, and what sending each one records on the case."""

from __future__ import annotations

from dataclasses import dataclass

FOI_REGIMES = ("foia", "eir", "foisa")

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
