"""The exemptions (FOIA, FOISA) and exceptions (EIR) a refusal can rely on, with their standard wording.

Pure data plus a reader for what people type ("s40(2)", "section 31(1)(a)", "reg 12(5)(b)"). A refusal
notice must say which provision applies, what it protects and -- for a qualified exemption -- how the
public interest was weighed (FOIA s.17(1) and (3); EIR reg 14(3); FOISA s.16(1) and (2)), so each entry
carries the words a letter needs: its title, what it covers, whether it is absolute, class-based or
prejudice-based, and the provision that lets the authority neither confirm nor deny.

Only the provisions a police force's team actually cites are listed; an unknown section is refused with
the closest known ones, because a typo in a refusal notice is a ground of complaint to the regulator.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["absolute", "qualified", "procedural", "not-held"]

#: What a harm test is called under each regime (FOIA "prejudice", FOISA "substantial prejudice",
#: EIR "adversely affect").
HARM_WORDS = {"foia": "prejudice", "foisa": "substantially prejudice", "eir": "adversely affect"}


@dataclass(frozen=True)
class Exemption:
    """One provision: ``section`` is canonical ("40(2)", "12(4)(a)", "22A"); ``kind`` decides the wording.

    ``absolute``: no public interest test. ``qualified``: the public interest test applies (FOIA s.2(2)(b),
    EIR reg 12(1)(b), FOISA s.2(1)(b)); ``prejudice`` says whether a harm test comes first.
    ``procedural``: not an exemption but a ground for not complying (cost limit, vexatious).
    ``not-held``: EIR reg 12(4)(a). ``ncnd`` is the provision that removes the duty to confirm or deny.
    """

    regime: str
    section: str
    title: str
    kind: Kind
    covers: str
    prejudice: bool = False
    ncnd: str | None = None
    against: str = ""

    @property
    def word(self) -> str:
        return "regulation" if self.regime == "eir" else "section"

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
    def needs_public_interest_test(self) -> bool:
        return self.kind == "qualified"

    @property
    def is_cost_limit(self) -> bool:
        return self.kind == "procedural" and self.section == "12"

    @property
    def ncnd_citation(self) -> str | None:
        return f"{self.word} {self.ncnd}" if self.ncnd else None

    @property
    def nature(self) -> str:
        """One sentence on what kind of exemption this is, in the words police letters use."""
        noun = "exception" if self.regime == "eir" else "exemption"
        if self.kind == "absolute":
            return (
                f"{self.label.split(' – ')[0]} is an absolute {noun}: there is no requirement to consider "
                "the public interest."
            )
        if self.kind == "procedural":
            return f"{self.label.split(' – ')[0]} removes the duty to comply with the request."
        if self.kind == "not-held":
            return f"{self.label.split(' – ')[0]} applies because the information is not held."
        harm = HARM_WORDS.get(self.regime, "prejudice")
        likely = "would" if self.regime == "eir" else "would, or would be likely to,"
        if self.prejudice:
            return (
                f"{self.label.split(' – ')[0]} is a harm-based qualified {noun}: the {noun} applies only if "
                f"disclosure {likely} {harm} the interests it protects, and a public "
                "interest test must then be carried out. It can only be used if the public interest "
                "favours non-disclosure."
            )
        return (
            f"{self.label.split(' – ')[0]} is a class-based qualified {noun}: information of this class is "
            "exempt, but a public interest test must be carried out and it can only be used if the public "
            "interest favours non-disclosure."
        )


def _e(
    regime: str,
    section: str,
    title: str,
    kind: Kind,
    covers: str,
    *,
    prejudice: bool = False,
    ncnd: str | None = None,
    against: str = "",
) -> Exemption:
    return Exemption(
        regime=regime,
        section=section,
        title=title,
        kind=kind,
        covers=covers,
        prejudice=prejudice,
        ncnd=ncnd,
        against=against,
    )


_FOIA: tuple[Exemption, ...] = (
    _e(
        "foia",
        "12",
        "Cost of compliance exceeds the appropriate limit",
        "procedural",
        "Section 12(1) does not oblige a public authority to comply with a request if it estimates that the cost "
        "of complying would exceed the appropriate limit set by the Fees Regulations.",
    ),
    _e(
        "foia",
        "14",
        "Vexatious or repeated requests",
        "procedural",
        "Section 14 does not oblige a public authority to comply with a request that is vexatious, or that is "
        "identical or substantially similar to a previous request from the same person.",
    ),
    _e(
        "foia",
        "21",
        "Information accessible to the applicant by other means",
        "absolute",
        "Section 21 exempts information that is reasonably accessible to the applicant otherwise than under the "
        "Act, for example because it is already published.",
    ),
    _e(
        "foia",
        "22",
        "Information intended for future publication",
        "qualified",
        "Section 22 exempts information held with a view to its publication at a future date, where it is "
        "reasonable to withhold it until then.",
        ncnd="22(2)",
        against="The information will be published, and releasing it early would undermine the planned "
        "publication and its quality assurance.",
    ),
    _e(
        "foia",
        "22A",
        "Research",
        "qualified",
        "Section 22A exempts information obtained in the course of an ongoing programme of research intended "
        "for future publication, where disclosure would prejudice the programme.",
        prejudice=True,
        ncnd="22A(2)",
    ),
    _e(
        "foia",
        "23",
        "Information supplied by, or concerning, certain security bodies",
        "absolute",
        "Section 23(1) exempts information directly or indirectly supplied by, or relating to, the security "
        "bodies listed in section 23(3).",
        ncnd="23(5)",
    ),
    _e(
        "foia",
        "24",
        "National security",
        "qualified",
        "Section 24(1) exempts information where exemption is required for the purpose of safeguarding "
        "national security.",
        ncnd="24(2)",
        against="Disclosure would give those who threaten national security information about police "
        "capability and tactics.",
    ),
    _e(
        "foia",
        "26",
        "Defence",
        "qualified",
        "Section 26 exempts information whose disclosure would, or would be likely to, prejudice the defence of "
        "the British Islands or the capability of the armed forces.",
        prejudice=True,
        ncnd="26(3)",
    ),
    _e(
        "foia",
        "27",
        "International relations",
        "qualified",
        "Section 27 exempts information whose disclosure would, or would be likely to, prejudice relations "
        "between the United Kingdom and another State or international organisation, or confidential "
        "information obtained from them.",
        prejudice=True,
        ncnd="27(4)",
    ),
    _e(
        "foia",
        "28",
        "Relations within the United Kingdom",
        "qualified",
        "Section 28 exempts information whose disclosure would, or would be likely to, prejudice relations "
        "between administrations in the United Kingdom.",
        prejudice=True,
        ncnd="28(3)",
    ),
    _e(
        "foia",
        "29",
        "The economy",
        "qualified",
        "Section 29 exempts information whose disclosure would, or would be likely to, prejudice the economic "
        "or financial interests of the United Kingdom.",
        prejudice=True,
        ncnd="29(2)",
    ),
    _e(
        "foia",
        "30",
        "Investigations and proceedings conducted by public authorities",
        "qualified",
        "Section 30 exempts information held for the purposes of an investigation which the authority has a "
        "duty to conduct with a view to ascertaining whether a person should be charged with an offence, or "
        "obtained from confidential sources for such investigations.",
        ncnd="30(3)",
        against="Disclosure would undermine the investigative process and the willingness of witnesses and "
        "sources to assist the police in future.",
    ),
    _e(
        "foia",
        "31",
        "Law enforcement",
        "qualified",
        "Section 31(1) exempts information whose disclosure would, or would be likely to, prejudice the "
        "prevention or detection of crime, the apprehension or prosecution of offenders, or the administration "
        "of justice.",
        prejudice=True,
        ncnd="31(3)",
        against="Disclosure would be likely to prejudice the prevention and detection of crime by revealing "
        "police capability, tactics or resourcing to those intent on committing crime.",
    ),
    _e(
        "foia",
        "32",
        "Court records",
        "absolute",
        "Section 32 exempts information held only by virtue of being contained in documents filed with, or "
        "created by, a court for the purposes of proceedings.",
        ncnd="32(3)",
    ),
    _e(
        "foia",
        "33",
        "Audit functions",
        "qualified",
        "Section 33 exempts information whose disclosure would, or would be likely to, prejudice the exercise of "
        "an authority's audit functions.",
        prejudice=True,
        ncnd="33(3)",
    ),
    _e(
        "foia",
        "34",
        "Parliamentary privilege",
        "absolute",
        "Section 34 exempts information where exemption is required to avoid an infringement of the privileges "
        "of either House of Parliament.",
        ncnd="34(2)",
    ),
    _e(
        "foia",
        "35",
        "Formulation of government policy",
        "qualified",
        "Section 35 exempts information held by a government department relating to the formulation or "
        "development of government policy and related communications.",
        ncnd="35(3)",
    ),
    _e(
        "foia",
        "36",
        "Prejudice to effective conduct of public affairs",
        "qualified",
        "Section 36 exempts information whose disclosure would, in the reasonable opinion of a qualified person, "
        "prejudice the free and frank provision of advice or exchange of views, or otherwise prejudice the "
        "effective conduct of public affairs.",
        prejudice=True,
        ncnd="36(3)",
    ),
    _e(
        "foia",
        "37",
        "Communications with His Majesty and honours",
        "qualified",
        "Section 37 exempts communications with the Sovereign, other members of the Royal Family and the Royal "
        "Household, and information relating to the conferring of honours.",
        ncnd="37(2)",
    ),
    _e(
        "foia",
        "38",
        "Health and safety",
        "qualified",
        "Section 38(1) exempts information whose disclosure would, or would be likely to, endanger the physical "
        "or mental health or the safety of any individual.",
        prejudice=True,
        ncnd="38(2)",
        against="Disclosure would be likely to endanger the safety of the individuals concerned.",
    ),
    _e(
        "foia",
        "39",
        "Environmental information",
        "qualified",
        "Section 39 exempts environmental information, which is instead dealt with under the Environmental "
        "Information Regulations 2004.",
        ncnd="39(2)",
        against="The request falls to be answered under the Environmental Information Regulations 2004.",
    ),
    _e(
        "foia",
        "40(1)",
        "Personal information (the requester's own)",
        "absolute",
        "Section 40(1) exempts information that is the personal data of the requester; it is dealt with as a "
        "subject access request under the UK GDPR and the Data Protection Act 2018.",
        ncnd="40(5A)",
    ),
    _e(
        "foia",
        "40(2)",
        "Personal information (third parties)",
        "absolute",
        "Section 40(2) exempts the personal data of someone other than the requester where disclosure would "
        "contravene the data protection principles. Disclosure under the Act is disclosure to the world, and "
        "releasing this information would not be fair or lawful to the individuals concerned.",
        ncnd="40(5B)",
    ),
    _e(
        "foia",
        "41",
        "Information provided in confidence",
        "absolute",
        "Section 41 exempts information obtained from another person where its disclosure would constitute an "
        "actionable breach of confidence.",
        ncnd="41(2)",
    ),
    _e(
        "foia",
        "42",
        "Legal professional privilege",
        "qualified",
        "Section 42 exempts information in respect of which a claim to legal professional privilege could be "
        "maintained in legal proceedings.",
        ncnd="42(2)",
        against="There is a strong inherent public interest in the confidentiality of communications between "
        "lawyers and their clients, so that the authority can obtain full and frank legal advice.",
    ),
    _e(
        "foia",
        "43",
        "Commercial interests",
        "qualified",
        "Section 43 exempts trade secrets, and information whose disclosure would, or would be likely to, "
        "prejudice the commercial interests of any person, including the authority.",
        prejudice=True,
        ncnd="43(3)",
        against="Disclosure would be likely to prejudice the commercial interests of the force and its "
        "suppliers, and its ability to obtain value for money.",
    ),
    _e(
        "foia",
        "44",
        "Prohibitions on disclosure",
        "absolute",
        "Section 44 exempts information whose disclosure is prohibited by or under any enactment, is "
        "incompatible with a retained EU obligation, or would be a contempt of court.",
        ncnd="44(2)",
    ),
)

_EIR: tuple[Exemption, ...] = (
    _e(
        "eir",
        "12(4)(a)",
        "Information not held",
        "not-held",
        "Regulation 12(4)(a) applies where the authority does not hold the information when the request is "
        "received.",
    ),
    _e(
        "eir",
        "12(4)(b)",
        "Manifestly unreasonable request",
        "qualified",
        "Regulation 12(4)(b) applies where a request is manifestly unreasonable, including where the cost or "
        "burden of complying would be grossly excessive.",
        against="Complying would divert a disproportionate amount of resources from the authority's other "
        "functions.",
    ),
    _e(
        "eir",
        "12(4)(c)",
        "Request formulated in too general a manner",
        "qualified",
        "Regulation 12(4)(c) applies where a request is formulated in too general a manner and the authority has "
        "offered advice and assistance under regulation 9.",
    ),
    _e(
        "eir",
        "12(4)(d)",
        "Material in the course of completion, unfinished documents or incomplete data",
        "qualified",
        "Regulation 12(4)(d) applies where the request relates to material still in the course of completion, "
        "to unfinished documents or to incomplete data.",
    ),
    _e(
        "eir",
        "12(4)(e)",
        "Internal communications",
        "qualified",
        "Regulation 12(4)(e) applies where the request would involve the disclosure of internal "
        "communications.",
    ),
    _e(
        "eir",
        "12(5)(a)",
        "International relations, defence, national security or public safety",
        "qualified",
        "Regulation 12(5)(a) applies where disclosure would adversely affect international relations, defence, "
        "national security or public safety.",
        prejudice=True,
        ncnd="12(6)",
        against="Disclosure would adversely affect public safety.",
    ),
    _e(
        "eir",
        "12(5)(b)",
        "The course of justice and inquiries",
        "qualified",
        "Regulation 12(5)(b) applies where disclosure would adversely affect the course of justice, the ability "
        "of a person to receive a fair trial, or the ability of a public authority to conduct an inquiry of a "
        "criminal or disciplinary nature.",
        prejudice=True,
        against="Disclosure would adversely affect the force's ability to conduct criminal investigations.",
    ),
    _e(
        "eir",
        "12(5)(c)",
        "Intellectual property rights",
        "qualified",
        "Regulation 12(5)(c) applies where disclosure would adversely affect intellectual property rights.",
        prejudice=True,
    ),
    _e(
        "eir",
        "12(5)(d)",
        "Confidentiality of proceedings",
        "qualified",
        "Regulation 12(5)(d) applies where disclosure would adversely affect the confidentiality of the "
        "proceedings of a public authority where that confidentiality is provided by law.",
        prejudice=True,
    ),
    _e(
        "eir",
        "12(5)(e)",
        "Confidentiality of commercial or industrial information",
        "qualified",
        "Regulation 12(5)(e) applies where disclosure would adversely affect the confidentiality of commercial "
        "or industrial information where such confidentiality is provided by law to protect a legitimate "
        "economic interest.",
        prejudice=True,
    ),
    _e(
        "eir",
        "12(5)(f)",
        "Interests of the person who provided the information",
        "qualified",
        "Regulation 12(5)(f) applies where disclosure would adversely affect the interests of a person who "
        "provided the information voluntarily and has not consented to its disclosure.",
        prejudice=True,
    ),
    _e(
        "eir",
        "12(5)(g)",
        "Protection of the environment",
        "qualified",
        "Regulation 12(5)(g) applies where disclosure would adversely affect the protection of the environment "
        "to which the information relates.",
        prejudice=True,
    ),
    _e(
        "eir",
        "13",
        "Personal data",
        "absolute",
        "Regulation 13 applies to the personal data of someone other than the requester where disclosure would "
        "contravene the data protection principles.",
        ncnd="13(5A)",
    ),
)

_FOISA: tuple[Exemption, ...] = (
    _e(
        "foisa",
        "12",
        "Excessive cost of compliance",
        "procedural",
        "Section 12(1) does not oblige a Scottish public authority to comply with a request if it estimates "
        "that the cost of complying would exceed the amount prescribed by the Fees Regulations.",
    ),
    _e(
        "foisa",
        "14",
        "Vexatious or repeated requests",
        "procedural",
        "Section 14 does not oblige a Scottish public authority to comply with a request that is vexatious, or "
        "that is identical or substantially similar to a previous request from the same person.",
    ),
    _e(
        "foisa",
        "25",
        "Information otherwise accessible",
        "absolute",
        "Section 25(1) exempts information that the applicant can reasonably obtain other than by requesting "
        "it under the Act.",
    ),
    _e(
        "foisa",
        "26",
        "Prohibitions on disclosure",
        "absolute",
        "Section 26 exempts information whose disclosure is prohibited by or under an enactment or would be a "
        "contempt of court.",
    ),
    _e(
        "foisa",
        "27",
        "Information intended for future publication",
        "qualified",
        "Section 27(1) exempts information held with a view to its publication within twelve weeks of the "
        "request, where it is reasonable to withhold it until then.",
    ),
    _e(
        "foisa",
        "28",
        "Relations within the United Kingdom",
        "qualified",
        "Section 28 exempts information whose disclosure would, or would be likely to, prejudice substantially "
        "relations between administrations in the United Kingdom.",
        prejudice=True,
        ncnd="18",
    ),
    _e(
        "foisa",
        "29",
        "Formulation of Scottish Administration policy",
        "qualified",
        "Section 29 exempts information held by the Scottish Administration relating to the formulation or "
        "development of government policy.",
        ncnd="18",
    ),
    _e(
        "foisa",
        "30",
        "Prejudice to effective conduct of public affairs",
        "qualified",
        "Section 30 exempts information whose disclosure would, or would be likely to, inhibit substantially "
        "the free and frank provision of advice or exchange of views, or otherwise prejudice substantially the "
        "effective conduct of public affairs.",
        prejudice=True,
        ncnd="18",
    ),
    _e(
        "foisa",
        "31",
        "National security and defence",
        "qualified",
        "Section 31 exempts information where exemption is required for the purpose of safeguarding national "
        "security, or whose disclosure would prejudice substantially the defence of the British Islands.",
        prejudice=True,
        ncnd="18",
    ),
    _e(
        "foisa",
        "32",
        "International relations",
        "qualified",
        "Section 32 exempts information whose disclosure would, or would be likely to, prejudice substantially "
        "relations between the United Kingdom and another State or international organisation.",
        prejudice=True,
        ncnd="18",
    ),
    _e(
        "foisa",
        "33",
        "Commercial interests and the economy",
        "qualified",
        "Section 33 exempts trade secrets and information whose disclosure would, or would be likely to, "
        "prejudice substantially the commercial interests of any person or the economic interests of "
        "Scotland or the United Kingdom.",
        prejudice=True,
        ncnd="18",
    ),
    _e(
        "foisa",
        "34",
        "Investigations by Scottish public authorities and proceedings arising out of such investigations",
        "qualified",
        "Section 34 exempts information held for the purposes of an investigation which the authority has a "
        "duty to conduct to ascertain whether a person should be prosecuted for an offence.",
        ncnd="18",
        against="Disclosure would undermine the investigative process and the willingness of witnesses to "
        "assist the police.",
    ),
    _e(
        "foisa",
        "35",
        "Law enforcement",
        "qualified",
        "Section 35(1) exempts information whose disclosure would, or would be likely to, prejudice "
        "substantially the prevention or detection of crime, the apprehension or prosecution of offenders, or "
        "the administration of justice.",
        prejudice=True,
        ncnd="18",
        against="Disclosure would be likely to prejudice substantially the prevention and detection of crime.",
    ),
    _e(
        "foisa",
        "36(1)",
        "Confidentiality (legal privilege)",
        "qualified",
        "Section 36(1) exempts information in respect of which a claim to confidentiality of communications "
        "could be maintained in legal proceedings.",
    ),
    _e(
        "foisa",
        "36(2)",
        "Confidentiality (information obtained from another person)",
        "absolute",
        "Section 36(2) exempts information obtained from another person where its disclosure would constitute "
        "a breach of confidence actionable by that person.",
    ),
    _e(
        "foisa",
        "37",
        "Court records",
        "absolute",
        "Section 37 exempts information contained in documents lodged with, or created by, a court for the "
        "purposes of proceedings.",
    ),
    _e(
        "foisa",
        "38(1)(a)",
        "Personal information (the requester's own)",
        "absolute",
        "Section 38(1)(a) exempts personal data of which the applicant is the data subject; it is dealt with as "
        "a subject access request under the UK GDPR.",
        ncnd="18",
    ),
    _e(
        "foisa",
        "38(1)(b)",
        "Personal information (third parties)",
        "absolute",
        "Section 38(1)(b) exempts the personal data of someone other than the applicant where disclosure would "
        "contravene the data protection principles.",
        ncnd="18",
    ),
    _e(
        "foisa",
        "39",
        "Health, safety and the environment",
        "qualified",
        "Section 39(1) exempts information whose disclosure would, or would be likely to, endanger the physical "
        "or mental health or the safety of an individual; section 39(2) exempts environmental information, "
        "dealt with under the Environmental Information (Scotland) Regulations 2004.",
        prejudice=True,
        ncnd="18",
        against="Disclosure would be likely to endanger the safety of the individuals concerned.",
    ),
    _e(
        "foisa",
        "40",
        "Audit functions",
        "qualified",
        "Section 40 exempts information whose disclosure would, or would be likely to, prejudice substantially "
        "the exercise of an authority's audit functions.",
        prejudice=True,
    ),
    _e(
        "foisa",
        "41",
        "Communications with His Majesty etc. and honours",
        "qualified",
        "Section 41 exempts communications with His Majesty, other members of the Royal Family or the Royal "
        "Household, and information relating to the exercise of the prerogative of honour.",
        ncnd="18",
    ),
)

EXEMPTIONS: dict[str, dict[str, Exemption]] = {
    regime: {e.section.lower(): e for e in entries}
    for regime, entries in (("foia", _FOIA), ("eir", _EIR), ("foisa", _FOISA))
}

#: Standard factors favouring disclosure, used when the caseworker has not written the case's own.
DISCLOSURE_FACTORS = (
    "Disclosure would promote openness and transparency, and accountability for the use of public money and "
    "police resources, and would better inform public debate."
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
    return EXEMPTIONS.get(regime, {})


def find(regime: str, typed: str) -> tuple[Exemption, str]:
    """The exemption a person means, and the section to cite (keeping a subsection they typed).

    "s31(1)(a)" finds section 31 and cites "31(1)(a)"; "40(2)" finds 40(2). Raises UnknownExemption with
    close matches otherwise.
    """
    known = for_regime(regime)
    key = canonical(typed)
    if key in known:
        return known[key], known[key].section
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
