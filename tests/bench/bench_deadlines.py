"""Benchmark: FOIA due dates for 100,000 cases received on random dates over 20 years.

Run with ``.venv/bin/python tests/bench/bench_deadlines.py``. The goal is under 0.5 s on one core for the
due dates (the bulk path a reminder sweep or a statistics run uses); the full ``compute_deadlines`` with
explanations is timed too, for information. Calendar construction is timed separately: it happens once
per process.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from commands.rules.calendar import build_calendar, calendar_for  # noqa: E402
from commands.rules.clock import ClockFacts, compute_deadlines, due_dates  # noqa: E402

CASES = 100_000
GOAL_SECONDS = 0.5


def main() -> int:
    rng = random.Random(20180209)
    first, last = date(2006, 1, 1).toordinal(), date(2025, 12, 31).toordinal()
    received = [date.fromordinal(rng.randint(first, last)) for _ in range(CASES)]

    started = time.perf_counter()
    build_calendar("uk")
    print(f"build the uk calendar (once per process): {time.perf_counter() - started:.3f} s")
    calendar_for("uk")

    started = time.perf_counter()
    dues = due_dates(received, "foia")
    bulk = time.perf_counter() - started
    print(f"due dates for {CASES:,} cases (due_dates, bisection-free prefix counts): {bulk:.3f} s")

    calendar = calendar_for("uk")
    started = time.perf_counter()
    again = [calendar.add_working_days(d, 20) for d in received]
    per_call = time.perf_counter() - started
    print(f"due dates for {CASES:,} cases (calendar.add_working_days per case): {per_call:.3f} s")

    started = time.perf_counter()
    full = [compute_deadlines(ClockFacts("foia", d)).due for d in received]
    explained = time.perf_counter() - started
    print(f"full compute_deadlines with explanations for {CASES:,} cases: {explained:.3f} s")

    if not dues == again == full:
        print("MISMATCH between the bulk, per-call and full paths", file=sys.stderr)
        return 1
    verdict = "ok" if bulk < GOAL_SECONDS else "SLOWER THAN GOAL"
    print(f"goal < {GOAL_SECONDS} s for the due dates: {verdict}")
    return 0 if bulk < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
