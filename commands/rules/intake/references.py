"""Case references in a request: the organisation's own, a previous request's, the requester's own."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from commands.rules.intake.model import DEFAULT_OWN_PREFIXES, Reference, Source, Span

_REF_VALUE = (
    r"(?P<ref>[A-Z0-9](?:[A-Z0-9]|[./_-](?=[A-Z0-9])|[ \t][/-][ \t](?=\d)|(?<=[A-Z])[ \t](?=\d)"
    # "FOI 19 1413": groups of digits a space apart, when more digits follow.
    r"|(?<=\d)[ \t](?=\d{3,}(?![ \t]*(?:[A-Za-z]|\d)))){1,40})"
)
_LABELLED_REF = re.compile(
    r"\b(?=[oyrfeccpmtOYRFECPMT])(?P<label>(?:Our|Your|My)\s+Ref(?:erence)?(?:\s+(?:No\.?|Number))?|Ref(?:erence)?\s+(?:No\.?|Number)"
    r"|Ref(?:erence)?(?=[ \t]{0,12}:)|(?:Request|Tracking|Reference)[ \t]{0,2}\#|reference\s+number"
    r"|(?:Request|FOI|Enquiry|Case)\s+(?:No\.?|Number|Ref(?:erence)?(?:\s+(?:No\.?|Number))?)"
    r"|Cyfeirnod(?:\s+Rhyddid\s+Gwybodaeth)?"
    r"|(?:previous|earlier|original|prior|my)\s+(?:FOI\s+|freedom\s+of\s+information\s+)?request(?:\s+(?:ref(?:erence)?|no\.?|number))?)"
    r"(?P<colon>[ \t]{0,3}[:.#]?)(?:[ \t]{0,16}|[ \t]*\n[ \t]*(?:\n[ \t]*)?)" + _REF_VALUE,
    re.IGNORECASE,
)
_REF_SEPARATOR = re.compile(r"[ \t]*([/-])[ \t]*")
_TITLE_REF = re.compile(
    r"\((?P<ref>\d{2,7}[A-Z]?[/_]\d{2,4}|[A-Z]{2,6}-\d{5,12})\)"
)
#: "(2022/23)", "(2016/2017)": a financial year in brackets, not a reference.
_YEAR_PAIR = re.compile(r"^(?:19|20)(\d{2})/(?:(?:19|20)?(\d{2}))$")
#: A disclosure-log heading ending in its number ("Crimes - 031/13"), or a request number on its own line
#: under the title ("Request 101001380770").
_HEADING_REF = re.compile(
    r"\A\s{0,4}[^\n]{3,80}?[ \t][-–][ \t](?P<ref>\d{2,7}[A-Z]?/\d{2,4})[ \t]*$"
    r"|^[ \t]*(?:Request|Response)[ \t]+(?P<num>[A-Z]?\d{6,15})[ \t]*$"
    # A disclosure-log entry's number alone on its first line ("044-2023").
    r"|\A\s{0,4}(?P<top>\d{2,4}-(?:19|20)\d{2})[ \t]*$",
    re.MULTILINE,
)


@lru_cache(maxsize=16)
def _prefixed_ref_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """References that start with one of the organisation's prefixes; compiled once per set of prefixes."""
    names = "|".join(re.escape(prefix) for prefix in sorted(prefixes, key=len, reverse=True))
    return re.compile(
        rf"(?<![A-Za-z0-9])(?P<ref>(?:\d{{1,3}}\.)?(?:{names})(?:[ \t./_-]{{0,2}}\d{{1,8}}(?:[./_-]\d{{1,8}}){{1,3}}"
        rf"|[ \t./_-]{{0,2}}\d{{5,12}}|\.\d{{2}}\.\d{{3,8}}|/\d{{3,12}}))(?![A-Za-z0-9])"
    )


def find_references(
    text: str, own_prefixes: Sequence[str] = DEFAULT_OWN_PREFIXES, *, source: Source = "message"
) -> tuple[Reference, ...]:
    """Case references in a text: the organisation's own (``FOI2019/06094``, ``01.FOI.22.027454``,
    "Our ref: ...") and others the requester quotes (a previous request, their own reference).

    Used at intake to link a message to an existing case, so own references come first.
    """
    if not text:
        return ()
    prefixes = tuple(sorted({prefix.strip().upper() for prefix in own_prefixes if prefix.strip()}))
    pattern = _prefixed_ref_pattern(prefixes or DEFAULT_OWN_PREFIXES)
    found: dict[str, Reference] = {}

    def add(raw: str, start: int, end: int, own: bool, kind: str, confidence: float) -> None:
        value = _REF_SEPARATOR.sub(r"\1", raw.strip().rstrip("./-_"))
        if not any(char.isdigit() for char in value) or len(value) < 3:
            return
        existing = found.get(value.upper())
        if existing is None or (own and not existing.own):
            found[value.upper()] = Reference(value, own, kind, Span(start, end, source), confidence)

    for match in pattern.finditer(text):
        add(match.group("ref"), match.start("ref"), match.end("ref"), True, "own", 0.9)
    for match in _LABELLED_REF.finditer(text):
        label = " ".join(match.group("label").lower().split())
        value = match.group("ref")
        if label.startswith(("previous", "earlier", "original", "prior", "my")):
            add(value, match.start("ref"), match.end("ref"), False, "previous_request", 0.7)
        elif label.startswith("your"):
            add(value, match.start("ref"), match.end("ref"), False, "requester_ref", 0.7)
        elif match.group("colon").strip() or label.startswith("our") or label.startswith("cyfeirnod"):
            add(value, match.start("ref"), match.end("ref"), True, "own", 0.8)
        else:
            add(value, match.start("ref"), match.end("ref"), False, "other", 0.5)
    for match in _TITLE_REF.finditer(text):
        pair = _YEAR_PAIR.match(match.group("ref"))
        if pair and int(pair.group(2)) == (int(pair.group(1)) + 1) % 100:
            continue
        add(match.group("ref"), match.start("ref"), match.end("ref"), False, "other", 0.5)
    for match in _HEADING_REF.finditer(text[:5_000]):
        group = next(name for name in ("ref", "num", "top") if match.group(name))
        add(match.group(group), match.start(group), match.end(group), True, "own", 0.7)
    # "FOI 00127" inside "SPE 854/FOI 00127/JS/LD": a reference read inside a longer one is that one.
    for key, ref in list(found.items()):
        if any(
            other is not ref
            and other.span.start <= ref.span.start
            and ref.span.end <= other.span.end
            and (other.span.end - other.span.start) > (ref.span.end - ref.span.start)
            for other in found.values()
        ):
            found.pop(key, None)
    # "FOI 782/17" inside "DC/FOI 782/17" is the same reference read twice: keep the whole one.
    squeezed = {key: re.sub(r"\s", "", key) for key in found}
    for key, short in squeezed.items():
        if short[:1].isalpha() and any(other != short and other.endswith(short) for other in squeezed.values()):
            found.pop(key, None)
    return tuple(sorted(found.values(), key=lambda ref: (not ref.own, ref.span.start)))
