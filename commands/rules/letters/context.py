"""Everything a letter template reads, built from plain facts about a case (pure: no database, no Slack).

The command layer maps a `Case` row to `LetterInputs`; tests build `LetterInputs` directly. Every date in a
letter comes from the statutory clock (`compute_deadlines`), never from a person typing it: the due date,
the review deadline counted from the letter's own date, the day an unpaid fee lapses, the extended date.
Whatever the team has not supplied yet (an answer, the hours estimate, the fee) becomes a visible
``[ANSWER NEEDED: …]`` marker in the letter, so a draft can be reviewed early but never approved with a gap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from commands.rules.clock import ClockError, ClockFacts, compute_deadlines, working_days_overdue
from commands.rules.letters import exemptions as known_exemptions
from commands.rules.letters.catalogue import CATALOGUE
from commands.rules.letters.cost_estimate import CostEstimate, read_estimate
from commands.rules.letters.figures import LetterTable, table_block
from commands.rules.letters.law import LAW, cost_limit
from commands.rules.letters.organisation import OrganisationProfile, profile_problems
from commands.rules.letters.render import EXAMPLE_BANNER, LetterError, marker
from commands.rules.letters.text_forms import fence_tables
from commands.rules.letters.wording import format_date, join_and

#: Answer keys that are not question numbers: the case-specific paragraphs a letter may need.
NOTE_KEYS: dict[str, str] = {
    "reasons": "the case's own explanation (why the cost limit is exceeded, why an exemption applies)",
    "pit": "the public interest arguments, replacing the standard wording",
    "advice": "advice and assistance for a cost-limit refusal: how the request could be narrowed to fall within the limit",
    "hours": "the cost estimate for a cost-limit refusal: activities and hours, e.g. '1,144 records at 3 minutes each = 57 hours'",
    "fee": "the fee in a fees notice, e.g. 25.50",
    "clarify": "what the requester must clarify",
    "outcome": "the internal review outcome: upheld, partly or overturned",
    "findings": "what the internal review found",
}

#: Notes a letter cannot do without; missing ones become markers.
REQUIRED_NOTES: dict[str, tuple[str, ...]] = {
    "cost-limit": ("hours", "advice"),
    "fees-notice": ("fee",),
    "clarification": ("clarify",),
    "review-outcome": ("outcome",),
}

#: Internal review outcomes as typed -> the words the register stores (the same as `/foi reviewed`).
REVIEW_OUTCOMES: dict[str, str] = {
    "upheld": "upheld",
    "uphold": "upheld",
    "confirmed": "upheld",
    "partly": "partly",
    "part": "partly",
    "partly upheld": "partly",
    "partially upheld": "partly",
    "partial": "partly",
    "overturned": "overturned",
    "not upheld": "overturned",
    "reversed": "overturned",
}

_OUTCOME_SENTENCES = {
    "upheld": "The review has upheld the original decision.",
    "partly": "The review has upheld the original decision in part, as explained below.",
    "overturned": "The review has not upheld the original decision, as explained below.",
}

#: The balance sentences (FOIA s.2(2)(b) and s.2(1)(b); EIR reg 12(1)(b) with the reg 12(2) presumption;
#: FOISA s.2(1)(b)): one for withholding, one for neither confirming nor denying.
_BALANCE = {
    "foia": "Having weighed these factors, we consider that the public interest in maintaining the exemption "
    "outweighs the public interest in disclosure (section 2(2)(b)).",
    "eir": "Having weighed these factors, and taking into account the presumption in favour of disclosure in "
    "regulation 12(2), we consider that the public interest in maintaining the exception outweighs the "
    "public interest in disclosure (regulation 12(1)(b)).",
    "foisa": "Having weighed these factors, we consider that the public interest in disclosing the information "
    "is outweighed by that in maintaining the exemption (section 2(1)(b)).",
}
_NCND_BALANCE = {
    "foia": "Having weighed these factors, we consider that the public interest in maintaining the exclusion of "
    "the duty to confirm or deny outweighs the public interest in confirming or denying whether the information "
    "is held (section 2(1)(b)).",
    "eir": "Having weighed these factors, and taking into account the presumption in favour of disclosure in "
    "regulation 12(2), we consider that confirming or denying whether the information exists and is held would "
    "not be in the public interest (regulation 12(6)).",
    "foisa": "Having weighed these factors, we consider that revealing whether the information exists or is held "
    "would be contrary to the public interest (section 18(1)(a)).",
}

_KEY_PREFIX = re.compile(r"^(?:question|q)\s*\.?\s*", re.IGNORECASE)


def question_key(word: str) -> str | None:
    """ "Q2(a)", "2a", "2.a", "question 2 a" -> "2a"; None if it is not a question number."""
    value = _KEY_PREFIX.sub("", word.strip().lower())
    value = re.sub(r"[\s().:]", "", value)
    return value if re.fullmatch(r"\d+[a-z]{0,4}", value) else None


def _natural(key: str) -> tuple[int, str]:
    match = re.match(r"(\d+)(.*)", key)
    return (int(match.group(1)), match.group(2)) if match else (10**6, key)


def _part_key(number: Any) -> str:
    return re.sub(r"[^0-9a-z]", "", str(number).lower())


def question_keys(questions: Sequence[Mapping[str, Any]], prefix: str = "") -> list[str]:
    """Every question and part key in the order asked ("1", "2", "2a", "2b", "3")."""
    keys: list[str] = []
    for question in questions or []:
        key = prefix + _part_key(question.get("number", ""))
        keys.append(key)
        keys.extend(question_keys(question.get("parts") or [], key))
    return keys


@dataclass(frozen=True)
class LetterInputs:
    """The facts of a case a letter needs. ``answers`` holds question keys and note keys (NOTE_KEYS);
    ``exemptions`` is (section as typed or stored, question key or "" for the whole request)."""

    template: str
    regime: str
    reference: str
    received: date
    request_text: str
    letter_date: date
    facts: ClockFacts
    questions: Sequence[Mapping[str, Any]] = ()
    answers: Mapping[str, str] = field(default_factory=dict)
    exemptions: Sequence[tuple[str, str]] = ()
    original_reference: str | None = None
    review_facts: ClockFacts | None = None
    review_requested: date | None = None
    extended_until: date | None = None
    figures: Mapping[str, Sequence[LetterTable]] = field(default_factory=dict)
    annexes: Sequence[Mapping[str, str]] = ()
    requester_name: str | None = None
    requester_address: str | None = None
    language: str = "en"


@dataclass
class LetterContext:
    """The template context plus what sending the letter would record (outcome, extended date)."""

    context: dict[str, Any]
    outcome: str | None = None
    extended_until: date | None = None
    warnings: list[str] = field(default_factory=list)
    synthetic: bool = False
    welsh: bool = False


def _date_or_marker(compute: Any, what: str, warnings: list[str]) -> date | str:
    try:
        value = compute()
    except ClockError as exc:
        warnings.append(f"The {what} cannot be computed: {exc}")
        return marker(what)
    if value is None:
        warnings.append(f"The {what} cannot be computed while the clock is stopped.")
        return marker(what)
    return value


def _exemption_view(
    regime: str, exemption: known_exemptions.Exemption, cited: str, questions: list[str], letter_date: date
) -> dict[str, Any]:
    """What a template reads about one exemption, as the law stood on the letter's date."""
    word = exemption.word
    title = exemption.title_on(letter_date)
    ncnd = exemption.ncnd_on(letter_date)
    return {
        "section": exemption.section,
        "cited": cited,
        "title": title,
        "label": f"{word.capitalize()} {cited} – {title}",
        "cited_label": f"{word} {cited} ({title})",
        "citation": f"{word} {cited}",
        "covers": exemption.covers,
        "nature": exemption.nature_on(letter_date).replace(f"{word.capitalize()} {exemption.section} ",
                                                           f"{word.capitalize()} {cited} ", 1),
        "kind": exemption.kind,
        "qualified": exemption.needs_public_interest_test,
        "for_disclosure": list(exemption.for_disclosure or known_exemptions.DISCLOSURE_FACTORS),
        "against": list(exemption.against)
        or [f"Disclosure would harm the interests that {word} {exemption.section} protects."],
        "ncnd": ncnd,
        "ncnd_citation": f"{word} {ncnd}" if ncnd else None,
        "ncnd_reason": exemption.ncnd_reason
        or f"Confirming or denying whether the information is held would itself disclose information that "
        f"{word} {cited} protects.",
        "ncnd_qualified": exemption.ncnd_has_public_interest_test,
        "ncnd_for": list(exemption.ncnd_for or known_exemptions.CONFIRMATION_FACTORS),
        "ncnd_against": list(exemption.ncnd_against)
        or [f"Confirming or denying would itself cause the harm that {word} {exemption.section} protects against, "
            "whichever the answer."],
        "questions": questions,
    }


def _is_cost(regime: str, exemption: known_exemptions.Exemption) -> bool:
    return exemption.is_cost_limit


def _estimate(notes: dict[str, Any], limit_hours: int, warnings: list[str], needed: bool) -> CostEstimate | None:
    """The cost estimate from the ``hours`` note, its problems as warnings; a marker stands in when missing."""
    typed = notes.get("hours")
    if not typed or typed.startswith("[" + "ANSWER NEEDED"):
        if needed:
            notes["hours"] = marker("hours")
        return None
    estimate = read_estimate(typed, limit_hours=limit_hours)
    warnings.extend(f"Cost estimate: {problem}." for problem in estimate.problems)
    return estimate


def _late_notice(facts: ClockFacts, letter_date: date, regime: str, warnings: list[str]) -> date | None:
    """The 20th working day when a notice dated ``letter_date`` comes after it (FOIA s.17(1): a refusal or
    extension notice is due within the time for complying with s.1(1); EIR reg 7(3)), else None."""
    try:
        due = compute_deadlines(facts).due
    except ClockError:
        return None
    if due is None or letter_date <= due:
        return None
    late = working_days_overdue(due, letter_date, regime)
    rule = "regulation 7(3)" if regime == "eir" else "section 17(1) and (2)"
    warnings.append(
        f"Late: this notice had to be given within 20 working days of receipt, by {due:%-d %B %Y} ({rule}); "
        f"dated {letter_date:%-d %B %Y} it is {late} working day{'s' if late != 1 else ''} late. The letter "
        "apologises for the delay; record why on the case."
    )
    return due


def build_context(inputs: LetterInputs, profile: OrganisationProfile) -> LetterContext:
    """The context for ``render_letter``; raises LetterError for what no marker can stand in for (an
    unknown template, a profile without the regulator a regime needs)."""
    template = CATALOGUE.get(inputs.template)
    if template is None:
        raise LetterError(f"there is no letter template called {inputs.template!r}")
    regime = inputs.regime
    law = LAW.get(regime)
    if law is None:
        raise LetterError(f"there are no letters for the {regime!r} regime")
    warnings: list[str] = []
    org = profile.model_dump()
    problems = profile_problems(profile)
    if problems:
        warnings.append("EXAMPLE PROFILE: this draft cannot be approved until the organisation profile is ready ("
                        + "; ".join(problems) + "). Run `foi-bot profile check`.")
    if inputs.language == "cy":
        warnings.append("This request is in Welsh: under the Welsh Language Standards the reply is due in Welsh. "
                        "Use the organisation's Welsh template (FOI_TEMPLATE_DIR, *.cy.md.j2) or have the letter "
                        "translated before it is sent.")

    regulator_model = profile.scottish_regulator if regime == "foisa" else profile.regulator
    if regulator_model is None:
        raise LetterError(
            "the organisation profile has no 'scottish_regulator', which FOISA letters name",
            field="scottish_regulator",
        )
    regulator = regulator_model.model_dump()
    rights = {
        "review": {"eir": profile.review_paragraph_eir, "foisa": profile.review_paragraph_foisa}.get(
            regime, profile.review_paragraph
        ),
        "complaint": profile.complaint_paragraph_foisa if regime == "foisa" else profile.complaint_paragraph,
    }
    letter_date = inputs.letter_date
    cost = cost_limit(regime, profile.cost_limit_pounds, profile.cost_limit_hours)

    # -- exemptions ------------------------------------------------------------------------------------------
    grouped: dict[tuple[str, str], tuple[known_exemptions.Exemption, list[str]]] = {}
    for section, question in inputs.exemptions:
        try:
            exemption, cited = known_exemptions.find(regime, section)
        except known_exemptions.UnknownExemption:
            warnings.append(f"{section} is not a {regime.upper()} provision; it was left out of the letter.")
            continue
        if not exemption.in_force_on(letter_date):
            warnings.append(f"{exemption.short} was not in force on {letter_date:%-d %B %Y}; it was left out of the "
                            "letter.")
            continue
        entry = grouped.setdefault((exemption.section, cited), (exemption, []))
        if question and f"Q{question}" not in entry[1]:
            entry[1].append(f"Q{question}")
    cost_keys: list[str] = []
    whole_request_cost = False
    withheld: list[dict[str, Any]] = []
    exempt_keys: dict[str, dict[str, Any]] = {}
    for (_section, cited), (exemption, questions) in grouped.items():
        view = _exemption_view(regime, exemption, cited, sorted(questions, key=lambda q: _natural(q[1:])),
                               letter_date)
        if _is_cost(regime, exemption):
            if not questions:
                whole_request_cost = True
            cost_keys.extend(q[1:] for q in questions)
            for q in questions:
                exempt_keys.setdefault(q[1:], {"cost": True, "view": view})
            continue
        withheld.append(view)
        for q in questions:
            exempt_keys.setdefault(q[1:], {"cost": False, "view": view})
    cost_labels = [f"Q{k}" for k in sorted(set(cost_keys), key=_natural)]
    if whole_request_cost or not cost_labels:
        cost_scope = "the information you have requested"
    else:
        cost_scope = f"the information requested at {join_and(cost_labels)}"
    uses_cost_limit = template.name == "cost-limit" or (
        template.name == "response" and bool(cost_labels or whole_request_cost)
    )

    # -- notes ----------------------------------------------------------------------------------------------
    notes: dict[str, Any] = {key: (inputs.answers.get(key) or "").strip() or None for key in NOTE_KEYS}
    for key in REQUIRED_NOTES.get(template.name, ()):
        if not notes[key]:
            notes[key] = marker(key)
    if uses_cost_limit:
        # s.12 refusals state the estimate and always give s.16 advice (FOISA s.15; EIR reg 9).
        for key in ("hours", "advice"):
            if not notes[key]:
                notes[key] = marker(key)
    estimate = _estimate(notes, cost.hours, warnings, uses_cost_limit)
    notes["estimate"] = estimate
    notes["hours_phrase"] = (estimate.hours_text if estimate and estimate.hours is not None
                             else notes["hours"] or marker("hours"))

    # -- dates, all from the clock --------------------------------------------------------------------------
    facts = inputs.facts
    dates: dict[str, Any] = {"received": inputs.received, "letter": letter_date}
    needs = template.name
    if needs in ("acknowledgement",):
        dates["due"] = _date_or_marker(lambda: compute_deadlines(facts).due, "due date", warnings)
    if template.records in ("response", "extension"):
        dates["review_by"] = _date_or_marker(
            lambda: (
                compute_deadlines(
                    replace(facts, responded=letter_date, review_requested=None)
                ).review_request_by
            ),
            "review deadline",
            warnings,
        )
    if needs == "fees-notice":

        def pay_by() -> date | None:
            lapses = compute_deadlines(replace(facts, fee_notice=letter_date, fee_paid=None)).fee_lapses
            return lapses - timedelta(days=1) if lapses else None

        dates["fee_pay_by"] = _date_or_marker(pay_by, "date the fee must be paid by", warnings)
    extended_until: date | None = None
    if needs == "extension":

        def extended() -> date | None:
            deadlines = compute_deadlines(replace(facts, extended=True, extended_until=inputs.extended_until))
            if deadlines.extension_flag:
                warnings.append(deadlines.extension_flag)
            return deadlines.extended_due

        value = _date_or_marker(extended, "extended date", warnings)
        dates["extended_due"] = value
        extended_until = value if isinstance(value, date) else None
        dates["notice_due"] = _late_notice(facts, letter_date, regime, warnings)
    if needs in ("review-acknowledgement", "review-outcome"):
        requested = inputs.review_requested
        dates["review_requested"] = requested or marker("review request date")
        if requested is None:
            warnings.append("No internal review request date is recorded: give it with requested:YYYY-MM-DD.")
            dates["review_due"] = dates["review_max"] = marker("review due date")
        else:
            base = inputs.review_facts or facts
            review = lambda: compute_deadlines(replace(base, review_requested=requested))  # noqa: E731
            dates["review_due"] = _date_or_marker(lambda: review().review_due, "review due date", warnings)
            dates["review_max"] = _date_or_marker(lambda: review().review_max, "review outer limit", warnings)

    # -- figures ---------------------------------------------------------------------------------------------
    figures = {key: list(tables) for key, tables in inputs.figures.items() if tables}
    all_tables = [table for tables in figures.values() for table in tables]
    caveats_seen: set[str] = {profile.data_caveat.strip()}
    synthetic = any(table.synthetic for table in all_tables)
    if synthetic:
        warnings.append("The figures include SYNTHETIC demonstration data: this draft cannot be approved. Run the "
                        "query on real data and store it again with `for REF Qn`.")
    protected = any(table.protected for table in all_tables)

    def figures_text(key: str) -> str:
        parts = []
        for table in figures.get(key, []):
            parts.append(table_block(table))
            if table.caveat and table.caveat.strip() not in caveats_seen:
                caveats_seen.add(table.caveat.strip())
                parts.append(table.caveat.strip())
        return "\n\n".join(parts)

    # -- the response, question by question ------------------------------------------------------------------
    answers = {k: v for k, v in inputs.answers.items() if k not in NOTE_KEYS}
    items: list[dict[str, str]] = []
    visited: set[str] = set()

    def answer_text(key: str) -> str:
        body = fence_tables(answers[key].strip()) if key in answers else ""
        tables = figures_text(key)
        text = "\n\n".join(part for part in (body, tables) if part)
        return "\n" + text if text.startswith(("```", "**")) else text

    def automatic(key: str) -> str:
        info = exempt_keys[key]
        if info["cost"]:
            if regime == "eir":
                return "As detailed above, this part of your request is manifestly unreasonable."
            return "As detailed above, we cannot provide this information within the cost limit."
        view = info["view"]
        verb = "excepted" if regime == "eir" else "exempt"
        return f"This information is {verb} under {view['citation']} ({view['title']}); see below."

    def has_answer(key: str) -> bool:
        return key in answers or key in figures

    def walk(questions: Sequence[Mapping[str, Any]], prefix: str, covered: bool) -> None:
        for question in questions or []:
            key = prefix + _part_key(question.get("number", ""))
            visited.add(key)
            parts = question.get("parts") or []
            if has_answer(key):
                items.append({"label": f"Q{key}", "text": answer_text(key)})
                walk(parts, key, True)
            elif key in exempt_keys:
                items.append({"label": f"Q{key}", "text": automatic(key)})
                walk(parts, key, True)
            elif covered or whole_request_cost:
                walk(parts, key, True)
            elif parts:
                walk(parts, key, False)
            else:
                items.append({"label": f"Q{key}", "text": marker(f"Q{key}")})

    walk(inputs.questions, "", False)
    extras = sorted((set(answers) | set(figures) | set(exempt_keys)) - visited, key=_natural)
    for key in extras:
        text = answer_text(key) if has_answer(key) else automatic(key)
        items.append({"label": f"Q{key}", "text": text})
    if not items:
        items.append({"label": "Q1", "text": marker("Q1")})
    for item in items:
        bare = item["text"].strip()
        if bare.isdigit() and profile.disclosure_rule.is_small(int(bare)):
            warnings.append(f"{item['label']} is answered with {bare}, a small number: if it counts people or "
                            f"crimes, write '{profile.small_number_wording}' and record s40(2) for it.")

    # -- the request as it will be quoted ----------------------------------------------------------------------
    request_text = inputs.request_text.strip()
    if not request_text:
        request_text = "\n".join(f"{q.get('number', '')}. {q.get('text', '')}" for q in inputs.questions)

    outcome = template.outcome
    if template.name == "response":
        outcome = "part" if (withheld or cost_labels or whole_request_cost or protected) else "granted"
    outcome_sentence = ""
    if template.name == "review-outcome":
        said = (notes["outcome"] or "").strip().lower().rstrip(".")
        outcome = REVIEW_OUTCOMES.get(said)
        outcome_sentence = _OUTCOME_SENTENCES.get(outcome or "", notes["outcome"] or marker("outcome"))

    reference_hint = inputs.reference
    missing = {
        "exemption": marker(f"exemption: record it with /foi exempt {reference_hint} SECTION"),
        "qualified_exemption": marker(
            f"qualified exemption: record it with /foi exempt {reference_hint} SECTION"
        ),
        "ncnd_exemption": marker("an exemption with a neither-confirm-nor-deny provision"),
    }
    ncnd = [v for v in withheld if v["ncnd_citation"]]
    context: dict[str, Any] = {
        "regime": regime,
        "law": law,
        "org": org,
        "regulator": regulator,
        "rights": rights,
        "cost": cost,
        "case": {
            "reference": inputs.reference,
            "received": inputs.received,
            "request_text": request_text,
            "original_reference": inputs.original_reference or inputs.reference,
        },
        "requester": {"name": inputs.requester_name or "", "address": inputs.requester_address or ""},
        "example_banner": EXAMPLE_BANNER if problems else "",
        "date_style": profile.date_style,
        "letter_date": letter_date,
        "dates": dates,
        "notes": notes,
        "items": items,
        "cost_questions": cost_labels if not whole_request_cost else ["your request"],
        "cost_scope": cost_scope,
        "uses_cost_limit": uses_cost_limit,
        "withheld": withheld,
        "qualified_exemptions": [v for v in withheld if v["qualified"]],
        "ncnd_exemptions": ncnd,
        "ncnd_in_alternative": {v["ncnd"] for v in ncnd} >= {"23(5)", "24(2)"},
        "small_numbers": profile.disclosure_rule.sentence_for(regime) if protected else "",
        "annexes": list(inputs.annexes),
        "missing": missing,
        "outcome": outcome,
        "outcome_sentence": outcome_sentence,
        "balance_sentence": _BALANCE.get(regime, _BALANCE["foia"]),
        "ncnd_balance_sentence": _NCND_BALANCE.get(regime, _NCND_BALANCE["foia"]),
        "data_protection_law": known_exemptions.data_protection_law(letter_date),
        "data_protection_principle": known_exemptions.data_protection_principle(letter_date),
    }
    return LetterContext(context=context, outcome=outcome, extended_until=extended_until, warnings=warnings,
                         synthetic=synthetic)


def letter_date_text(day: date, profile: OrganisationProfile) -> str:
    """A date as the profile's letters write it (for surfaces that quote the letter's date)."""
    return format_date(day, profile.date_style)
