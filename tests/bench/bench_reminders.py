"""Benchmark: one reminder sweep over 100,000 open cases that finds 2,000 reminders due, with a fake sender.

Run with ``.venv/bin/python tests/bench/bench_reminders.py`` (SQLite file in a temporary directory), and
add ``--pg URL`` (or set TEST_DATABASE_URL) to run it on PostgreSQL as well. The PostgreSQL run DROPS AND
RECREATES THE PUBLIC SCHEMA of that database: point it at a scratch database.

The register is shaped like a steady state: 2,000 cases owe exactly one reminder today (400 each at 5, 2
and 1 working days before, on the due date, and 3 working days overdue), with the ledger already holding
the reminders earlier days sent; 2,000 more are near a date but owe nothing today; 96,000 are due weeks
ahead. The daily digest is built and posted in the same sweep. Goals: under 1 s, and the same small
number of SQL statements however many cases there are (counted with a ``before_cursor_execute`` hook).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import create_engine, event, insert, text  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.reminders import ReminderSweeper  # noqa: E402
from commands.base import CommandContext  # noqa: E402
from commands.rules.calendar import calendar_for  # noqa: E402
from commands.rules.reminder_plan import CaseFacts, plan_reminders  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Case, Reminder  # noqa: E402

CASES = 100_000
DUE_TODAY = 2_000
GOAL_SECONDS = 1.0
LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 3, 31)  # a Tuesday
NOW = datetime.combine(TODAY, clock(9, 1), tzinfo=LONDON)


class NullSender:
    """Accepts every message instantly, so the benchmark measures the sweep, not Slack."""

    def __init__(self) -> None:
        self.count = 0

    def post(self, *, channel: str, text: str, blocks: list[dict[str, Any]],
             thread_ts: str | None = None) -> tuple[str, str]:
        self.count += 1
        return channel, f"1800000000.{self.count:06d}"

    def thread_link(self, channel: str, ts: str) -> str | None:
        return f"https://example.slack.com/archives/{channel}/p{ts.replace('.', '')}"


def build_register(url: str, settings: Any) -> CommandContext:
    engine = make_engine(url)
    upgrade(engine)
    ctx = CommandContext(engine=engine, settings=settings)
    uk = calendar_for("uk")
    rng = random.Random(20260331)
    offsets = [5, 2, 1, 0, -3]  # working days from today to the due date
    created = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    rows: list[dict[str, Any]] = []
    for n in range(CASES):
        if n < DUE_TODAY:
            due = uk.add_working_days(TODAY, offsets[n % len(offsets)])
        elif n < 2 * DUE_TODAY:
            due = uk.add_working_days(TODAY, rng.choice([3, 4]))  # near, but not a reminder day
        else:
            due = uk.add_working_days(TODAY, rng.randint(10, 60))
        rows.append({
            "reference": f"FOI2026/{n + 1:06d}", "regime": "foia", "status": "open",
            "received": uk.add_working_days(due, -20), "subject": f"Request {n + 1}", "request_text": "",
            "questions": [], "language": "en", "assignee": f"U{n % 40:04d}", "extended": False, "due": due,
            "created_at": created, "updated_at": created,
        })
    with engine.begin() as connection:
        for start in range(0, len(rows), 10_000):
            connection.execute(insert(Case.__table__), rows[start:start + 10_000])  # type: ignore[attr-defined]
        # The steady state: what earlier days' sweeps already sent is in the ledger.
        ids = connection.execute(text("SELECT id, due FROM cases WHERE id <= :n ORDER BY id"), {"n": 2 * DUE_TODAY}).all()
        ledger: list[dict[str, Any]] = []
        window = TODAY - timedelta(days=settings.reminder_catchup_days)
        policy = ReminderSweeper(ctx, NullSender()).policy
        for case_id, due in ids:
            due = due if isinstance(due, date) else date.fromisoformat(due)
            facts = CaseFacts(case_id=case_id, reference="", regime="foia", status="open", due=due,
                              assignee=f"U{(case_id - 1) % 40:04d}")
            for item in plan_reminders(facts, TODAY, policy, since=window):
                if item.target_date < TODAY:
                    ledger.append({"case_id": case_id, "kind": item.kind, "target_date": item.target_date,
                                   "recipient": item.recipient, "state": "sent", "claimed_at": created,
                                   "attempts": 1, "sent_at": created})
        if ledger:
            connection.execute(insert(Reminder.__table__), ledger)  # type: ignore[attr-defined]
    print(f"  register: {CASES:,} open cases, {len(ledger):,} earlier ledger rows")
    return ctx


def sweep(ctx: CommandContext, label: str) -> tuple[float, int, Any]:
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    sender = NullSender()
    sweeper = ReminderSweeper(ctx, sender, name="bench")
    event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        report = sweeper.run(NOW)
        elapsed = time.perf_counter() - started
    finally:
        event.remove(ctx.engine, "before_cursor_execute", count)
    print(f"  {label}: {elapsed:.3f} s, {statements} SQL statements, {report.candidates:,} candidate cases read, "
          f"{report.reminders_sent:,} reminders sent in {report.messages:,} messages, digest {report.digest}")
    return elapsed, statements, report


def run(url: str, name: str) -> bool:
    print(f"{name}:")
    settings = load_settings(FOI_TEAM_CHANNEL="C_TEAM", FOI_LEAD="U_LEAD", DATABASE_URL=url)
    started = time.perf_counter()
    ctx = build_register(url, settings)
    print(f"  (building the register took {time.perf_counter() - started:.1f} s)")
    try:
        elapsed, statements, report = sweep(ctx, "sweep that sends")
        _idle, idle_statements, again = sweep(ctx, "the next sweep (nothing left)")
    finally:
        ctx.engine.dispose()
    ok = report.reminders_sent == DUE_TODAY and again.reminders_sent == 0 and elapsed < GOAL_SECONDS
    print(f"  goal: {DUE_TODAY:,} reminders in < {GOAL_SECONDS} s with a constant statement count: "
          f"{'ok' if ok else 'NOT MET'} ({statements} and {idle_statements} statements)")
    return ok


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", default=os.environ.get("TEST_DATABASE_URL"),
                        help="also run on this PostgreSQL database (its public schema is reset!)")
    args = parser.parse_args()
    for name in list(os.environ):
        if name.startswith(("SLACK_", "FOI_", "DATABASE_URL")):
            del os.environ[name]
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)  # no stray .env is read
        ok &= run(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "SQLite (file)")
        if args.pg:
            reset_postgres(args.pg)
            ok &= run(args.pg, "PostgreSQL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
