"""Benchmark: the request-text parser on a 40,000-character request and on every shared text.

Run with ``.venv/bin/python tests/bench/bench_request_text.py``; with ``--accuracy`` it instead prints the
per-field accuracy on the labelled corpus (``tests/data/requests``) and on the shared texts, the same
figures as ``foi-bot intake evaluate``. Goals: one 40,000-character request
parses in under 50 ms (the intake listener parses after the Slack ack, but a person is waiting for the
proposal), and all the shared texts together in under 1 s. Times are the best of several runs, because a
shared machine's noise is not the parser's cost; the median is printed too. Adversarial shapes (one
40,000-character line, thousands of one-word items) are timed for information: they must stay bounded,
not fast.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from commands.rules.intake import parse_request  # noqa: E402

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
TODAY = date(2026, 5, 1)
GOAL_LONG_SECONDS = 0.050
GOAL_ALL_SECONDS = 1.0
RUNS = 7


def long_request(size: int = 40_000) -> str:
    """A long but ordinary request: an email header, a preamble, numbered questions with lettered parts,
    explanations, periods, and a sign-off, the way a very thorough requester writes."""
    head = (
        "From: Jane Example <jane@example.org>\nSent: Monday, 3 February 2025 09:15\nTo: FOI\n"
        "Subject: Use of force and custody statistics\n\nDear Freedom of Information team,\n\n"
        "Under the Freedom of Information Act 2000 I would like to request the following information.\n\n"
    )
    tail = "\nIf any part of this request exceeds the cost limit, please tell me how to narrow it.\n\nYours faithfully,\nJane Example\n"
    body: list[str] = []
    number = 1
    while len(head) + sum(map(len, body)) + len(tail) < size - 400:
        year = 2014 + number % 10
        body.append(
            f"{number}. How many use of force forms were recorded between 1 April {year} and 31 March {year + 1}, "
            f"and in how many of those was a Taser drawn but not fired? Please break this down by:\n"
            f"   a) the month of the incident;\n   b) the age band of the subject (under 18, 18-24, 25-34, 35+);\n"
            f"   c) whether the subject was later arrested.\n\n"
            f"For clarity, I am interested in the financial year {year}/{(year + 1) % 100:02d} and the last five years "
            f"generally, as in my previous request FOI{year}/{number:05d}.\n\n"
        )
        number += 1
    return (head + "".join(body) + tail)[:size]


def best_and_median(text: str) -> tuple[float, float, int]:
    times = []
    questions = 0
    for _ in range(RUNS):
        started = time.perf_counter()
        proposal = parse_request(text, today=TODAY)
        times.append(time.perf_counter() - started)
        questions = len(proposal.questions)
    return min(times), statistics.median(times), questions


def shared_texts() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for path in sorted((SHARED / "foi-requests").glob("*.txt")) + sorted((SHARED / "seed").glob("000_*.txt")):
        raw = path.read_text(encoding="utf-8")
        head, separator, body = raw.partition("\n---\n")
        texts.append((path.name, body if separator and head.startswith("SOURCE:") else raw))
    return texts


CORPUS = Path(__file__).resolve().parents[1] / "data" / "requests"
SHARED_LABELS = Path(__file__).resolve().parents[1] / "data" / "shared-labels.txt"


def accuracy() -> int:
    from bot.cli.intake import load_corpus
    from commands.rules.intake.evaluation import evaluate

    show = "--misses" in sys.argv
    print("\n".join(evaluate(load_corpus(CORPUS)).lines(f"corpus ({CORPUS})", show_misses=show)))
    shared = SHARED / "foi-requests"
    if shared.is_dir():
        tally = evaluate(load_corpus(shared, SHARED_LABELS))
        print("\n".join(tally.lines(f"shared set ({shared})", show_misses=show)))
    else:
        print(f"shared texts not found under {shared}: skipped")
    return 0


def main() -> int:
    if "--accuracy" in sys.argv:
        return accuracy()
    parse_request("warm up: 1. How many? 2. When, between 2016 and 2018?", today=TODAY)
    text = long_request()
    best, median, questions = best_and_median(text)
    print(
        f"40,000-character request ({questions} questions): best {best * 1000:.1f} ms, median {median * 1000:.1f} ms"
    )

    adversarial = {
        "one 40,000-character line": (
            "How many arrests were made between January 2016 and December 2017? " * 600
        )[:40_000],
        "13,000 '1. ' markers": "1. " * 13_000,
        "6,000 one-word lettered items": "\n".join(f"{chr(97 + n % 8)}) item" for n in range(6_000))[:40_000],
        "40,000 opening brackets": "(" * 40_000,
        "an unclosed quotation": '"' + "word " * 8_000,
    }
    for label, sample in adversarial.items():
        shape_best, shape_median, _ = best_and_median(sample)
        print(f"  {label}: best {shape_best * 1000:.1f} ms, median {shape_median * 1000:.1f} ms")

    texts = shared_texts()
    total = 0.0
    if texts:
        runs = []
        for _ in range(RUNS):
            started = time.perf_counter()
            for _, sample in texts:
                parse_request(sample, today=TODAY)
            runs.append(time.perf_counter() - started)
        total = min(runs)
        print(
            f"all {len(texts)} shared texts: best {total * 1000:.1f} ms, median {statistics.median(runs) * 1000:.1f} ms"
        )
    else:
        print(f"shared texts not found under {SHARED}: skipped")

    ok = best < GOAL_LONG_SECONDS and total < GOAL_ALL_SECONDS
    print(
        f"goals < {GOAL_LONG_SECONDS * 1000:.0f} ms per 40,000 characters and < {GOAL_ALL_SECONDS:.0f} s for the "
        f"shared texts: {'ok' if ok else 'SLOWER THAN GOAL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
