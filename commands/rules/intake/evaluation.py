"""Measuring the parser against hand-checked labels: the corpus format, the comparison, the tally.

A corpus file is a header of ``KEY: value`` lines, ``---``, then the text (see
``tests/data/requests/README.md``). The labels say what the text says; this module only compares. It is
pure (text in, numbers out) so that the command line (``foi-bot intake evaluate DIR``), the benchmark
script and the tests all count the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from commands.rules.intake.model import Question, RequestProposal

#: The fields scored, in the order they are printed.
FIELDS: tuple[str, ...] = (
    "received",
    "requester_name",
    "requester_email",
    "questions",
    "leaf_questions",
    "periods",
    "references",
    "regime",
    "language",
    "is_request",
)
DEFAULT_TODAY = date(2026, 5, 1)
NOT_SCORED = "?"

_HEADER_LINE = re.compile(r"^([A-Z_]{3,30}):[ \t]?(.*)$")
_RELATIVE = re.compile(r"^relative:(\d{1,2})([ym])$")


@dataclass(frozen=True)
class LabelledText:
    """One corpus file: its name, its labels (header keys lower-cased) and the text after ``---``."""

    name: str
    labels: dict[str, str]
    text: str

    @property
    def is_request(self) -> bool:
        return self.labels.get("is_request", "yes").strip().lower() != "no"

    @property
    def today(self) -> date:
        value = self.labels.get("today", "").strip()
        return date.fromisoformat(value) if value else DEFAULT_TODAY

    @property
    def scottish(self) -> bool:
        return self.labels.get("scottish", "").strip().lower() == "yes"


def read_labelled(name: str, raw: str) -> LabelledText:
    """Split a corpus file into its labels and its text. A file without a header is all text, no labels."""
    head, separator, body = raw.partition("\n---\n")
    if not separator:
        return LabelledText(name, {}, raw)
    labels: dict[str, str] = {}
    for line in head.splitlines():
        match = _HEADER_LINE.match(line)
        if match:
            labels[match.group(1).lower()] = match.group(2).strip()
    return LabelledText(name, labels, body)


# ------------------------------------------------------------------------------------------ comparing


def question_shape(questions: Iterable[Question]) -> str:
    """``1, 2(a, b(i, ii)), 3``: the numbering and nesting, the way the labels write it."""
    parts = []
    for question in questions:
        inner = question_shape(question.parts)
        parts.append(f"{question.number}({inner})" if inner else question.number)
    return ", ".join(parts)


def _top_level(shape: str) -> str:
    depth, out = 0, []
    for char in shape:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return " ".join("".join(out).split())


def _normal_shape(shape: str) -> str:
    return re.sub(r"\s+", "", shape.lower())


def _expected_periods(value: str, reference: date) -> set[tuple[date, date]]:
    periods: set[tuple[date, date]] = set()
    for item in filter(None, (part.strip() for part in value.split(";"))):
        if item.startswith("since:"):
            periods.add((date.fromisoformat(item[6:]), reference))
            continue
        relative = _RELATIVE.match(item)
        if relative:
            amount, unit = int(relative.group(1)), relative.group(2)
            delta = relativedelta(years=amount) if unit == "y" else relativedelta(months=amount)
            periods.add((reference - delta + timedelta(days=1), reference))
            continue
        start, _, end = item.partition("..")
        periods.add((date.fromisoformat(start), date.fromisoformat(end)))
    return periods


def _normal_reference(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def _none(value: str) -> bool:
    return value.strip().lower() in ("", "none", "-")


@dataclass(frozen=True)
class FieldResult:
    field: str
    right: bool
    expected: str
    found: str


def compare(item: LabelledText, proposal: RequestProposal, is_request: bool) -> list[FieldResult]:
    """Every labelled field of ``item`` against what the parser proposed (``?`` labels are skipped)."""
    results: list[FieldResult] = []

    def add(name: str, expected: str, found: str, right: bool) -> None:
        results.append(FieldResult(name, right, expected, found))

    add("is_request", "yes" if item.is_request else "no", "yes" if is_request else "no", item.is_request == is_request)
    if not item.is_request:
        return results
    labels = item.labels
    reference_day = item.today
    received_label = labels.get("received", "")
    if not _none(received_label) and received_label != NOT_SCORED:
        reference_day = date.fromisoformat(received_label)
    found_received = proposal.received.date.isoformat() if proposal.received else "none"
    checks: dict[str, tuple[str, str, bool]] = {}
    if "received" in labels:
        expected = "none" if _none(received_label) else received_label
        checks["received"] = (expected, found_received, expected == found_received)
    requester = proposal.requester
    for key, value in (
        ("requester_name", requester.name if requester else None),
        ("requester_email", requester.email if requester else None),
    ):
        if key in labels:
            expected = "none" if _none(labels[key]) else labels[key]
            found = value or "none"
            checks[key] = (expected, found, expected.lower() == found.lower())
    if "questions" in labels:
        expected = labels["questions"]
        found = question_shape(proposal.questions)
        checks["questions"] = (
            _top_level(expected),
            _top_level(found),
            _normal_shape(_top_level(expected)) == _normal_shape(_top_level(found)),
        )
        checks["leaf_questions"] = (expected, found, _normal_shape(expected) == _normal_shape(found))
    if "periods" in labels and labels["periods"] != NOT_SCORED:
        expected_set = set() if _none(labels["periods"]) else _expected_periods(labels["periods"], reference_day)
        found_set = {(p.start, p.end) for p in proposal.periods}
        checks["periods"] = (_periods_text(expected_set), _periods_text(found_set), expected_set == found_set)
    if "references" in labels:
        expected_refs = set() if _none(labels["references"]) else {
            _normal_reference(r) for r in labels["references"].split(";") if r.strip()
        }
        found_refs = {_normal_reference(r.text) for r in proposal.references}
        checks["references"] = (
            "; ".join(sorted(expected_refs)) or "none",
            "; ".join(sorted(found_refs)) or "none",
            expected_refs == found_refs,
        )
    for key, value in (("regime", proposal.regime.regime), ("language", proposal.language)):
        if key in labels:
            checks[key] = (labels[key], value, labels[key].lower() == value)
    for name in FIELDS:
        if name in checks and labels.get(name if name != "leaf_questions" else "questions") != NOT_SCORED:
            expected, found, right = checks[name]
            add(name, expected, found, right)
    return results


def _periods_text(periods: set[tuple[date, date]]) -> str:
    return "; ".join(f"{a.isoformat()}..{b.isoformat()}" for a, b in sorted(periods)) or "none"


# ------------------------------------------------------------------------------------------- tallying


@dataclass
class Tally:
    """Right / scored per field, the misses for a person to read, and the request-likeness confusion."""

    right: dict[str, int] = field(default_factory=dict)
    scored: dict[str, int] = field(default_factory=dict)
    misses: list[tuple[str, FieldResult]] = field(default_factory=list)
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    texts: int = 0

    def add(self, name: str, results: list[FieldResult]) -> None:
        self.texts += 1
        for result in results:
            self.scored[result.field] = self.scored.get(result.field, 0) + 1
            self.right[result.field] = self.right.get(result.field, 0) + int(result.right)
            if not result.right:
                self.misses.append((name, result))
            if result.field == "is_request":
                expected, found = result.expected == "yes", result.found == "yes"
                if expected and found:
                    self.true_positive += 1
                elif found:
                    self.false_positive += 1
                elif expected:
                    self.false_negative += 1
                else:
                    self.true_negative += 1

    @property
    def total_right(self) -> int:
        return sum(self.right.values())

    @property
    def total_scored(self) -> int:
        return sum(self.scored.values())

    @property
    def accuracy(self) -> float:
        return self.total_right / self.total_scored if self.total_scored else 0.0

    @property
    def precision(self) -> float:
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 0.0

    def lines(self, title: str, *, show_misses: bool = False) -> list[str]:
        out = [f"{title}: {self.texts} texts, {self.total_right}/{self.total_scored} labels right ({self.accuracy:.1%})"]
        for name in FIELDS:
            if self.scored.get(name):
                right, scored = self.right.get(name, 0), self.scored[name]
                out.append(f"  {name:<16} {right:>4}/{scored:<4} {right / scored:6.1%}")
        if self.true_positive + self.false_positive + self.false_negative + self.true_negative:
            out.append(
                f"  request-likeness: precision {self.precision:.1%}, recall {self.recall:.1%} "
                f"(requests {self.true_positive + self.false_negative}, non-requests "
                f"{self.false_positive + self.true_negative}, false alarms {self.false_positive}, "
                f"missed {self.false_negative})"
            )
        if show_misses:
            for name, miss in self.misses:
                out.append(f"  MISS {name} {miss.field}: expected {miss.expected!r}, found {miss.found!r}")
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "texts": self.texts,
            "labels": self.total_scored,
            "right": self.total_right,
            "accuracy": round(self.accuracy, 4),
            "fields": {
                name: {"right": self.right.get(name, 0), "scored": self.scored[name]}
                for name in FIELDS
                if self.scored.get(name)
            },
            "request_likeness": {"precision": round(self.precision, 4), "recall": round(self.recall, 4)},
        }


# ------------------------------------------------------------------------------------------- running

_BLOCK = re.compile(r"^\[(?P<name>[^\]\n]{1,200})\][ \t]*$", re.MULTILINE)


def read_label_blocks(raw: str) -> dict[str, dict[str, str]]:
    """A labels file for texts that carry no labels of their own: ``[file name]`` then ``KEY: value`` lines."""
    blocks: dict[str, dict[str, str]] = {}
    matches = list(_BLOCK.finditer(raw))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(raw)
        labels: dict[str, str] = {}
        for line in raw[match.end() : end].splitlines():
            header = _HEADER_LINE.match(line.strip())
            if header and not line.lstrip().startswith("#"):
                labels[header.group(1).lower()] = header.group(2).strip()
        blocks[match.group("name")] = labels
    return blocks


def evaluate(items: Iterable[LabelledText]) -> Tally:
    """Parse every text as the intake channel would (its own ``today``, Scottish or not) and tally."""
    from commands.rules.intake.parse import parse_request

    tally = Tally()
    for item in items:
        proposal = parse_request(item.text, today=item.today, scottish=item.scottish)
        tally.add(item.name, compare(item, proposal, proposal.is_request))
    return tally
