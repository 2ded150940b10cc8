"""Reminders over real HTTP: the sweep queues them, the outbox deliverer sends them to the Slack Web API
stand-in (DMs, thread replies, the digest); the real Bolt app handles the Snooze and Close buttons; Slack's
429, 500 and "gone" answers are survived, each reminder delivered once."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.cli import main
from bot.config import Settings, load_settings
from bot.leader import Leadership
from bot.reminders import ReminderSweeper, SlackThreadLinks, SweepReport
from bot.scheduler import DAILY_JOB, MAINTENANCE_JOB, SWEEP_JOB, daily_trigger, start_scheduler
from bot.slack.app import build_bot, make_client
from bot.slack.delivery import Deliverer
from bot.slack.server import make_server, make_wsgi_app, run_until_closed
from commands.base import CommandContext
from storage.db import session_scope
from storage.models import Case, OutboxItem
from tests.reminders.conftest import (
    ALICE,
    TEAM,
    UTC,
    FakeSender,
    add_case,
    at,
    context_for,
    ledger,
    update_case,
)
from tests.support.signing import SlackSender
from tests.support.slack_standin import Call, SlackStandIn
from tests.support.waiting import wait_until

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
D = date.fromisoformat
#: Registered just after midnight on the day swept, so exactly that day's reminders are owed.
FRESH = at("2026-03-31", 0, 30)


@pytest.fixture
def slack_settings(reminder_env: Path, monkeypatch: pytest.MonkeyPatch, standin: SlackStandIn) -> Settings:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_API_URL", standin.api_url)
    monkeypatch.setenv("FOI_TEAM_USERS", ALICE)  # the buttons are for the team
    return load_settings()


@pytest.fixture
def slack_ctx(slack_settings: Settings) -> Iterator[CommandContext]:
    ctx = context_for(slack_settings.database_url, slack_settings)
    yield ctx
    ctx.engine.dispose()


class SlackSweep:
    """A sweep, then delivery through the real deliverer to the stand-in until nothing is due."""

    def __init__(self, ctx: CommandContext) -> None:
        self.ctx = ctx
        self.sweeper = ReminderSweeper(ctx, SlackThreadLinks(make_client(ctx.settings)), name="slack-test")
        self.deliverer = Deliverer(ctx, make_client(ctx.settings, retries=False), backoff=0.05, name="slack-test")

    def run(self, now: object) -> SweepReport:
        report = self.sweeper.run(now)  # type: ignore[arg-type]
        self.deliver()
        return report

    def deliver(self) -> int:
        return self.deliverer.run_until_idle().sent

    def settled(self) -> bool:
        """Everything owed is delivered (delivering whatever has come due meanwhile)."""
        self.deliver()
        with session_scope(self.ctx.engine) as session:
            waiting = session.exec(select(OutboxItem).where(OutboxItem.state.in_(("pending", "unknown", "sending")))).all()  # type: ignore[attr-defined]
        return not waiting


def slack_sweeper(ctx: CommandContext) -> SlackSweep:
    return SlackSweep(ctx)


def posts(standin: SlackStandIn, channel: str, *, thread: bool | None = None) -> list[Call]:
    return [c for c in standin.calls_to("chat.postMessage")
            if c.args.get("channel") == channel and (thread is None or bool(c.args.get("thread_ts")) == thread)]


def buttons(call: Call) -> dict[str, dict]:
    return {e["action_id"]: e for b in call.args["blocks"] if b["type"] == "actions" for e in b["elements"]}


def test_dm_thread_reply_and_digest_land_with_their_text_and_blocks(slack_ctx: CommandContext,
                                                                     standin: SlackStandIn) -> None:
    case_id = add_case(slack_ctx, received=D("2026-03-02"), created=FRESH)
    report = slack_sweeper(slack_ctx).run(at("2026-03-31", 9))
    assert report.failed == 0
    [dm] = posts(standin, ALICE)
    assert dm.args["metadata"]["event_payload"]["key"].startswith("reminder:")  # how a timeout is reconciled
    assert dm.args["text"] == "FOI2026/00001 is due today (due Tuesday 31 March 2026)."
    fields = json.dumps([b for b in dm.args["blocks"] if b.get("fields")])
    for label in ("*Subject*\\nUse of force statistics 1", "*Due*\\nTue 31 Mar 2026", "*Working days left*\\ndue today",
                  "*Assignee*\\n<@U_ALICE>"):
        assert label in fields
    actions = buttons(dm)
    assert set(actions) == {"reminder_open_thread", "case_assign_me", "reminder_snooze"}
    assert actions["reminder_open_thread"]["url"].startswith("https://example.slack.com/archives/C_TEAM/p1700000000000001")
    assert actions["case_assign_me"]["value"] == "FOI2026/00001"
    [thread] = posts(standin, TEAM, thread=True)
    assert thread.args["thread_ts"] == "1700000000.000001" and "due today" in thread.args["text"]
    assert "reminder_open_thread" not in buttons(thread)
    [digest] = posts(standin, TEAM, thread=False)
    assert digest.args["blocks"][0] == {"type": "header", "text": {"type": "plain_text",
                                                                   "text": "FOI digest for Tuesday 31 March 2026"}}
    assert "*Due today* (1)" in json.dumps(digest.args["blocks"])
    assert len(standin.calls_to("auth.test")) == 1  # the workspace URL, asked once
    rows = [r for r in ledger(slack_ctx) if r.case_id == case_id]
    assert {(r.recipient, r.state, r.channel) for r in rows} == {(ALICE, "sent", "D_ALICE"), ("thread", "sent", TEAM)}


def test_a_429_is_waited_out_and_the_reminder_sent_once(slack_ctx: CommandContext, standin: SlackStandIn) -> None:
    add_case(slack_ctx, received=D("2026-03-02"), thread=False, created=FRESH)
    standin.fail_next("chat.postMessage", status=429, retry_after=1)
    sweep = slack_sweeper(slack_ctx)
    report = sweep.run(at("2026-03-31", 9))  # the sweep queues and returns: it never waits for Slack
    assert report.reminders_sent == 1
    wait_until(sweep.settled, what="the reminder delivered after the 429")
    first, second = posts(standin, ALICE)  # the 429, then the one that landed
    assert second.at - first.at >= 1.0  # Retry-After honoured
    sweep.run(at("2026-03-31", 9, 5))
    assert len(posts(standin, ALICE)) == 2
    [row] = [r for r in ledger(slack_ctx) if r.recipient == ALICE]
    assert (row.state, row.attempts) == ("sent", 1)


def test_a_server_error_is_reconciled_then_sent_once(slack_ctx: CommandContext, standin: SlackStandIn) -> None:
    add_case(slack_ctx, received=D("2026-03-02"), thread=False, created=FRESH)
    standin.fail_next("chat.postMessage", status=500)
    sweep = slack_sweeper(slack_ctx)
    sweep.run(at("2026-03-31", 9))
    [row] = [r for r in ledger(slack_ctx) if r.recipient == ALICE]
    assert row.state == "queued"  # not sent until Slack says so
    wait_until(sweep.settled, what="the reminder delivered after the 500")
    assert standin.calls_to("conversations.history")  # a 500 may have landed: checked before resending
    sweep.run(at("2026-03-31", 9, 5))
    assert len([c for c in posts(standin, ALICE)]) == 2  # the 500 and the one that landed
    [row] = [r for r in ledger(slack_ctx) if r.recipient == ALICE]
    assert (row.state, row.attempts) == ("sent", 1)


def test_a_gone_channel_and_a_gone_user_fall_back_to_the_team_channel(slack_ctx: CommandContext,
                                                                      standin: SlackStandIn) -> None:
    case_id = add_case(slack_ctx, received=D("2026-03-02"), created=FRESH)
    update_case(slack_ctx, case_id, channel_id="C_GONE1")  # the bot was removed from the case's channel
    standin.fail_next("chat.postMessage", error="user_not_found")  # and the assignee left
    slack_sweeper(slack_ctx).run(at("2026-03-31", 9))
    fallbacks = [c for c in posts(standin, TEAM, thread=False) if "could not deliver" in json.dumps(c.args["blocks"])]
    notes = sorted(json.dumps(c.args["blocks"]) for c in fallbacks)
    assert len(notes) == 2
    assert "I could not deliver this to <@U_ALICE> (user_not_found)" in notes[0] + notes[1]
    assert "I could not deliver this to the case thread (channel_not_found)" in notes[0] + notes[1]
    rows = {r.recipient: r for r in ledger(slack_ctx) if r.case_id == case_id}
    assert rows[ALICE].last_error == "fallback:user_not_found" and rows["thread"].last_error == "fallback:channel_not_found"
    assert {r.state for r in rows.values()} == {"sent"}


@pytest.fixture
def running_bot(slack_ctx: CommandContext, standin: SlackStandIn) -> Iterator[SlackSender]:
    bot = build_bot(slack_ctx, slack_ctx.settings).start()
    wsgi = make_wsgi_app(bot.app, slack_ctx.engine, signing_secret=SECRET, queue_engine=bot.queue.engine)
    server = make_server(wsgi, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=run_until_closed, args=(server,), daemon=True).start()
    yield SlackSender(f"http://127.0.0.1:{server.effective_port}/slack/events", SECRET, standin)
    server.close()
    bot.drain(timeout=30)


def test_snooze_button_through_the_bolt_app(slack_ctx: CommandContext, standin: SlackStandIn,
                                            running_bot: SlackSender) -> None:
    add_case(slack_ctx, received=D("2026-03-02"), thread=False, created=at("2026-03-24", 0, 30))
    slack_sweeper(slack_ctx).run(at("2026-03-24", 9, 30))
    [dm] = posts(standin, ALICE)
    snooze = buttons(dm)["reminder_snooze"]
    payload = {
        "type": "block_actions", "user": {"id": ALICE}, "api_app_id": "A0001", "token": "legacy",
        "team": {"id": "T0001"}, "trigger_id": "T.1", "channel": {"id": "D_ALICE"},
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "D_ALICE"},
        "response_url": standin.response_url("snooze"),
        "actions": [{"type": "button", "action_id": "reminder_snooze", "block_id": "reminder:FOI2026/00001",
                     "value": snooze["value"], "action_ts": "1.3"}],
    }
    status, _ = running_bot.interaction(payload)
    assert status == 200
    [answer] = standin.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral" and answer.args["text"].startswith("Snoozed: I'll remind you")
    wait_until(lambda: [r for r in ledger(slack_ctx) if r.snoozed_until], what="the snooze recorded")
    [row] = [r for r in ledger(slack_ctx) if r.recipient == ALICE]
    assert row.snoozed_until is not None and row.snoozed_until > D("2026-03-24")


def test_close_button_on_a_stale_clarification_closes_the_case(slack_ctx: CommandContext, standin: SlackStandIn,
                                                                running_bot: SlackSender) -> None:
    case_id = add_case(slack_ctx, received=D("2026-01-05"), status="awaiting clarification",
                       clarification_sought=D("2026-01-20"), created=at("2026-02-18", 0, 30))
    slack_sweeper(slack_ctx).run(at("2026-02-18", 9, 30))  # 21 working days after it was sought
    [dm] = posts(standin, ALICE)
    assert "awaiting clarification for more than 20 working days" in dm.args["text"]
    close = buttons(dm)["reminder_close_case"]
    assert close["confirm"]["title"]["text"] == "Close the case?"
    payload = {
        "type": "block_actions", "user": {"id": ALICE}, "api_app_id": "A0001", "token": "legacy",
        "team": {"id": "T0001"}, "trigger_id": "T.2", "channel": {"id": "D_ALICE"},
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "D_ALICE"},
        "response_url": standin.response_url("close"),
        "actions": [{"type": "button", "action_id": "reminder_close_case", "block_id": "reminder:FOI2026/00001",
                     "value": close["value"], "action_ts": "1.3"}],
    }
    assert running_bot.interaction(payload)[0] == 200

    def closed() -> Case | None:
        with session_scope(slack_ctx.engine) as session:
            case = session.get(Case, case_id)
            return case if case is not None and case.status == "closed" else None

    case = wait_until(closed, what="the case closed")
    assert case is not None and case.status == "closed" and case.close_reason == "no clarification received"


def test_run_can_be_told_not_to_schedule_reminders() -> None:
    from bot.cli import build_parser

    assert build_parser().parse_args(["run", "--no-scheduler"]).no_scheduler is True
    assert build_parser().parse_args(["run"]).no_scheduler is False


def test_run_once_sends_through_slack_and_preview_lists_as_json(slack_ctx: CommandContext, standin: SlackStandIn,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    add_case(slack_ctx, received=D("2026-03-02"), created=FRESH)
    assert main(["reminders", "preview", "--on", "2026-03-31", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == [
        {"reference": "FOI2026/00001", "kind": "due-today", "recipient": ALICE, "due": "2026-03-31", "working_days_left": 0},
        {"reference": "FOI2026/00001", "kind": "due-today", "recipient": "thread", "due": "2026-03-31",
         "working_days_left": 0},
    ]
    assert main(["reminders", "preview", "--on", "2026-03-31"]) == 0
    text = capsys.readouterr().out
    assert "2 reminder(s) due on Tue 31 Mar 2026" in text and "Digest to C_TEAM: Due today (1)." in text
    assert standin.calls_to("chat.postMessage") == []  # previews never send
    assert main(["reminders", "run-once", "--now", "2026-03-31T09:00"]) == 0
    out = capsys.readouterr().out
    assert "Swept at 2026-03-31 09:00 Europe/London: 2 reminder(s) queued in 2 message(s), digest queued" in out
    assert "Delivered 3 message(s) to Slack." in out
    assert len(standin.calls_to("chat.postMessage")) == 3
    assert main(["reminders", "preview", "--on", "2026-03-31", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # already sent: nothing left for that day


def test_run_once_without_slack_says_so_and_sends_nothing(reminder_env: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reminders", "run-once"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN" in err and "Slack is not configured, so no reminder was sent" in err


def test_the_daily_trigger_fires_at_nine_london_time_on_both_sides_of_each_changeover(slack_settings: Settings) -> None:
    trigger = daily_trigger(slack_settings)
    fires = {}
    for start in ("2026-03-27", "2026-03-28", "2026-03-29", "2026-10-23", "2026-10-24", "2026-10-25"):
        fire = trigger.get_next_fire_time(None, at(start, 10))
        fires[fire.date().isoformat()] = fire.astimezone(UTC).strftime("%H:%M")
    assert fires == {"2026-03-28": "09:00", "2026-03-29": "08:00", "2026-03-30": "08:00",
                     "2026-10-24": "08:00", "2026-10-25": "09:00", "2026-10-26": "09:00"}


def test_the_scheduler_sweeps_at_start_and_shuts_down(slack_ctx: CommandContext) -> None:
    client = WebClient(token="xoxb-unused", base_url="http://127.0.0.1:9/api/")
    scheduler = start_scheduler(slack_ctx, client, links=FakeSender(), sweep_minutes=5)
    try:
        assert {job.id for job in scheduler.get_jobs()} == {DAILY_JOB, SWEEP_JOB, MAINTENANCE_JOB}
        job = scheduler.get_job(SWEEP_JOB).func
        wait_until(lambda: job.last_report is not None, what="the catch-up sweep at start")
    finally:
        scheduler.shutdown(wait=True)
    assert not scheduler.running


def test_one_process_at_a_time_leads_and_another_takes_over(database_url: str, reminder_settings: Settings) -> None:
    ctx = context_for(database_url, reminder_settings)
    other = context_for(database_url, reminder_settings)
    first = Leadership(ctx.engine, interval=0.2).start()
    second = Leadership(other.engine, interval=0.2).start()
    try:
        assert first.is_leader() and not second.is_leader()
        first.stop()  # the leader goes away: its lock goes with it
        assert second.wait(30) and second.is_leader()
    finally:
        first.stop()
        second.stop()
        ctx.engine.dispose()
        other.engine.dispose()
