"""The exemptions (FOIA, FOISA) and exceptions (EIR) a refusal can rely on, and how a letter explains them.

A refusal notice must say which provision applies, what it protects and – for a qualified exemption – how
the public interest was weighed (FOIA s.17(1) and (3); EIR reg 14(3); FOISA s.16(1) and (2)). A "neither
confirm nor deny" (NCND) response must say why confirming or denying *itself* would cause the harm or disclose
the protected information, and weigh the public interest in confirming or denying (FOIA s.2(1)(b); EIR reg
12(6); FOISA s.18(1)). So each entry (in ``exemption_list``) carries the words a letter needs: its title, what
it covers, the kind of test it has (class, prejudice, "required", endangerment, circumstance), its NCND
provision with the dates that provision was in force, and its own public-interest factors drawn from the
Information Commissioner's guidance.

This module holds the model and the reader for what people type ("s40(2)", "section 31(1)(a)", "reg
12(5)(b)"): an unknown section is refused with the closest known ones, because a typo in a refusal notice is
a ground of complaint to the regulator.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal["absolute", "qualified", "procedural", "not-held"]
#: How a provision is engaged: "class" (information of a kind, no harm test), "prejudice" (harm to an
#: interest), "endanger" (s.38: danger to health or safety), "required" (s.24: required to safeguard national
#: security – neither class nor prejudice), "qualified-person" (s.36), "circumstance" (EIR reg 12(4): a state
#: of affairs such as a manifestly unreasonable request), "none" (procedural or not held).
Test = Literal["class", "prejudice", "endanger", "required", "qualified-person", "circumstance", "none"]

#: What a harm test is called under each regime (FOIA "prejudice", FOISA "substantially prejudice",
#: EIR "adversely affect").
HARM_WORDS = {"foia": "prejudice", "foisa": "prejudice substantially", "eir": "adversely affect"}

#: The data protection reforms of 25 May 2018 (Data Protection Act 2018 Sch 19) renumbered the personal-data
#: NCND provisions (FOIA s.40(5) -> s.40(5A)/(5B); EIR reg 13(5) -> reg 13(5A)/(5B)); the UK GDPR replaced the
#: GDPR at the end of the transition period.
DPA_2018 = date(2018, 5, 25)
UK_GDPR = date(2021, 1, 1)


def data_protection_law(day: date) -> str:
    """The data protection law in force on a letter's date, as a letter names it."""
    if day < DPA_2018:
        return "the Data Protection Act 1998"
    if day < UK_GDPR:
        return "the General Data Protection Regulation and the Data Protection Act 2018"
    return "the UK General Data Protection Regulation and the Data Protection Act 2018"


def data_protection_principle(day: date) -> str:
    """The principle an unfair disclosure of personal data breaks, named as the law stood on the day."""
    if day < DPA_2018:
        return "the first data protection principle (Schedule 1 to the Data Protection Act 1998)"
    gdpr = "the GDPR" if day < UK_GDPR else "the UK GDPR"
    return f"the principle of lawful, fair and transparent processing (Article 5(1)(a) of {gdpr})"


@dataclass(frozen=True)
class Exemption:
    """One provision: ``section`` is canonical ("40(2)", "12(4)(a)", "22A"); ``kind`` and ``test`` decide the
    wording. ``ncnd`` is the provision that removes the duty to confirm or deny as it stands now;
    ``ncnd_before`` lists (until, provision) for letters dated before a renumbering. ``since`` is the day the
    provision came into force (None: since the Act began). Public-interest factors: ``for_disclosure`` and
    ``against`` (maintaining the exemption); ``ncnd_for`` and ``ncnd_against`` weigh confirming or denying.
    ``ncnd_reason`` says why confirming or denying would itself cause the harm or disclose the information.
    """

    regime: str
    section: str
    title: str
    kind: Kind
    covers: str
    test: Test = "class"
    harm: str = ""
    ncnd: str | None = None
    ncnd_before: tuple[tuple[date, str], ...] = ()
    ncnd_qualified: bool | None = None
    ncnd_reason: str = ""
    for_disclosure: tuple[str, ...] = ()
    against: tuple[str, ...] = ()
    ncnd_for: tuple[str, ...] = ()
    ncnd_against: tuple[str, ...] = ()
    since: date | None = None
    title_before: tuple[tuple[date, str], ...] = ()

    @property
    def word(self) -> str:
        return "regulation" if self.regime == "eir" else "section"

    @property
    def noun(self) -> str:
        return "exception" if self.regime == "eir" else "exemption"

    @property
    def citation(self) -> str:
        """ "section 40(2)" / "regulation 12(5)(b)", as a sentence cites it."""
        return f"{self.word} {self.section}"

    @property
    def label(self) -> str:
        """ "Section 40(2) – Personal information (third parties)", as a heading."""
        return f"{self.word.capitalize()} {self.section} – {self.title}"

    @property
    def short(self) -> str:
        """ "s.40(2)" / "reg 12(5)(b)", for lists in Slack."""
        return f"{'reg ' if self.regime == 'eir' else 's.'}{self.section}"

    @property
    def prejudice(self) -> bool:
        return self.test in ("prejudice", "endanger", "qualified-person")

    @property
    def needs_public_interest_test(self) -> bool:
        return self.kind == "qualified"

    @property
    def is_cost_limit(self) -> bool:
        return (self.kind == "procedural" and self.section == "12") or (
            self.regime == "eir" and self.section == "12(4)(b)"
        )

    @property
    def ncnd_citation(self) -> str | None:
        return f"{self.word} {self.ncnd}" if self.ncnd else None

    def in_force_on(self, day: date) -> bool:
        return self.since is None or day >= self.since

    def title_on(self, day: date) -> str:
        for until, title in sorted(self.title_before):
            if day < until:
                return title
        return self.title

    def ncnd_on(self, day: date) -> str | None:
        """The NCND provision in force on a letter's date ("40(5)(b)(i)" before 25 May 2018, "40(5B)(a)(i)"
        after)."""
        for until, provision in sorted(self.ncnd_before):
            if day < until:
                return provision
        return self.ncnd

    @property
    def ncnd_has_public_interest_test(self) -> bool:
        """Whether the exclusion from the duty to confirm or deny is itself qualified (FOIA s.2(1)(b))."""
        if self.ncnd_qualified is not None:
            return self.ncnd_qualified
        return self.kind == "qualified"

    def nature_on(self, day: date | None = None) -> str:
        """One or two sentences on what kind of provision this is – the test it has, and whether the public
        interest decides – in the regime's own words (EIR: "exception", "adversely affect")."""
        head = f"{self.word.capitalize()} {self.section}"
        noun = self.noun
        public_interest = {
            "foia": "section 2(2)(b)",
            "foisa": "section 2(1)(b)",
            "eir": "regulation 12(1)(b)",
        }[self.regime]
        balance = (
            f"the information can be withheld only if, in all the circumstances, the public interest in "
            f"maintaining the {noun} outweighs the public interest in disclosing it ({public_interest})"
        )
        if self.regime == "eir":
            balance += ", bearing in mind the presumption in favour of disclosure (regulation 12(2))"
        if self.kind == "procedural":
            return f"{head} removes the duty to comply with the request; it is not an {noun} from disclosure."
        if self.kind == "not-held":
            return f"{head} applies because the information is not held."
        if self.kind == "absolute":
            if self.regime == "eir":
                return (
                    f"{head} is not subject to the public interest test in regulation 12(1)(b) where disclosure "
                    "would contravene the data protection principles."
                )
            return f"{head} is an absolute {noun}: if it applies, there is no public interest test."
        likely = "would" if self.regime == "eir" else "would, or would be likely to,"
        harm_word = HARM_WORDS.get(self.regime, "prejudice")
        if self.test == "prejudice":
            what = self.harm or "the interests it protects"
            return f"{head} is a prejudice-based qualified {noun}: it applies only if disclosure {likely} {harm_word} {what}; {balance}."
        if self.test == "endanger":
            return (
                f"{head} is a qualified {noun} with a harm test of its own: it applies only if disclosure {likely} "
                f"endanger {self.harm or 'the physical or mental health or the safety of an individual'}; {balance}."
            )
        if self.test == "qualified-person":
            return (
                f"{head} is a qualified {noun}: it applies only if, in the reasonable opinion of the force's "
                f"qualified person, disclosure {likely} {harm_word} {self.harm or 'the effective conduct of public affairs'}; "
                f"{balance}."
            )
        if self.test == "required":
            return (
                f"{head} is a qualified {noun} that applies where exemption is required – that is, reasonably "
                f"necessary – for the purpose of {self.harm or 'safeguarding national security'}; it is neither "
                f"class-based nor prejudice-based, and {balance}."
            )
        if self.test == "circumstance":
            return f"{head} is an {noun} subject to the public interest test: {balance}."
        return f"{head} is a class-based qualified {noun}: it applies to information of this kind without any need to show harm, but {balance}."

    @property
    def nature(self) -> str:
        return self.nature_on()


#: Factors favouring disclosure that hold for any request, used where an entry has none of its own.
DISCLOSURE_FACTORS = (
    "Disclosure would promote openness and transparency, and accountability for the use of public money and "
    "police resources.",
    "Disclosure would better inform public debate on the subject of the request.",
)
#: Factors favouring confirming or denying that hold for any request.
CONFIRMATION_FACTORS = (
    "Confirming or denying whether information is held would promote openness and transparency about the "
    "force's work, and accountability for its use of public resources.",
)


_PREFIX = re.compile(r"^(?:sections?|sect|sec|s|regulations?|regs?|r|exemptions?)\s*\.?\s*", re.IGNORECASE)
_BASE = re.compile(r"^(\d+)([a-z]?)(?=\(|$|\s)")


class UnknownExemption(ValueError):
    """A section that is not in the list for the case's regime; ``suggestions`` are the closest known ones."""

    def __init__(self, typed: str, regime: str, suggestions: list[Exemption]) -> None:
        self.typed = typed
        self.regime = regime
        self.suggestions = suggestions
        super().__init__(typed)


def canonical(text: str) -> str:
    """ "S.40 (2)" -> "40(2)", "reg 12(4)a" -> "12(4)(a)", "22a" -> "22a": one spelling to compare."""
    value = text.strip().lower()
    value = _PREFIX.sub("", value, count=1).replace(" ", "").replace("–", "").strip(".")
    match = _BASE.match(value)
    if not match:
        return value
    base = match.group(1) + match.group(2)
    rest = value[match.end() :]
    groups = re.findall(r"\(([0-9a-z]+)\)|([0-9]+|[a-z]+)", rest)
    parts = [g1 or g2 for g1, g2 in groups]
    return base + "".join(f"({p})" for p in parts)


def _split(key: str) -> tuple[str, tuple[str, ...]]:
    match = re.match(r"^([0-9]+[a-z]?)(.*)$", key)
    if not match:
        return key, ()
    return match.group(1), tuple(re.findall(r"\(([0-9a-z]+)\)", match.group(2)))


def for_regime(regime: str) -> dict[str, Exemption]:
    """The known provisions of a regime (subject access has none: it is not a refusal regime here)."""
    from commands.rules.letters.exemption_list import EXEMPTIONS

    return EXEMPTIONS.get(regime, {})


def find(regime: str, typed: str) -> tuple[Exemption, str]:
    """The exemption a person means, and the section to cite (keeping a subsection they typed).

    "s31(1)(a)" finds section 31 and cites "31(1)(a)"; "40(2)" finds 40(2). An NCND provision typed on its
    own ("s31(3)", "s40(5B)", "reg 12(6)") finds the exemption it belongs to. Raises UnknownExemption with
    close matches otherwise.
    """
    known = for_regime(regime)
    key = canonical(typed)
    if key in known:
        return known[key], known[key].section
    by_ncnd = [
        entry
        for entry in known.values()
        if entry.ncnd
        and "(" in key
        and any(
            provision == key or provision.startswith(key + "(")
            for provision in {canonical(entry.ncnd), *(canonical(p) for _, p in entry.ncnd_before)}
        )
    ]
    if len({e.section for e in by_ncnd}) == 1:
        return by_ncnd[0], by_ncnd[0].section
    base, groups = _split(key)
    best: Exemption | None = None
    for entry_key, entry in known.items():
        entry_base, entry_groups = _split(entry_key)
        if (
            entry_base == base
            and groups[: len(entry_groups)] == entry_groups
            and len(groups) > len(entry_groups)
        ):
            if best is None or len(entry_groups) > len(_split(best.section.lower())[1]):
                best = entry
    if best is not None:
        cited = best.section[: len(base)] + "".join(f"({g})" for g in groups)
        return best, cited
    raise UnknownExemption(typed, regime, suggestions(regime, typed))


def suggestions(regime: str, typed: str, n: int = 4) -> list[Exemption]:
    """Known provisions close to what was typed: same section number first, then by spelling."""
    known = for_regime(regime)
    key = canonical(typed)
    base, _ = _split(key)
    same_base = [e for k, e in known.items() if _split(k)[0] == base]
    by_spelling = [known[k] for k in difflib.get_close_matches(key, list(known), n=n, cutoff=0.5)]
    out: list[Exemption] = []
    for entry in same_base + by_spelling:
        if entry not in out:
            out.append(entry)
    return out[:n]

