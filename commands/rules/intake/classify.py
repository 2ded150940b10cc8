"""What kind of message a request is: a follow-up to a case, which regime it falls under, which language.

Each answer is a guess with its reason, because the team confirms it: a subject access request sent as
FOI, an environmental request (EIR) or a Welsh one (the reply is due in Welsh) changes the case.
"""

from __future__ import annotations

import re

from commands.rules.intake.dates import word_alternation
from commands.rules.intake.model import FollowUp, RegimeGuess, Source, Span

# --------------------------------------------------------------------------------------------- follow-up

_REVIEW = re.compile(
    r"\b(?=[irndaIRNDA])(?:internal\s+review\b|\breview\s+of\s+(?:your|the)\s+(?:decision|response|handling|refusal)"
    r"|\bnot\s+(?:satisfied|happy)\s+with\b|\bdissatisfied\s+with\b|\bappeal\s+(?:against\s+)?(?:your|the)\s+decision"
    r"|\badolygiad\s+mewnol\b|\bI\s+(?:wish|would\s+like|want)\s+to\s+complain\s+about\s+the\s+(?:handling|response))",
    re.IGNORECASE,
)
#: A review request comes from the requester: first person or a plea, not a heading in a judgment.
_REVIEW_ASKER = re.compile(r"\b(?:I|I'm|I’m|my|me|we|our|please|request|requesting)\b", re.IGNORECASE)
#: Response letters explain the right to a review; that is not a request for one.
_REVIEW_RIGHTS = re.compile(
    r"\bif\s+you\b|\byou\s+(?:may|can|have\s+the\s+right|are\s+entitled|must|should|will\s+need)\b"
    r"|\bright\s+to\s+(?:request|ask)|\byour\s+right|\bprovides\s+you\b|\bapplicant\b",
    re.IGNORECASE,
)
_CLARIFY = re.compile(
    r"\b(?=[ictfeICTFE])(?:I(?:'d|’d|\s+would)?\s+(?:just\s+)?like\s+to\s+clarify\b|\bto\s+clarify\s+my\s+(?:request|question|original)"
    r"|\bclarif(?:y|ication)\s+(?:of|on|to|regarding|about)\s+my\s+(?:request|question|original)"
    r"|\bin\s+(?:response|reply|answer)\s+to\s+your\s+(?:request\s+for\s+)?clarification"
    r"|\bfurther\s+to\s+your\s+(?:e-?mail|letter|request)\s+(?:asking|seeking)\b|\bclarify\s+the\s+wording\b"
    r"|\beglurhad\b)",
    re.IGNORECASE,
)


#: The new words of a reply come first; what follows is usually the quoted earlier correspondence.
FOLLOW_UP_WINDOW = 10_000


def classify_follow_up(text: str) -> FollowUp | None:
    """Whether a message follows up an existing case: ``internal_review`` (the requester challenges the
    answer), ``clarification`` (the requester explains the request), or None (it reads as a new request).

    A review request restarts a clock of its own, so it must not be registered as a new request; phrases
    inside a response letter's review-rights paragraph ("if you are dissatisfied ...") do not count.
    """
    if not text:
        return None
    text = text[:FOLLOW_UP_WINDOW]
    for match in _REVIEW.finditer(text):
        sentence_start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
        sentence_end_candidates = [
            pos for pos in (text.find(".", match.end()), text.find("\n", match.end())) if pos >= 0
        ]
        sentence_end = min(sentence_end_candidates) if sentence_end_candidates else len(text)
        if _REVIEW_ASKER.search(text, sentence_start, sentence_end) and not _REVIEW_RIGHTS.search(
            text, sentence_start, sentence_end
        ):
            return "internal_review"
    if _CLARIFY.search(text):
        return "clarification"
    return None


# ------------------------------------------------------------------------------------------------ regime

#: Environmental subjects (EIR 2004 reg 2(1): the state of the elements, and factors and measures affecting
#: them). Strong words decide alone; weak ones ("land", "water") need company.
_EIR_STRONG_WORDS = (
    "pesticide pesticides herbicide herbicides insecticide insecticides fungicide fungicides biocide biocides "
    "rodenticide rodenticides avicide avicides molluscicide molluscicides emission emissions pollution "
    "pollutant pollutants polluted contamination contaminated flood floods flooding flooded noise noisy "
    "environmental fly-tipping flytipping sewage asbestos radiation radioactive biodiversity wildlife habitat "
    "habitats climate carbon greenhouse grit gritting de-icing deicing landfill recycling llygredd amgylchedd "
    "amgylcheddol felled felling TPO TPOs arboricultural"
).split()
_EIR_WEAK_WORDS = (
    "land water planning highway highways tree trees salt energy fuel soil river rivers environment verge verges "
    "waste litter drainage landscape"
).split()
_EIR_STRONG = re.compile(
    r"(?<![\w-])(?!environmental\s+(?:health|officer)\b)(?:"
    + word_alternation([*_EIR_STRONG_WORDS, "-cide", "-cides"])
    + r"|air\s+(?:quality|pollution)|planning\s+(?:applications?|permission|consent)|land\s+use"
    + r"|(?:tree\s+)?preservation\s+orders?"
    + r"|water\s+quality|waste\s+(?:disposal|management|collection))\b",
    re.IGNORECASE,
)
#: The authority saying which law it applies: "we now consider the relevant regime is the Environmental Information
#: Regulations", "has now considered your request under the Environmental Information Regulations 2004".
_STATED_EIR = re.compile(
    r"\b(?:(?:considered|consider|deal\s+with|dealt\s+with|handled|handle|processed)\s+(?:your\s+request\s+|it\s+|this\s+request\s+)?"
    r"under\s+(?:the\s+)?(?:Environmental\s+Information\s+(?:\(Scotland\)\s+)?Regulations|EIRs?\b|those\s+Regulations)"
    r"|relevant\s+regime\s+is\s+the\s+Environmental\s+Information|is\s+['‘\"“]environmental\s+information['’\"”])",
    re.IGNORECASE,
)
_EIR_WEAK = re.compile(r"\b" + word_alternation(_EIR_WEAK_WORDS) + r"\b", re.IGNORECASE)
_SAR = re.compile(
    r"\b(?=[smirdeacoSMIRDEACO])(?:subject\s+access\b"
    r"|\bmy\s+(?:own\s+)?(?:personal\s+)?(?:data|information|records?|file|details|arrest|custody|police\s+record"
    r"|criminal\s+record|interview|statement|case|report|complaint|999\s+call|call|body\s*-?cam(?:era)?\s+footage"
    r"|footage|conviction|caution)\b"
    r"|\b(?:information|data|records?|details|everything|anything)\s+(?:that\s+)?(?:you|the\s+police|your\s+force"
    r"|the\s+force)\s+(?:hold|have|holds|has|keep)\s+(?:on|about)\s+(?:me|myself)\b"
    r"|\b(?:about|on|concerning|regarding|relating\s+to)\s+(?:me|myself)\b"
    r"|\bI\s+was\s+(?:\w+ly\s+)?(?:arrested|detained|stopped|searched|assaulted|interviewed|charged|cautioned"
    r"|questioned|handcuffed)\b"
    r"|\b(?:report|complaint|call|statement)s?\s+I\s+(?:made|gave|submitted)\b)",
    re.IGNORECASE,
)


def guess_regime(
    request_text: str,
    scottish: bool,
    span_offset: int,
    source: Source,
    *,
    eir_text: str | None = None,
    whole_text: str | None = None,
) -> RegimeGuess:
    """SAR first (own personal data is never an FOI disclosure), then EIR, then FOISA or FOIA.

    ``eir_text`` is the same text with the requester's definitions and examples blanked (same length): the
    environmental subject is read from what is asked, not from "things like water supply or sewage"."""
    sar_hits = list(_SAR.finditer(request_text))
    if sar_hits:
        phrases = sorted({" ".join(hit.group().split()).lower() for hit in sar_hits})
        confidence = (
            0.9
            if any("subject access" in phrase for phrase in phrases)
            else min(0.85, 0.55 + 0.1 * len(sar_hits))
        )
        first = sar_hits[0]
        return RegimeGuess(
            "sar",
            "asks for the requester's own personal data ("
            + ", ".join(f'"{p}"' for p in phrases[:3])
            + "): a subject access request under the UK GDPR / Data Protection Act 2018",
            round(confidence, 2),
            Span(span_offset + first.start(), span_offset + first.end(), source),
        )
    stated, stated_offset = _STATED_EIR.search(request_text), span_offset
    if stated is None and whole_text is not None:
        # A reply says how it dealt with the request, often outside the quoted request itself.
        stated, stated_offset = _STATED_EIR.search(whole_text), 0
    if stated:
        regulations = "Environmental Information (Scotland) Regulations 2004" if scottish else "EIR 2004"
        return RegimeGuess(
            "eir",
            f'the text says it is dealt with as environmental information ("{" ".join(stated.group().split())}"): {regulations}',
            0.9,
            Span(stated_offset + stated.start(), stated_offset + stated.end(), source),
        )
    subject = request_text if eir_text is None else eir_text
    strong = [hit for hit in _EIR_STRONG.finditer(subject)]
    weak = [hit for hit in _EIR_WEAK.finditer(subject)]
    score = len({h.group().lower() for h in strong}) + 0.5 * len({h.group().lower() for h in weak})
    if score >= 1:
        words = sorted({h.group().lower() for h in strong} | {h.group().lower() for h in weak})
        first = (strong or weak)[0]
        regulations = "Environmental Information (Scotland) Regulations 2004" if scottish else "EIR 2004"
        return RegimeGuess(
            "eir",
            f"environmental subject ({', '.join(words[:5])}): {regulations}",
            round(min(0.9, 0.5 + 0.1 * score), 2),
            Span(span_offset + first.start(), span_offset + first.end(), source),
        )
    if scottish:
        return RegimeGuess(
            "foisa", "Scottish public authority: Freedom of Information (Scotland) Act 2002", 0.8
        )
    return RegimeGuess("foia", "request for recorded information: Freedom of Information Act 2000", 0.7)


# ---------------------------------------------------------------------------------------------- language

_WORD = re.compile(r"[a-zâêîôûŵŷáéíóúàèìòùäëïöüÿ'’]+", re.IGNORECASE)
_WELSH = frozenset(
    "yr yn mae ydych ydy ydyw fy eich gyda hoffwn gwybodaeth cais annwyl diolch rhyddid heddlu blwyddyn rhwng "
    "nifer ynghylch ddeddf deddf wedi bod nad oes ymateb cofion gywir gan ar ac fel sydd hyn ei eu dros ynglŷn "
    "cyfer gyfer drosedd troseddau hefyd neu ond pan hwn hon gennych allwch fyddwn rwy'n i'r o'r a'r dyddiad "
    "y wybodaeth mewn ganlynol am".split()
)
_ENGLISH = frozenset(
    "the and of to in for is that on with by this be are was have from or an as it at please you your my we our "
    "how many what which would could any all number each year years information request".split()
)


_FOREIGN = (
    frozenset(
        # French, Spanish, German, Italian, Portuguese, Polish, Romanian function words that English lacks.
        "le la les des et est une pour que qui dans je vous nous pas sur avec du au el los las es una por con para "
        "del se yo usted der die das und ist ich nicht mit ein eine zu von den dem sie wir il di che è per sono gli "
        "os do da em um não uma się że jest czy jak ale od na nie w z şi în este pentru care cu mai".split()
    )
    - _ENGLISH
)
_NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
_LETTER = re.compile(r"[^\W\d_]")


def language_of(text: str) -> tuple[str, float]:
    """``cy`` for Welsh (the reply is due in Welsh), ``en``, or ``und`` when the text is plainly neither."""
    sample = text[:5_000]
    letters = len(_LETTER.findall(sample))
    if letters >= 40 and len(_NON_LATIN_LETTER.findall(sample)) / letters > 0.5:
        return "und", 0.8
    words = [word.lower() for word in _WORD.findall(text[:20_000])]
    welsh = sum(1 for word in words if word in _WELSH)
    english = sum(1 for word in words if word in _ENGLISH)
    if len(words) < 20:
        # A short message: a few Welsh words and no English ones ("Annwyl ..., Cais ..., Diolch") still tell.
        return ("cy", 0.6) if welsh >= 3 and welsh > 2 * english else ("en", 0.5)
    foreign = sum(1 for word in words if word in _FOREIGN)
    if welsh >= 3 and welsh / len(words) >= 0.15 and welsh > english:
        return "cy", round(min(0.95, 0.5 + welsh / len(words)), 2)
    if foreign / len(words) >= 0.15 and foreign > english:
        return "und", round(min(0.9, 0.4 + foreign / len(words)), 2)
    return "en", round(min(0.95, 0.5 + english / len(words)), 2)
