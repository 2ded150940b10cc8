"""How much a message looks like an information request, with the reasons, so the bot can stay quiet.

The intake channel also carries colleagues' chatter, questions about guidance, out-of-office replies and
thank-yous. Proposing a case for each would teach the team to ignore the bot, so a message is proposed
only when its score reaches :data:`THRESHOLD`. The score is a sum of small, named pieces of evidence
(asks for information, names the Act, numbered questions, a period; or reads like an automatic reply, a
thank-you, a colleague's question) so that a person can see why a message was or was not proposed. It
was tuned on the labelled corpus in ``tests/data/requests`` (requests and non-requests side by side).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commands.rules.intake.model import REQUEST_THRESHOLD, RequestProposal

#: At or above this score a message is proposed as a case.
THRESHOLD = REQUEST_THRESHOLD


@dataclass(frozen=True)
class RequestLikeness:
    score: float
    is_request: bool
    #: Plain-language reasons, strongest first: "asks for information ("please provide")".
    reasons: tuple[str, ...]


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.MULTILINE)


_ACT = _rx(
    r"\bfreedom\s+of\s+information\b|\bFOI(?:A|SA)?\b|\benvironmental\s+information\s+regulations\b|\bEIRs?\b"
    r"|\binformation\s+request\b|\brequest\s+for\s+information\b|\brhyddid\s+gwybodaeth\b|\bpublic\s+records\b"
    r"|\bsubject\s+access\b|\bdata\s+protection\s+act\b"
)
_ASK = _rx(
    r"\bplease\s+(?:could\s+you\s+|can\s+you\s+|would\s+you\s+|may\s+you\s+)?(?:provide|send|supply|tell|advise|confirm|list|give|show|let\s+me\s+know|disclose|release|break|include|state|indicate|explain|specify)\b"
    r"|\bI\s+(?:would|'d|’d)\s+like\s+(?:to\s+(?:request|know|obtain|receive|see|ask)|the\s+(?:number|figures?|latest)|a\s+copy|copies|information)"
    r"|\bI\s+(?:hereby\s+|also\s+)?request\b|\bI\s+am\s+(?:writing\s+to\s+request|requesting|looking\s+for)\b|\bI\s+require\b"
    r"|\b(?:could|can|would)\s+(?:you|I)\s+(?:please\s+)?(?:provide|tell|confirm|let|send|supply|show|have|advise|request)\b"
    r"|\bcop(?:y|ies)\s+of\b|\bhow\s+(?:many|much|often|long)\b|\b(?:the|total)\s+(?:number|amount|cost|value)\s+of\b"
    r"|\bwhat\s+(?:is|was|were|are|criteria|type)\b|\bwhether\b|\bbreak(?:\s*down|\s+this\s+down)\b"
    r"|\bif\s+you\s+could\s+(?:please\s+)?(?:give|provide|send|tell|supply|confirm)\b|\bgive\s+me\s+(?:the\s+)?figures\b"
    r"|^\W{0,3}(?:\d{1,2}[.)][ \t]{1,3})?(?:do|does|did|are|is|has|have)\s+(?:you|the|your|there|any|it|this|that)\b[^?\n]{5,200}\?"
    r"|\b(?:when|which|who|where)\s+(?:was|were|is|are|did|does|do|has|have|will)\b[^?\n]{5,200}\?"
    r"|\bhoffwn\b|\bfaint\s+o\b|\bnifer\b"
)
_QUOTED_REQUEST = _rx(
    r"\byou\s+asked\b|\byour\s+request\b|\brequested\s+(?:the\s+)?following\b|\bin\s+the\s+following\s+terms\b"
    r"|\bmade\s+(?:the\s+following|this|a)\s+(?:[\w-]+\s+)?request\b|^[ \t]*Request(?:\s+\d{1,3}|\s+\w?\d[\w/_-]*)?[ \t]*:?[ \t]*$"
    r"|\b(?:we|I)\s+(?:have\s+)?(?:a\s+)?received\s+a\s+request\b|\bseek\s+access\s+to\b"
)
_LETTER = _rx(
    r"^[ \t]*(?:Dear\s+(?:Sir|Madam|FOI|Freedom|Information|[A-Z][\w&]*(?:\s+[A-Z][\w&]*){0,5}\s+(?:Police|Constabulary|Council|Trust|University|Service|Team|Office|Board)\b)"
    r"|To\s+whom\s+it\s+may\s+concern|Yours\s+(?:faithfully|sincerely))"
)

_OUT_OF_OFFICE = _rx(
    r"\bout\s+of\s+(?:the\s+)?office\b|\bautomatic\s+reply\b|\bauto(?:matic)?[- ]?reply\b|\bon\s+annual\s+leave\b"
    r"|\breturning\s+on\b|\bI\s+(?:am|'m)\s+(?:currently\s+)?(?:away|on\s+leave|off)\b|\bdon'?t\s+work\s+\w+days\b"
    r"|\bno\s+access\s+to\s+(?:my\s+)?e-?mails?\b|\bhas\s+not\s+been\s+forwarded\b"
)
_SYSTEM_MESSAGE = _rx(
    r"\bdelivery\s+has\s+failed\b|\bundeliverable\b|\bcouldn'?t\s+be\s+found\b|^[ \t]*Read:\s|\byour\s+message\s+was\s+read\b"
    r"|^[ \t]*Invitation:|\bclick\s+here\s+to\s+verify\b|\bnewsletter\b|\bin\s+this\s+issue\b"
)
_AUTHORITY_ACK = _rx(
    r"\bhas\s+been\s+received\s+by\s+the\b|\bwe\s+aim\s+to\s+respond\s+within\b|\backnowledge?ment\s+of\s+receipt\b"
)
_THANKS = _rx(r"^\W{0,3}(?:thanks|thank\s+you|many\s+thanks|cheers|ta\b|diolch|great\s+work|brilliant)")
_COLLEAGUE = _rx(
    r"^\W{0,3}(?:@\w|<@[UW]\w+>)|\b(?:anyone|anybody|everyone|all)\b\s*(?:,|\?|know|fancy|else|cover|got|has)"
    r"|^\W{0,3}(?:hi\s+all|hi\s+team|morning\s+all|FYI|fyi|heads\s+up|reminder:|handover|note\s+for\s+the\s+team|quick\s+question)"
    r"|\bteam\s+meeting\b|\bon\s+leave\s+from\b|\bworking\s+from\s+home\b|\bthe\s+shared\s+drive\b|\bsign-?off\b|\bsecond\s+look\b"
    r"|\bclosing\s+it\s+on\s+the\s+register\b|\bhas\s+gone\s+out\b|\bI'?ve\s+chased\b|\bPIT\s+extension\b|\bno\s+rush\b"
    r"|\bwho'?s\s+on\s+duty\b|\bin\s+the\s+thread\s+above\b|\bperformance\s+pack\b|\bthe\s+new\s+(?:case\s+)?system\b"
)
_GUIDANCE = _rx(
    r"\bguidance(?:\s+note)?\b|\btemplate\b|\bdoes\s+anyone\s+know\b|\bhow\s+do\s+(?:we|I)\b|\bis\s+\S+(?:\s+\S+){0,6}\s+still\b"
    r"|\bchecklist\b|\bworking\s+day\s+for\s+the\s+clock\b|\bdo\s+we\s+(?:count|use|apply|need)\b"
)
_NOT_FOI = _rx(
    r"\bwithdraw\s+my\s+request\b|\bhaven'?t\s+heard\s+back\b|\bwhere\s+it\s+is\b|\bcomplain\s+about\s+the\s+officer\b"
    r"|\bhow\s+do\s+I\s+report\b|\breport\s+(?:a\s+crime|it)\b|\blost\s+my\b|\bhanded\s+(?:it\s+)?in\b|\bpress\s+office\b"
    r"|\ba\s+quote\b|\bany\s+vacancies\b|\bcalendar\s+years\s+are\s+fine\b|\bno\s+further\s+questions\b|\bfor\s+a\s+piece\b"
)
_COMMAND = _rx(r"^\s*/\w+")
_WORD = re.compile(r"\w+")


def request_likeness(text: str, proposal: RequestProposal) -> RequestLikeness:
    """Score a message (0 to 1) as a request, given what the parser read from it."""
    evidence: list[tuple[float, str]] = []
    words = len(_WORD.findall(text))

    def found(pattern: re.Pattern[str]) -> str | None:
        match = pattern.search(text)
        return " ".join(match.group().split()) if match else None

    if act := found(_ACT):
        evidence.append((0.35, f'names the legislation or a request ("{act}")'))
    asks = {" ".join(m.group().lower().split()) for m in _ASK.finditer(text[:20_000])}
    if asks:
        first = sorted(asks)[0]
        evidence.append((min(0.4, 0.25 + 0.05 * (len(asks) - 1)), f'asks for information ("{first}"{", …" if len(asks) > 1 else ""})'))
    numbered = [q for q in proposal.questions if not q.inferred]
    if len(numbered) >= 2:
        evidence.append((0.2, f"{len(numbered)} numbered questions"))
    elif proposal.questions and not (proposal.preamble and len(proposal.questions) == 1 and proposal.questions[0].confidence < 0.5):
        evidence.append((0.1, f"{len(proposal.questions)} question(s) read"))
    if proposal.periods:
        evidence.append((0.1, "asks about a period of time"))
    if quoted := found(_QUOTED_REQUEST):
        evidence.append((0.2, f'quotes or heads a request ("{quoted}")'))
    if letter := found(_LETTER):
        evidence.append((0.1, f'written as a letter ("{letter}")'))
    if proposal.received is not None and proposal.received.source in ("phrase", "request_date"):
        evidence.append((0.15, "states when the request was made or received"))

    if ooo := found(_OUT_OF_OFFICE):
        evidence.append((-0.9, f'reads like an out-of-office reply ("{ooo}")'))
    if system := found(_SYSTEM_MESSAGE):
        evidence.append((-0.8, f'reads like an automatic message ("{system}")'))
    # A pasted thread often ends with the authority's acknowledgement; only a message that is little more than
    # one is not a request.
    if (ack := found(_AUTHORITY_ACK)) and len(proposal.questions) <= 1 and words < 120:
        evidence.append((-0.6, f'reads like an acknowledgement, not a request ("{ack}")'))
    if (thanks := found(_THANKS)) and words < 40:
        evidence.append((-0.6, f'a thank-you ("{thanks}")'))
    # Colleagues and questions about guidance write short messages; a long letter that mentions a guidance
    # document is still a request.
    if (colleague := found(_COLLEAGUE)) and words < 80:
        evidence.append((-0.5, f'reads like a message between colleagues ("{colleague}")'))
    if (guidance := found(_GUIDANCE)) and words < 80:
        evidence.append((-0.35, f'asks about guidance or practice ("{guidance}")'))
    if other := found(_NOT_FOI):
        evidence.append((-0.6, f'about something other than a new request ("{other}")'))
    if found(_COMMAND):
        evidence.append((-1.0, "a slash command"))
    if words < 6:
        evidence.append((-0.5, f"too short to be a request ({words} words)"))

    score = round(max(0.0, min(1.0, sum(weight for weight, _ in evidence))), 2)
    evidence.sort(key=lambda item: -abs(item[0]))
    return RequestLikeness(score, score >= THRESHOLD, tuple(reason for _, reason in evidence))
