"""The reminder sweep: derive what is owed from the database, claim it in the ledger, queue it in the outbox.

The database is the source of truth. Each sweep re-derives every reminder from the cases' stored dates
(``commands.rules.reminder_plan``), so nothing has to be scheduled or cancelled when a case changes; the
ledger (``storage.reminders``) makes sending exactly-once across restarts, threads and processes:

1. plan — load the recent ledger (one query), stream the candidate cases (one query), and keep the
   reminders that are due by now and not yet owed: new ones, and ones whose message was given up;
2. close — responded cases whose review window ended unasked are closed (one UPDATE, one INSERT);
3. claim and queue — in one transaction, insert the new ledger rows as *queued* and write one outbox
   message per case and recipient (several reminders missed during downtime go out as one message
   marked late); a queued row is never claimed again, however long Slack takes;
4. the deliverer (`bot.slack.delivery`) sends the outbox and marks the ledger rows *sent* only when Slack
   said ok, with where the message landed; a message given up after its retries marks them *abandoned*.

A sweep therefore takes the same time whether Slack is fast, slow or down: it never waits on Slack. An
unreachable recipient (deactivated user, channel the bot was removed from) gets the message in the team
channel instead (the outbox row carries that fallback). Logs name the case reference, the kind and the
recipient's *role*, never a person or a requester's details.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy.engine import Row
from sqlmodel import Session

from bot.config import Settings
from bot.reminder_messages import CaseMessage, render_case_message, render_digest
from bot.slack.text import mrkdwn, safe_blocks
from commands.base import CommandContext
from commands.case_views import MASK
from commands.rules.calendar import calendar_for
from commands.rules.personal_data import erase, known_details
from commands.rules.reminder_plan import (
    AUTO_CLOSE_REASON,
    DIGEST,
    RESPONDED,
    THREAD,
    CaseFacts,
    Digest,
    DigestBuilder,
    PlannedReminder,
    ReminderPolicy,
    case_calendar,
    due_at,
    is_late,
    plan_reminders,
    review_window_closed_on,
    when_phrase,
)
from commands.words import mention
from storage import outbox
from storage.db import session_scope
from storage.reminders import (
    CLAIMED,
    DONE_STATES,
    QUEUED,
    CandidateBounds,
    Key,
    LedgerEntry,
    NewClaim,
    Outcome,
    claim,
    close_cases_after_review_window,
    load_ledger,
    mark_skipped,
    record_outcomes,
    stream_candidates,
)

log = logging.getLogger(__name__)

#: A ``claimed`` row left by a pre-outbox sweeper that died mid-send is claimed again after this long.
#: Rows queued in the outbox are never re-claimed on a timer: the outbox owns them until Slack answers.
CLAIM_TIMEOUT = timedelta(minutes=15)
SYSTEM_ACTOR = "foi-bot"
#: Filled in by the deliverer with Slack's error when a message goes to its fallback channel.
REASON = "{reason}"


class ThreadLinks(Protocol):
    """Builds the URL that opens a case's thread (for the Open thread button and the digest)."""

    def thread_link(self, channel: str, ts: str) -> str | None:
        ...


class SlackThreadLinks:
    """Thread permalinks from the workspace URL that auth.test reports (asked once, then cached).

    Asked at most every ten minutes while unknown (never compared with 0.0: a machine up for less than ten
    minutes would never ask); without it, links open the channel through app_redirect.
    """

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._workspace: str | None = None
        self._asked_at: float | None = None
        self._lock = threading.Lock()

    def thread_link(self, channel: str, ts: str) -> str | None:
        base = self._workspace_url()
        if base:
            return f"{base}archives/{channel}/p{ts.replace('.', '')}"
        return f"https://slack.com/app_redirect?channel={channel}"

    def _workspace_url(self) -> str | None:
        with self._lock:
            if self._workspace is None and (self._asked_at is None or time.monotonic() - self._asked_at > 600):
                self._asked_at = time.monotonic()
                try:
                    url = str(self.client.auth_test().get("url") or "")
                    self._workspace = url if url.endswith("/") else (url + "/" if url else None)
                except (SlackClientError, URLError, OSError) as exc:
                    log.warning("could not learn the workspace URL for thread links (%s)", type(exc).__name__)
            return self._workspace


def policy_from_settings(settings: Settings) -> ReminderPolicy:
    """The settings that decide what is sent, gathered for the pure planner."""
    return ReminderPolicy(
        days_before=tuple(settings.reminder_days_before),
        escalate_after=settings.reminder_escalate_after,
        clarification_stale_after=settings.clarification_stale_after,
        team_channel=settings.team_channel,
        lead=settings.lead_user or (settings.leads[0] if settings.leads else None),
        auto_close=settings.auto_close_after_review_window,
    )


@dataclass(frozen=True)
class CaseRecord:
    """A candidate case that owes something now: its facts plus where its thread is."""

    facts: CaseFacts
    channel_id: str | None
    thread_ts: str | None
    created_at: datetime | None


def _masked_subject(row: Row[Any]) -> str:
    """Reminders and the digest are seen by a channel: the requester never appears in them."""
    details = known_details(getattr(row, "requester_name", None), getattr(row, "requester_email", None),
                            getattr(row, "requester_address", None))
    return erase(row.subject or "", details, MASK)


def facts_from_row(row: Row[Any], tz: Any) -> CaseFacts:
    created = row.created_at.astimezone(tz).date() if row.created_at is not None else None
    return CaseFacts(
        case_id=row.id, reference=row.reference, regime=row.regime, status=row.status, due=row.due,
        subject=_masked_subject(row), assignee=row.assignee, extended_due=row.extended_due, extended=bool(row.extended),
        review_request_by=row.review_request_by, review_requested=row.review_requested, received=row.received,
        clarification_sought=row.clarification_sought, clarified=row.clarified, fee_notice=row.fee_notice,
        fee_paid=row.fee_paid, is_review=row.parent_id is not None or str(row.reference).startswith("IR"),
        has_thread=bool(row.channel_id and row.thread_ts), close_reason=row.close_reason, created=created,
    )


@dataclass
class SweepPlan:
    """What a sweep at ``now`` would send: reminders due and not yet sent, and the digest if it is owed."""

    now: datetime
    today: date
    since: date
    due: list[PlannedReminder] = field(default_factory=list)
    cases: dict[int, CaseRecord] = field(default_factory=dict)
    retry: dict[Key, tuple[int, int]] = field(default_factory=dict)
    closes: dict[int, date] = field(default_factory=dict)
    digest: Digest | None = None
    digest_key: Key | None = None
    digest_links: dict[int, tuple[str, str]] = field(default_factory=dict)
    candidates: int = 0


@dataclass
class SweepReport:
    """What one sweep did, for logs, the CLI and tests. Messages are *queued* here; the deliverer sends."""

    due: int = 0
    claimed: int = 0
    messages: int = 0  # reminder messages queued; the digest is reported in ``digest``
    reminders_sent: int = 0  # reminders those messages carry
    late_messages: int = 0
    failed: int = 0  # reminders that could not even be prepared (a bug; logged)
    fallbacks: int = 0
    closed: list[int] = field(default_factory=list)
    digest: str | None = None
    candidates: int = 0
    sent: list[tuple[str, str, str]] = field(default_factory=list)  # (reference, kind, recipient)

    def summary(self) -> str:
        parts = [f"{self.reminders_sent} reminder(s) queued in {self.messages} message(s)"]
        if self.late_messages:
            parts.append(f"{self.late_messages} late")
        if self.fallbacks:
            parts.append(f"{self.fallbacks} re-routed to the team channel")
        if self.failed:
            parts.append(f"{self.failed} could not be prepared")
        if self.closed:
            parts.append(f"{len(self.closed)} case(s) closed after the review window")
        if self.digest:
            parts.append(f"digest {self.digest}")
        return ", ".join(parts)




class _NoLinks:
    def thread_link(self, channel: str, ts: str) -> str | None:
        return f"https://slack.com/app_redirect?channel={channel}"


class ReminderSweeper:
    """Runs sweeps for one process. Safe beside other sweepers on the same database (the ledger decides)."""

    def __init__(self, ctx: CommandContext, links: ThreadLinks | None = None, *, name: str | None = None) -> None:
        self.ctx = ctx
        self.settings = ctx.settings
        self.links = links or _NoLinks()
        self.policy = policy_from_settings(ctx.settings)
        self.name = (name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}")[:80]

    # -- planning ----------------------------------------------------------------------------------------
    def plan(self, now: datetime, *, since: date | None = None) -> SweepPlan:
        """Everything due by ``now`` and not yet sent (read-only: writes nothing, sends nothing)."""
        tz = self.settings.tz
        hour = self.settings.reminder_hour
        today = now.astimezone(tz).date()
        since = since if since is not None else today - timedelta(days=self.settings.reminder_catchup_days)
        plan = SweepPlan(now=now, today=today, since=since)
        with session_scope(self.ctx.engine) as session:
            ledger = load_ledger(session, since - timedelta(days=7))
        snoozes: dict[int, list[tuple[str, date]]] = {}
        for entry in ledger.values():
            if entry.case_id is not None and entry.snoozed_until and since <= entry.snoozed_until <= today:
                snoozes.setdefault(entry.case_id, []).append((entry.recipient, entry.snoozed_until))
        builder = self._digest_builder(plan, ledger)
        with session_scope(self.ctx.engine) as session:
            for row in stream_candidates(session, self._bounds(today, since, digest=builder is not None)):
                plan.candidates += 1
                facts = facts_from_row(row, tz)
                if builder is not None and builder.add(facts) and facts.has_thread:
                    plan.digest_links[facts.case_id] = (row.channel_id, row.thread_ts)
                owed = plan_reminders(facts, today, self.policy, since=since,
                                      snoozed=snoozes.get(facts.case_id, ()))
                if self.policy.auto_close and facts.status == RESPONDED and facts.review_request_by is not None:
                    # Closing does not wait on the thread note: a case with no thread, and no team channel to
                    # tell, is still closed once the requester's window has ended.
                    closed_on = review_window_closed_on(facts, case_calendar(facts.regime))
                    if closed_on is not None and due_at(closed_on, hour, tz) <= now:
                        plan.closes[facts.case_id] = facts.review_request_by
                for item in owed:
                    if due_at(item.target_date, hour, tz) > now:
                        continue
                    wanted = self._wanted(ledger.get(item.key), now)
                    if wanted is None:
                        continue
                    if wanted is not True:
                        plan.retry[item.key] = wanted
                    plan.due.append(item)
                    if facts.case_id not in plan.cases:
                        plan.cases[facts.case_id] = CaseRecord(facts, row.channel_id, row.thread_ts, row.created_at)
                    if item.closes_case and facts.review_request_by is not None:
                        plan.closes[facts.case_id] = facts.review_request_by
        if builder is not None:
            plan.digest = builder.result()
        return plan

    @staticmethod
    def _wanted(entry: LedgerEntry | None, now: datetime) -> tuple[int, int] | bool | None:
        """True: claim a new row; (id, attempts): re-claim this row; None: sent, done or in flight."""
        if entry is None:
            return True
        if entry.state in DONE_STATES or entry.state == QUEUED:
            return None  # sent, given up, or in the outbox (which owns it until Slack answers)
        if entry.state == CLAIMED and entry.claimed_at is not None and now - entry.claimed_at < CLAIM_TIMEOUT:
            return None  # a legacy in-flight claim (from before the outbox)
        return (entry.id, entry.attempts)

    def _digest_builder(self, plan: SweepPlan, ledger: dict[Key, LedgerEntry]) -> DigestBuilder | None:
        """A builder when today's digest is owed: a working day, past the hour, a team channel, not yet sent."""
        team = self.settings.team_channel
        if not team or not calendar_for(self.settings.digest_calendar).is_working_day(plan.today):
            return None
        if plan.now < due_at(plan.today, self.settings.reminder_hour, self.settings.tz):
            return None
        key: Key = (None, DIGEST, plan.today, team)
        wanted = self._wanted(ledger.get(key), plan.now)
        if wanted is None:
            return None
        if wanted is not True:
            plan.retry[key] = wanted
        plan.digest_key = key
        return DigestBuilder(plan.today, self.policy)

    def _bounds(self, today: date, since: date, *, digest: bool) -> CandidateBounds:
        """Generous date bounds for the SQL filter. The UK calendar has the most holidays of any, so
        counting on it never undershoots another calendar's working days; a few days' margin covers the rest."""
        uk = calendar_for("uk")
        ahead = max([*self.policy.days_before, self.policy.soon, 0])
        stale = self.policy.clarification_stale_after + 1
        return CandidateBounds(
            today=today,
            due_until=uk.add_working_days(today, ahead) + timedelta(days=3),
            sought_from=uk.add_working_days(since, -stale) - timedelta(days=7),
            sought_until=today - timedelta(days=stale),
            review_by_from=since - timedelta(days=10),
            auto_close_reason=AUTO_CLOSE_REASON,
            digest=digest,
            fee_notice_from=today - timedelta(days=130) if digest else None,
            fee_notice_until=today - timedelta(days=60) if digest else None,
            review_by_until=today + timedelta(days=7) if digest else None,
        )

    # -- running -----------------------------------------------------------------------------------------
    def run(self, now: datetime | None = None) -> SweepReport:
        """One sweep at ``now`` (default: the current time): close lapsed review windows, then claim what is
        owed and queue its messages in the outbox, in the same transaction. Nothing is sent here: the
        deliverer sends, and marks each ledger row sent only once Slack has said ok."""
        now = now or datetime.now(timezone.utc)
        plan = self.plan(now)
        report = SweepReport(due=len(plan.due), candidates=plan.candidates)
        if plan.closes and self.policy.auto_close:
            with session_scope(self.ctx.engine) as session:
                report.closed = close_cases_after_review_window(
                    session, plan.closes, reason=AUTO_CLOSE_REASON, actor=SYSTEM_ACTOR, now=now)
            for case_id in report.closed:
                log.info("case id %s closed: review window ended with no review requested", case_id)
        with session_scope(self.ctx.engine) as session:
            owned = self._claim(session, plan, now)
            report.claimed = len(owned)
            # A row claimed again (its message was given up) gets a new outbox key: a new message.
            attempts = {row_id: (plan.retry[key][1] + 1 if key in plan.retry else 1) for key, row_id in owned.items()}
            owed: list[outbox.Owed] = []
            groups: dict[tuple[int, str], list[PlannedReminder]] = {}
            for item in plan.due:
                if item.key in owned and item.case_id is not None:
                    groups.setdefault((item.case_id, item.recipient), []).append(item)
            for (case_id, recipient), items in groups.items():
                owed.extend(self._owe_case(session, plan.cases[case_id], recipient, items, owned, attempts, now, report))
            if plan.digest is not None and plan.digest_key in owned:
                owed.extend(self._owe_digest(session, plan, owned[plan.digest_key], attempts, now, report))
            outbox.add(session, owed)
        if report.messages or report.failed or report.closed or report.digest:
            log.info("reminder sweep: %s", report.summary())
        return report

    def _claim(self, session: Session, plan: SweepPlan, now: datetime) -> dict[Key, int]:
        tz, hour = self.settings.tz, self.settings.reminder_hour
        new = [NewClaim(item.case_id, item.kind, item.target_date, item.recipient, due_at(item.target_date, hour, tz))
               for item in plan.due if item.key not in plan.retry]
        if plan.digest_key is not None and plan.digest_key not in plan.retry:
            _none, kind, day, recipient = plan.digest_key
            new.append(NewClaim(None, kind, day, recipient, due_at(day, hour, tz)))
        if not new and not plan.retry:
            return {}
        return claim(session, new, list(plan.retry.values()), claimer=self.name, now=now)

    def _owe_case(self, session: Session, record: CaseRecord, recipient: str, items: list[PlannedReminder],
                  owned: dict[Key, int], attempts: dict[int, int], now: datetime,
                  report: SweepReport) -> list[outbox.Owed]:
        facts = record.facts
        ids = [owned[item.key] for item in items]
        try:
            link = (self.links.thread_link(record.channel_id, record.thread_ts)
                    if record.channel_id and record.thread_ts else None)
            message = CaseMessage(facts, recipient, items, ids, link, record.created_at)
            text, blocks = self._render(message, now)
            fallback = None
            team = self.policy.team_channel
            if team and recipient != team:
                who = "the case thread" if recipient == THREAD else mention(recipient)
                note = f"I could not deliver this to {who} ({REASON}), so it is posted here."
                f_text, f_blocks = self._render(message, now, fallback_note=note)
                fallback = {"channel": team, "text": mrkdwn(f_text), "blocks": safe_blocks(f_blocks)}
        except Exception as exc:  # noqa: BLE001 - one bad case must not stop the sweep for the others
            log.exception("reminder for %s could not be prepared (%s)", facts.reference, type(exc).__name__)
            report.failed += len(items)
            record_outcomes(session, [Outcome(i, False, note=f"internal:{type(exc).__name__}", permanent=True)
                                      for i in ids], now=now, max_attempts=1)
            return []
        payload: dict[str, Any] = {"text": mrkdwn(text), "blocks": safe_blocks(blocks)}
        if recipient == THREAD:
            payload.update(channel=record.channel_id, thread_case=facts.case_id)
        else:
            payload.update(channel=recipient)
        if fallback:
            payload["fallback"] = fallback
        report.messages += 1
        report.reminders_sent += len(items)
        report.sent.extend((facts.reference, item.kind, item.recipient) for item in items)
        lead_due = due_at(max(item.target_date for item in items), self.settings.reminder_hour, self.settings.tz)
        if len(items) > 1 or is_late(lead_due, now, created=record.created_at):
            report.late_messages += 1
        lane = f"case:{facts.case_id}" if recipient == THREAD else None
        return [outbox.Owed(key=f"reminder:{min(ids)}:{attempts.get(min(ids), 1)}", kind="post", payload=payload,
                            lane=lane, case_id=facts.case_id, on_sent={"reminders": ids})]

    def _render(self, message: CaseMessage, now: datetime, *, fallback_note: str | None = None,
                ) -> tuple[str, list[dict[str, Any]]]:
        return render_case_message(message, now=now, tz=self.settings.tz, policy=self.policy,
                                   hour=self.settings.reminder_hour, fallback_note=fallback_note)

    def _owe_digest(self, session: Session, plan: SweepPlan, row_id: int, attempts: dict[int, int], now: datetime,
                    report: SweepReport) -> list[outbox.Owed]:
        team = self.policy.team_channel
        if plan.digest is None or not team:  # planned only with a team channel; kept honest for the type checker
            return []
        if plan.digest.empty:
            mark_skipped(session, [row_id], "nothing to report")
            report.digest = "empty (not posted)"
            return []
        due = due_at(plan.today, self.settings.reminder_hour, self.settings.tz)
        late = (f"Posted late: the digest was due at {when_phrase(due, now.astimezone(self.settings.tz))}."
                if is_late(due, now) else None)

        def link_for(case_id: int | None) -> str | None:
            home = plan.digest_links.get(case_id) if case_id is not None else None
            return self.links.thread_link(*home) if home else None

        text, blocks = render_digest(plan.digest, link_for=link_for, late_note=late)
        report.digest = f"queued ({plan.digest.count()} line(s))"
        report.sent.append(("-", DIGEST, team))
        return [outbox.Owed(key=f"digest:{row_id}:{attempts.get(row_id, 1)}", kind="post",
                            payload={"channel": team, "text": mrkdwn(text), "blocks": safe_blocks(blocks)},
                            on_sent={"reminders": [row_id]})]


def planned_json(item: PlannedReminder) -> dict[str, Any]:
    """The preview's JSON shape for one reminder: exactly these five keys."""
    return {
        "reference": item.reference,
        "kind": item.kind,
        "recipient": item.recipient,
        "due": item.deadline.isoformat() if item.deadline else None,
        "working_days_left": item.working_days_left,
    }
