"""The sweep against a real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), with a recording
sender: a month of a case's life in time travel, restarts, downtime, clarification, DST, concurrency."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event
from sqlmodel import select

from bot.config import load_settings
from bot.reminders import ReminderSweeper
from bot.slack.listeners.reminders import snooze_reminder
from commands.base import CommandContext
from storage.db import session_scope
from storage.models import Case, CaseEvent, OutboxItem
from tests.reminders.conftest import (
    ALICE,
    LEAD,
    TEAM,
    UTC,
    FakeSender,
    SweepAndDeliver,
    add_case,
    at,
    context_for,
    ledger,
    sweeper,
    update_case,
)

D = date.fromisoformat
#: Sweep instants each day, in UTC: around 08:00 and 09:00 UTC so both sides of BST are exercised.
SWEEP_TIMES_UTC = ((6, 0), (7, 59), (8, 0), (8, 5), (8, 59), (9, 0), (9, 5), (12, 0), (17, 0))


def days(first: str, last: str) -> list[date]:
    start, end = D(first), D(last)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def sweep_day(sweep: ReminderSweeper, day: date, traveller: time_machine.Coordinates) -> None:
    for hour, minute in SWEEP_TIMES_UTC:
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
        traveller.move_to(moment)
        sweep.run(moment)


def personal(sender: FakeSender, channel: str = ALICE) -> list[tuple[date, datetime]]:
    return [(post.at.astimezone(at("2026-01-01").tzinfo).date(), post.at) for post in sender.to(channel)]


EXPECTED_DM_DAYS = ["2026-03-24", "2026-03-27", "2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02",
                    "2026-04-07", "2026-04-08", "2026-04-09", "2026-04-10"]


@pytest.mark.parametrize("restart_on", [None, "2026-03-30"])
def test_a_month_of_a_case_each_reminder_exactly_once_at_nine_london_time(
        rctx: CommandContext, database_url: str, restart_on: str | None) -> None:
    sender = FakeSender()
    with time_machine.travel(at("2026-03-02", 8), tick=False) as traveller:
        case_id = add_case(rctx, received=D("2026-03-02"))
        sweep = sweeper(rctx, sender, "first")
        for day in days("2026-03-02", "2026-04-10"):
            if restart_on and day == D(restart_on):
                # A restart: a new process, a new engine and sweeper on the same database.
                rctx = context_for(database_url, load_settings())
                sweep = sweeper(rctx, sender, "after-restart")
            sweep_day(sweep, day, traveller)
    dms = personal(sender)
    assert [d.isoformat() for d, _ in dms] == EXPECTED_DM_DAYS
    sent_at = {d.isoformat(): moment.astimezone(UTC) for d, moment in dms}
    assert (sent_at["2026-03-27"].hour, sent_at["2026-03-27"].minute) == (9, 0)  # GMT
    assert (sent_at["2026-03-30"].hour, sent_at["2026-03-30"].minute) == (8, 0)  # BST after 29 March
    thread = sender.to(TEAM, thread=True)
    assert [p.at.date().isoformat() for p in thread] == EXPECTED_DM_DAYS
    texts = [p.text for p in sender.to(ALICE)]
    assert "due in 5 working days" in texts[0] and "due today" in texts[3]
    assert "overdue by 1 working day" in texts[4] and "overdue by 6 working days" in texts[-1]
    rows = [r for r in ledger(rctx) if r.case_id == case_id]
    assert all(r.state == "sent" for r in rows) and len(rows) == 2 * len(EXPECTED_DM_DAYS)
    rctx.engine.dispose()


def test_clarification_midway_moves_every_later_reminder(rctx: CommandContext) -> None:
    sender = FakeSender()
    with time_machine.travel(at("2026-03-02", 8), tick=False) as traveller:
        case_id = add_case(rctx, received=D("2026-03-02"))
        sweep = sweeper(rctx, sender)
        for day in days("2026-03-02", "2026-03-19"):
            sweep_day(sweep, day, traveller)
        update_case(rctx, case_id, status="awaiting clarification", clarification_sought=D("2026-03-20"))
        for day in days("2026-03-20", "2026-04-02"):
            sweep_day(sweep, day, traveller)
        assert sender.posts == []  # the old T-5 (24 March) and due date (31 March) chase nobody
        update_case(rctx, case_id, status="open", clarified=D("2026-04-02"))
        with session_scope(rctx.engine) as session:
            new_due = session.get(Case, case_id).due  # type: ignore[union-attr]
        assert new_due == D("2026-05-05")  # 20 working days from 2 April, over Easter and the May bank holiday
        for day in days("2026-04-03", "2026-05-06"):
            sweep_day(sweep, day, traveller)
    kinds = [(r.kind, r.target_date.isoformat()) for r in ledger(rctx) if r.recipient == ALICE]
    assert kinds == [("due-in-5", "2026-04-27"), ("due-in-2", "2026-04-30"), ("due-in-1", "2026-05-01"),
                     ("due-today", "2026-05-05"), ("overdue", "2026-05-06")]


def test_a_week_of_downtime_sends_one_late_summary_per_case_and_records_every_reminder(rctx: CommandContext) -> None:
    sender = FakeSender()
    ids = [add_case(rctx, received=D("2026-03-02"), assignee=f"U_{n}") for n in range(3)]
    sweeper(rctx, sender).run(at("2026-03-23", 9, 5))
    assert sender.posts == []
    # Down from Monday 23 March until Wednesday 1 April at 11:00.
    report = sweeper(rctx, sender, "back").run(at("2026-04-01", 11))
    for n in range(3):
        [dm] = sender.to(f"U_{n}")
        assert "overdue by 1 working day" in dm.text
        assert "was due at 09:00 today" in dm.blob  # late: two hours after the hour
        assert "Catching up on 4 missed reminders" in dm.blob and "sent late" in dm.blob
        assert "due in 5 working days (09:00 on Tue 24 Mar)" in dm.blob
    assert len(sender.to(TEAM, thread=True)) == 3  # one thread summary per case
    rows = [r for r in ledger(rctx) if r.case_id in ids]
    assert len(rows) == 3 * 2 * 5 and {r.state for r in rows} == {"sent"}
    per_message = Counter(r.message_ts for r in rows)
    assert set(per_message.values()) == {5}  # five ledger rows share each message
    assert report.late_messages == 6
    sweeper(rctx, sender, "again").run(at("2026-04-01", 11, 5))
    assert len(sender.posts) == 3 * 2 + 1  # and the digest, once


def test_non_working_days_send_nothing_not_even_the_digest(rctx: CommandContext) -> None:
    sender = FakeSender()
    add_case(rctx, received=D("2026-03-02"))
    sweep = sweeper(rctx, sender)
    for day in ("2026-03-28", "2026-03-29", "2026-04-03", "2026-04-04", "2026-04-05", "2026-04-06"):
        sweep.run(at(day, 9, 30))
        sweep.run(at(day, 15))
    assert sender.posts == []
    sweep.run(at("2026-04-07", 9, 30))
    assert len(sender.to(ALICE)) == 1 and "FOI digest" in sender.to(TEAM, thread=False)[0].text


@pytest.mark.parametrize(("received", "day", "before_utc", "at_utc"), [
    ("2026-03-02", "2026-03-27", (8, 59), (9, 0)),   # winter: 09:00 GMT
    ("2026-03-02", "2026-03-30", (7, 59), (8, 0)),   # after the clocks go forward: 09:00 BST = 08:00 UTC
    ("2026-09-28", "2026-10-23", (7, 59), (8, 0)),   # summer
    ("2026-09-28", "2026-10-26", (8, 59), (9, 0)),   # after the clocks go back
])
def test_daylight_saving_changeovers(rctx: CommandContext, received: str, day: str,
                                     before_utc: tuple[int, int], at_utc: tuple[int, int]) -> None:
    sender = FakeSender()
    # Registered just after midnight, so only this day's reminder is owed (no catch-up of earlier ones).
    add_case(rctx, received=D(received), created=at(day, 0, 30))
    sweep = sweeper(rctx, sender)
    y, m, d = D(day).year, D(day).month, D(day).day
    sweep.run(datetime(y, m, d, *before_utc, tzinfo=UTC))
    assert sender.to(ALICE) == []
    sweep.run(datetime(y, m, d, *at_utc, tzinfo=UTC))
    [dm] = sender.to(ALICE)
    assert "late" not in dm.blob


def test_concurrent_sweepers_send_each_reminder_once(rctx: CommandContext, database_url: str) -> None:
    sender = FakeSender()
    for n in range(30):
        add_case(rctx, received=D("2026-03-02") + timedelta(days=n % 12), assignee=f"U_{n % 7}",
                 thread=n % 3 != 0)
    contexts = [context_for(database_url, load_settings()) for _ in range(4)]
    # Four processes, each sweeping and delivering at the same moment.
    sweepers = [sweeper(c, sender, f"worker-{i}") for i, c in enumerate(contexts)]
    errors: list[BaseException] = []
    for moment in [at(day, 9, 1) for day in ("2026-03-24", "2026-03-25", "2026-03-26", "2026-03-31", "2026-04-02")]:
        barrier = threading.Barrier(len(sweepers))

        def work(s: SweepAndDeliver, moment: datetime = moment, barrier: threading.Barrier = barrier) -> None:
            try:
                barrier.wait()
                s.run(moment)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(s,)) for s in sweepers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    for c in contexts:
        c.engine.dispose()
    assert not errors
    rows = ledger(rctx)
    assert rows and {r.state for r in rows} == {"sent"}
    # Every message carries its ledger ids; no id appears in two messages, and every row was sent.
    ids_in_messages = Counter()
    for post in sender.posts:
        for block in post.blocks:
            for element in block.get("elements", []):
                if element.get("action_id") == "reminder_snooze":
                    ids_in_messages.update(int(i) for i in element["value"].split("|")[1].split(","))
    assert max(ids_in_messages.values()) == 1
    assert set(ids_in_messages) == {r.id for r in rows if r.case_id is not None}
    digests = [p for p in sender.posts if p.text.startswith("FOI digest")]
    assert len(digests) == 5  # one per working day, whoever won


def outbox_items(ctx: CommandContext, channel: str) -> list[OutboxItem]:
    with session_scope(ctx.engine) as session:
        return [i for i in session.exec(select(OutboxItem).order_by(OutboxItem.id)).all()
                if i.payload.get("channel") == channel]


def test_a_failed_send_is_retried_by_the_next_sweep_and_sent_once(rctx: CommandContext) -> None:
    sender = FakeSender()
    add_case(rctx, received=D("2026-03-02"))
    sender.fail(ALICE, "internal_error")
    sweep = sweeper(rctx, sender)
    report = sweep.run(at("2026-03-24", 9))
    assert report.failed == 1 and sender.to(ALICE) == []
    [row] = [r for r in ledger(rctx) if r.recipient == ALICE]
    assert row.state == "queued"  # owned by the outbox until Slack says ok: no sweep claims it again
    [item] = outbox_items(rctx, ALICE)
    assert (item.state, item.attempts, item.last_error) == ("pending", 1, "internal_error")
    sweep.run(at("2026-03-24", 9, 5))
    sweep.run(at("2026-03-24", 9, 10))
    assert len(sender.to(ALICE)) == 1
    [row] = [r for r in ledger(rctx) if r.recipient == ALICE]
    [item] = outbox_items(rctx, ALICE)
    assert (row.state, row.attempts, item.state, item.attempts) == ("sent", 1, "sent", 2)


def test_an_outage_never_abandons_a_reminder_but_a_refused_message_is_given_up(rctx: CommandContext) -> None:
    sender = FakeSender()
    add_case(rctx, received=D("2026-03-02"), thread=False, assignee=ALICE)
    add_case(rctx, received=D("2026-03-02"), thread=False, assignee="U_BOB")
    sender.fail(ALICE, "service_unavailable", times=15)  # over an hour of Slack trouble
    sender.fail("U_BOB", "invalid_blocks", refused=True, times=15)
    sweep = sweeper(rctx, sender)
    start = at("2026-03-24", 9)
    for n in range(16):
        sweep.run(start + timedelta(minutes=5 * n))
    rows = {r.recipient: r for r in ledger(rctx)}
    # Ten failed deliveries give the message up; the reminder is not: the next sweep queues it again.
    assert (rows[ALICE].state, rows[ALICE].attempts) == ("sent", 2)
    assert [i.state for i in outbox_items(rctx, ALICE)] == ["dead", "sent"]
    assert (rows["U_BOB"].state, rows["U_BOB"].attempts, rows["U_BOB"].last_error) == ("abandoned", 1, "invalid_blocks")
    assert len(sender.to(ALICE)) == 1 and sender.to("U_BOB") == []


def test_an_unreachable_assignee_falls_back_to_the_team_channel(rctx: CommandContext, caplog) -> None:  # type: ignore[no-untyped-def]
    sender = FakeSender()
    add_case(rctx, received=D("2026-03-02"))
    sender.fail(ALICE, "account_inactive", gone=True)
    with caplog.at_level("WARNING"):
        sweeper(rctx, sender).run(at("2026-03-24", 9))
    [fallback] = [p for p in sender.to(TEAM, thread=False) if "FOI digest" not in p.text]
    assert "I could not deliver this to <@U_ALICE> (account_inactive)" in fallback.blob
    assert "FOI2026/00001" in fallback.text
    [row] = [r for r in ledger(rctx) if r.recipient == ALICE]
    assert (row.state, row.last_error, row.channel) == ("sent", "fallback:account_inactive", TEAM)
    assert "U_ALICE" not in caplog.text and "destination unreachable (account_inactive)" in caplog.text
    sweeper(rctx, sender).run(at("2026-03-24", 9, 30))
    assert len([p for p in sender.to(TEAM, thread=False) if "FOI digest" not in p.text]) == 1


def test_the_digest_has_its_sections_once_a_working_day(rctx: CommandContext) -> None:
    sender = FakeSender()
    add_case(rctx, received=D("2026-03-02"))  # due 31 March: due today
    add_case(rctx, received=D("2026-02-02"), assignee=None)  # due 2 March: overdue
    add_case(rctx, received=D("2026-01-05"))  # due 2 February: more overdue
    add_case(rctx, received=D("2026-03-04"))  # due 2 April: soon
    add_case(rctx, received=D("2026-03-25"))  # due 23 April: nowhere
    add_case(rctx, received=D("2026-01-05"), status="awaiting clarification", clarification_sought=D("2026-01-20"))
    add_case(rctx, received=D("2026-01-05"), status="awaiting fee", fee_notice=D("2026-01-06"))  # lapses 6 April
    add_case(rctx, received=D("2026-01-05"), status="responded", responded=D("2026-02-02"))  # window to 2 April
    sweep = sweeper(rctx, sender)
    sweep.run(at("2026-03-31", 8, 59))
    assert not [p for p in sender.posts if p.text.startswith("FOI digest")]
    sweep.run(at("2026-03-31", 9))
    sweep.run(at("2026-03-31", 9, 5))
    [digest] = [p for p in sender.posts if p.text.startswith("FOI digest")]
    assert digest.channel == TEAM and digest.thread_ts is None
    blob = digest.blob
    order = [blob.index(title) for title in ("*Due today*", "*Due in the next 5 working days*", "*Overdue (oldest first)*",
                                             "*Awaiting clarification for more than 20 working days: close?*",
                                             "*Fee notices about to lapse*", "*Review windows closing this week*")]
    assert order == sorted(order)
    assert "Internal reviews due" not in blob  # empty sections are left out
    assert blob.index("FOI2026/00003") < blob.index("FOI2026/00002")  # oldest overdue first
    assert "FOI2026/00005" not in blob
    assert "reminder_close_case" in blob and "https://example.slack.com/archives/C_TEAM/p" in blob


def test_an_empty_digest_is_not_posted_but_recorded(rctx: CommandContext) -> None:
    sender = FakeSender()
    add_case(rctx, received=D("2026-03-25"))
    sweeper(rctx, sender).run(at("2026-03-31", 9))
    assert sender.posts == []
    [row] = [r for r in ledger(rctx) if r.kind == "digest"]
    assert row.state == "skipped" and row.case_id is None


def test_the_review_window_closes_the_case_once_with_an_event_and_a_thread_note(rctx: CommandContext) -> None:
    sender = FakeSender()
    closing = add_case(rctx, received=D("2026-03-02"), status="responded", responded=D("2026-03-31"))
    asked = add_case(rctx, received=D("2026-03-02"), status="under review", responded=D("2026-03-31"),
                     review_requested=D("2026-04-10"))
    with session_scope(rctx.engine) as session:
        assert session.get(Case, closing).review_request_by == D("2026-05-31")  # type: ignore[union-attr]
    sweep = sweeper(rctx, sender)
    sweep.run(at("2026-05-29", 9, 5))  # still open on the Friday: the window runs to Sunday 31 May
    [digest] = sender.posts
    assert "Review windows closing this week" in digest.blob and "FOI2026/00001" in digest.blob
    sweep.run(at("2026-06-01", 9, 5))
    sweep.run(at("2026-06-01", 9, 10))
    [note] = sender.to(TEAM, thread=True)
    assert "ended on Sunday 31 May 2026 and no review was requested, so the case is now closed" in note.text
    with session_scope(rctx.engine) as session:
        case = session.get(Case, closing)
        assert case is not None and case.status == "closed" and case.closed_at is not None
        events = session.exec(select(CaseEvent).where(CaseEvent.case_id == closing)).all()
        assert [(e.kind, e.actor) for e in events] == [("closed", "foi-bot")]
        assert session.get(Case, asked).status == "under review"  # type: ignore[union-attr]


def test_a_case_with_nowhere_to_post_the_note_is_still_closed(rctx: CommandContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("FOI_TEAM_CHANNEL")
    ctx = CommandContext(engine=rctx.engine, settings=load_settings())
    sender = FakeSender()
    case_id = add_case(ctx, received=D("2026-03-02"), thread=False, status="responded", responded=D("2026-03-31"))
    sweeper(ctx, sender).run(at("2026-06-01", 9, 5))
    with session_scope(ctx.engine) as session:
        assert session.get(Case, case_id).status == "closed"  # type: ignore[union-attr]


def test_without_auto_close_the_note_only_offers_to_close(rctx: CommandContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FOI_AUTO_CLOSE", "false")
    ctx = CommandContext(engine=rctx.engine, settings=load_settings())
    sender = FakeSender()
    case_id = add_case(ctx, received=D("2026-03-02"), status="responded", responded=D("2026-03-31"))
    sweeper(ctx, sender).run(at("2026-06-01", 9, 5))
    [note] = sender.to(TEAM, thread=True)
    assert "It can be closed with `/foi close FOI2026/00001`" in note.text
    with session_scope(ctx.engine) as session:
        assert session.get(Case, case_id).status == "responded"  # type: ignore[union-attr]


def test_an_internal_review_is_chased_against_its_target(rctx: CommandContext) -> None:
    sender = FakeSender()
    parent = add_case(rctx, received=D("2026-01-05"), status="under review", responded=D("2026-02-02"),
                      review_requested=D("2026-03-02"))
    add_case(rctx, received=D("2026-03-02"), parent_id=parent, reference="IR2026/00001")
    sweep = sweeper(rctx, sender)
    sweep.run(at("2026-03-24", 9))
    [dm] = sender.to(ALICE)
    assert "IR2026/00001" in dm.text and "internal review target" in dm.text and "Outer limit" not in dm.text
    assert [r.kind for r in ledger(rctx) if r.recipient == ALICE] == ["ir-due-in-5"]
    sweep.run(at("2026-04-30", 9))
    escalation = [p for p in sender.to(LEAD)]
    assert escalation and "past the 40-working-day outer limit" in escalation[0].text


def test_very_overdue_escalates_to_the_lead_and_the_team_channel(rctx: CommandContext) -> None:
    sender = FakeSender()
    add_case(rctx, received=D("2026-03-02"))
    sweep = sweeper(rctx, sender)
    sweep.run(at("2026-04-29", 9))
    assert sender.to(LEAD) == []
    sweep.run(at("2026-04-30", 9))
    [lead] = sender.to(LEAD)
    assert "Escalation" in lead.text and "overdue by 20 working days" in lead.text
    assert [p for p in sender.to(TEAM, thread=False) if "Escalation" in p.text]


def test_snooze_until_tomorrow_reminds_once_more_and_the_digest_still_shows_the_case(rctx: CommandContext) -> None:
    sender = FakeSender()
    add_case(rctx, received=D("2026-03-02"))
    sweep = sweeper(rctx, sender)
    sweep.run(at("2026-03-24", 9))
    [dm] = sender.to(ALICE)
    [button] = [e for b in dm.blocks for e in b.get("elements", []) if e.get("action_id") == "reminder_snooze"]
    text = snooze_reminder(rctx, button["value"], at("2026-03-24", 10))
    assert "again on Wednesday 25 March 2026 at 09:00" in text
    snooze_reminder(rctx, button["value"], at("2026-03-24", 10, 1))  # a double click changes nothing
    sweep.run(at("2026-03-24", 15))
    assert len(sender.to(ALICE)) == 1
    sweep.run(at("2026-03-25", 9))
    sweep.run(at("2026-03-25", 9, 5))
    snoozed = sender.to(ALICE)[1:]
    assert len(snoozed) == 1 and "Snoozed reminder" in snoozed[0].text
    digest = [p for p in sender.posts if p.text.startswith("FOI digest") and "2026" in p.text]
    assert all("FOI2026/00001" in p.blob for p in digest) and len(digest) == 2


def test_a_sweep_issues_the_same_few_queries_for_ten_or_two_hundred_cases(tmp_path, reminder_settings) -> None:  # type: ignore[no-untyped-def]
    def queries_for(cases: int) -> tuple[int, int]:
        ctx = context_for(f"sqlite:///{tmp_path / f'q{cases}.sqlite3'}", reminder_settings)
        for n in range(cases):
            add_case(ctx, received=D("2026-03-02"), assignee=f"U_{n}")
        for n in range(cases * 5):  # cases far from any date: never read
            add_case(ctx, received=D("2026-06-01"), assignee=f"U_{n}")
        counts = []

        def counter(*_args: object) -> None:
            counts[-1] += 1

        event.listen(ctx.engine, "before_cursor_execute", counter)
        try:
            for moment in (at("2026-03-24", 9), at("2026-03-24", 9, 5)):
                counts.append(0)
                report = ReminderSweeper(ctx, FakeSender(), name="counted").run(moment)
                if moment.minute == 0:
                    assert report.reminders_sent == 2 * cases and report.candidates == cases
        finally:
            event.remove(ctx.engine, "before_cursor_execute", counter)
            ctx.engine.dispose()
        return counts[0], counts[1]

    small, large = queries_for(10), queries_for(200)
    assert small == large
    sending, idle = large
    # BEGIN and the ledger, the candidates, the claim and the outbox rows, each one statement however many.
    assert sending <= 10 and idle <= 5
