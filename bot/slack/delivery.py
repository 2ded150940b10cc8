"""The deliverer: sends the outbox to Slack, asynchronously, in bounded threads, exactly once.

Each thread claims one due row at a time (`storage.outbox.claim`), sends it and records the outcome:

- Slack said ok: the row is marked sent and its effects recorded (the card's thread, a draft's message,
  reminder ledger rows) in one transaction. Nothing is "sent" before Slack said so.
- 429: the row waits for Retry-After, and so does every other row for that method; it is not a failure.
- 5xx, a timeout or a dropped connection after the request went out: Slack may have the message. The row
  becomes *unknown* and, before it is ever sent again, is **reconciled**: every message the bot posts
  carries its row's key in Slack message metadata, so `conversations.history`/`replies` tells whether it
  landed. Only if it did not is it resent. A refused connection (nothing went out) is simply retried.
- Anything else Slack refuses (invalid blocks, an archived channel) cannot be mended by retrying: after
  ``max_attempts`` failures, or at once for a refusal, the row is dead-lettered and the team channel gets
  one alert per hour with the commands to see, retry or drop it.

The client used here has no retry handlers of its own, so a slow or failing Slack never holds a thread
for longer than one request's timeout; backoff is the row's ``available_at``, not a sleep.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import random
import socket
import threading
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlmodel import Session, select

from bot import metrics
from bot.slack.blocks import case_card_blocks, case_card_text
from bot.slack.text import mrkdwn, safe_blocks
from commands.base import CommandContext
from commands.case_views import case_view
from storage import outbox
from storage.db import is_unavailable, session_scope
from storage.models import Case, Draft, IntakeProposal, OutboxItem, utcnow

log = logging.getLogger(__name__)

#: Slack message metadata naming the outbox row a message came from (how reconciliation finds it).
METADATA_EVENT = "foi_bot_outbox"
#: Errors that mean the destination is gone: a row with a fallback goes there instead.
RECIPIENT_GONE = frozenset({"user_not_found", "user_disabled", "cannot_dm_bot", "account_inactive",
                            "channel_not_found", "not_in_channel", "is_archived"})
#: Errors about the message or the request itself: retrying the same row cannot help.
REFUSED = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text", "invalid_arguments",
                     "too_many_attachments", "msg_blocks_too_long", "invalid_metadata_format",
                     "invalid_metadata_schema", "metadata_too_large", "cant_update_message", "message_not_found",
                     "edit_window_closed", "not_authed", "invalid_auth", "account_inactive", "token_revoked",
                     "missing_scope", "invalid_trigger", "view_too_large", "expired_trigger_id",
                     "restricted_action", "is_archived", "channel_not_found", "not_in_channel", "user_not_found"})
#: After an unknown outcome, reconcile no sooner than this many client timeouts later.
SETTLE_TIMEOUTS = 5
#: A response_url is valid for 30 minutes; after this long, use chat.postEphemeral instead.
RESPONSE_URL_LIFETIME = timedelta(minutes=25)

METHOD_FOR = {"post": "chat.postMessage", "card": "chat.postMessage", "card_update": "chat.update",
              "update": "chat.update", "retire": "chat.update", "ephemeral": "chat.postEphemeral", "upload": "files.upload",
              "view": "views"}


class Wait(Exception):
    """The row cannot go yet (its case has no thread yet); try again shortly."""


class Unknown(Exception):
    """The request may have reached Slack; reconcile before sending again."""


class Gone(Exception):
    """The row's target no longer exists (the message to update was never posted)."""


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    reconciled: int = 0


def _slack_code(exc: SlackApiError) -> str:
    try:
        return str(exc.response.get("error") or exc.response.status_code)
    except Exception:  # noqa: BLE001 - a malformed error response still needs a code
        return "unknown_error"


def _retry_after(exc: SlackApiError) -> float:
    try:
        value = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
        return max(1.0, float(value))
    except (TypeError, ValueError, AttributeError):
        return 5.0


def _refused_connection(exc: BaseException) -> bool:
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, ConnectionRefusedError) or (isinstance(reason, OSError) and reason.errno == 111)


class Deliverer:
    """Threads that deliver the outbox. ``run_until_idle`` delivers synchronously (CLI and tests)."""

    def __init__(self, ctx: CommandContext, client: WebClient, *, threads: int = 4, max_attempts: int = 10,
                 backoff: float = 2.0, lease: float = 60.0, name: str | None = None) -> None:
        self.ctx = ctx
        self.client = client
        self.threads = threads
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.lease = max(lease, float(client.timeout or 30) * 3)
        self.name = (name or f"{socket.gethostname()}:{os.getpid()}:deliver")[:70]
        self.wakeup = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._paused: dict[str, float] = {}
        self._lock = threading.Lock()
        self._busy = 0
        self.report = DeliveryReport()

    # -- running ---------------------------------------------------------------------------------------
    def start(self) -> Deliverer:
        for index in range(self.threads):
            thread = threading.Thread(target=self._loop, args=(f"{self.name}:{index}",), daemon=True,
                                      name=f"deliver-{index}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout: float = 20.0) -> None:
        """Stop claiming; let sends in flight finish (and be recorded) within ``timeout`` seconds."""
        self._stop.set()
        self.wakeup.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        try:
            with session_scope(self.ctx.engine) as session:
                for index in range(self.threads):
                    outbox.release(session, f"{self.name}:{index}")
        except Exception as exc:  # noqa: BLE001 - leases run out anyway; a stop must not fail
            log.warning("outbox rows not handed back on stop (%s)", type(exc).__name__)

    def _loop(self, worker: str) -> None:
        idle = 0.05
        while not self._stop.is_set():
            try:
                did = self.deliver_one(worker)
            except Exception as exc:  # noqa: BLE001 - the database went away: wait and try again
                level = logging.WARNING if is_unavailable(exc) else logging.ERROR
                log.log(level, "outbox delivery paused (%s)", type(exc).__name__)
                did = False
                self._stop.wait(1.0)
            if did:
                idle = 0.05
                continue
            self.wakeup.wait(idle)
            self.wakeup.clear()
            idle = min(idle * 2, 0.5)

    def run_until_idle(self, *, timeout: float = 60.0, worker: str | None = None) -> DeliveryReport:
        """Deliver everything due now, in this thread; rows waiting for a later time are left waiting."""
        deadline = time.monotonic() + timeout
        worker = worker or f"{self.name}:inline"
        while time.monotonic() < deadline and self.deliver_one(worker):
            pass
        return self.report

    def pending(self) -> int:
        with session_scope(self.ctx.engine) as session:
            counts = outbox.counts(session)
        return sum(counts.get(state, 0) for state in (outbox.PENDING, outbox.SENDING, outbox.UNKNOWN))

    # -- one row ---------------------------------------------------------------------------------------------
    def deliver_one(self, worker: str) -> bool:
        with session_scope(self.ctx.engine) as session:
            items = outbox.claim(session, worker, limit=1, lease=self.lease)
        if not items:
            return False
        with self._lock:
            self._busy += 1
        try:
            self._deliver(items[0])
        finally:
            with self._lock:
                self._busy -= 1
        return True

    def _deliver(self, item: outbox.ClaimedItem) -> None:
        method = METHOD_FOR.get(item.kind, item.kind)
        paused = self._paused.get(method, 0.0) - time.monotonic()
        if paused > 0:
            self._finish(lambda s: outbox.mark_retry(s, item, "waiting for Slack's rate limit", delay=paused,
                                                     count=False))
            return
        try:
            if item.previous_state in (outbox.UNKNOWN, outbox.SENDING):
                found = self._reconcile(item)
                if found is not None:
                    self.report.reconciled += 1
                    metrics.OUTBOX_RECONCILED.inc()
                    self._sent(item, found)
                    return
            if item.first_sent_at is None:
                with session_scope(self.ctx.engine) as session:
                    outbox.note_attempt(session, item)
            result = self._send(item)
        except Wait as exc:
            self._failed(item, str(exc) or "waiting for the case thread", unknown=False)
            return
        except Gone as exc:
            self._sent(item, {"skipped": str(exc)})
            return
        except SlackApiError as exc:
            self._slack_error(item, method, exc)
            return
        except Unknown as exc:
            self._failed(item, str(exc), unknown=True)
            return
        except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException, OSError) as exc:
            sent = not _refused_connection(exc)  # a refused connection never carried the request
            self._failed(item, f"connection: {type(getattr(exc, 'reason', exc)).__name__}", unknown=sent, settle=sent)
            return
        except Exception as exc:  # noqa: BLE001 - a bug in rendering one row must not stop delivery
            log.exception("outbox row %s (%s) could not be prepared (%s)", item.id, item.kind, type(exc).__name__)
            self._dead(item, f"internal: {type(exc).__name__}", permanent=True)
            return
        self._sent(item, result)

    def _slack_error(self, item: outbox.ClaimedItem, method: str, exc: SlackApiError) -> None:
        status = getattr(exc.response, "status_code", 200)
        code = _slack_code(exc)
        if status == 429 or code == "ratelimited":
            wait = _retry_after(exc)
            self._paused[method] = time.monotonic() + wait
            metrics.OUTBOX_RATE_LIMITED.inc()
            self._finish(lambda s: outbox.mark_retry(s, item, f"rate limited ({wait:g} s)", delay=wait, count=False))
            return
        if status >= 500:
            self._failed(item, f"slack {status}", unknown=item.kind in ("post", "card", "upload"))
            return
        if code in REFUSED:
            self._dead(item, code, permanent=True)
            return
        self._failed(item, code, unknown=False)

    # -- outcomes --------------------------------------------------------------------------------------------
    def _finish(self, write: Callable[[Session], Any]) -> None:
        with session_scope(self.ctx.engine) as session:
            write(session)

    def _sent(self, item: outbox.ClaimedItem, result: dict[str, Any]) -> None:
        with session_scope(self.ctx.engine) as session:
            recorded = outbox.mark_sent(session, item, result)
        if recorded:
            self.report.sent += 1
            metrics.OUTBOX_SENT.inc()
        else:
            log.warning("outbox row %s was delivered after its lease ran out; another deliverer owns it", item.id)

    def _failed(self, item: outbox.ClaimedItem, error: str, *, unknown: bool, settle: bool = False) -> None:
        """Retry later; ``unknown``: reconcile first; ``settle``: the request got no answer at all (it may still
        be on its way in), so reconcile only once it has surely landed or not."""
        if item.attempts >= self.max_attempts:
            self._dead(item, error)
            return
        delay = min(self.backoff * (2 ** (item.attempts - 1)), 300.0) * random.uniform(0.8, 1.2)
        if settle:
            # A request that timed out may still be on its way into Slack: check only once it has surely
            # settled, or the check would miss a message that lands a moment later and post it twice.
            delay = max(delay, SETTLE_TIMEOUTS * float(self.client.timeout or 10))
        self.report.retried += 1
        metrics.OUTBOX_RETRIED.inc()
        log.info("outbox row %s (%s) not delivered (%s); retrying in %.1f s", item.id, item.kind, error, delay)
        self._finish(lambda s: outbox.mark_retry(s, item, error, delay=delay, unknown=unknown))

    def _dead(self, item: outbox.ClaimedItem, error: str, *, permanent: bool = False) -> None:
        self.report.dead += 1
        metrics.OUTBOX_DEAD.inc()
        log.error("outbox row %s (%s) dead-lettered after %d attempt(s): %s", item.id, item.kind, item.attempts, error)
        with session_scope(self.ctx.engine) as session:
            if outbox.mark_dead(session, item, error, permanent=permanent) and item.payload.get("alert") is not True:
                self._alert(session, item, error)
                self._notify(session, item, error)

    def _alert(self, session: Session, item: outbox.ClaimedItem, error: str) -> None:
        team = self.ctx.settings.team_channel
        if not team:
            return
        what = {"card": "a case card", "card_update": "a case card update", "post": "a message",
                "upload": "a file", "ephemeral": "a reply to one person", "update": "a message update",
                "view": "a form or Home tab"}.get(item.kind, item.kind)
        reference = _reference(session, item.case_id)
        about = f" for {reference}" if reference else ""
        text = (f":warning: Slack would not take {what}{about} after {item.attempts} attempt(s) ({error}). "
                f"It is kept as outbox item {item.id}: `foi-bot outbox list --state dead` shows what is waiting, "
                f"`foi-bot outbox retry {item.id}` sends it again, `foi-bot outbox drop {item.id}` discards it.")
        hour = utcnow().strftime("%Y-%m-%dT%H")
        outbox.add(session, [outbox.Owed(key=f"dead-alert:{hour}", kind="post", payload={
            "channel": team, "text": mrkdwn(text), "blocks": safe_blocks([{"type": "section", "text": {
                "type": "mrkdwn", "text": text}}]), "alert": True})])

    def _notify(self, session: Session, item: outbox.ClaimedItem, error: str) -> None:
        """The person whose action owed a card that Slack will not take hears it (their case is registered)."""
        notify = item.payload.get("notify") or {}
        if not notify.get("user"):
            return
        reference = item.payload.get("reference") or _reference(session, item.case_id) or "the case"
        text = (f"{reference} is registered, but Slack refused the case card for {reference} ({error}). "
                f"Invite me to the team channel (`/invite @foi-bot`) and ask an administrator to run "
                f"`foi-bot outbox retry {item.id}`; the case itself is safe.")
        outbox.add(session, [outbox.Owed(key=f"dead-notify:{item.id}", kind="ephemeral", payload={
            "user": notify["user"], "channel": notify.get("channel"), "response_url": notify.get("response_url"),
            "text": mrkdwn(text), "blocks": safe_blocks([{"type": "section", "text": {"type": "mrkdwn", "text": text}}]),
            "alert": True})])

    # -- sending ---------------------------------------------------------------------------------------------
    def _send(self, item: outbox.ClaimedItem) -> dict[str, Any]:
        payload = item.payload
        if item.kind in ("post",):
            return self._post(item, payload)
        if item.kind == "card":
            return self._card(item, payload)
        if item.kind == "card_update":
            return self._card_update(payload)
        if item.kind == "update":
            channel, ts = self._update_target(payload)
            response = self.client.chat_update(channel=channel, ts=ts, text=payload["text"], blocks=payload["blocks"])
            return {"channel": response.get("channel", channel), "ts": ts}
        if item.kind == "ephemeral":
            return self._ephemeral(item, payload)
        if item.kind == "retire":
            return self._retire(payload)
        if item.kind == "upload":
            return self._upload(item, payload)
        if item.kind == "view":
            if payload.get("view_id"):
                self.client.views_update(view_id=payload["view_id"], view=payload["view"])
            else:
                self.client.views_publish(user_id=payload["user"], view=payload["view"])
            return {}
        raise ValueError(f"unknown outbox kind {item.kind}")

    def _metadata(self, item: outbox.ClaimedItem) -> dict[str, Any]:
        return {"event_type": METADATA_EVENT, "event_payload": {"key": item.key}}

    def _where(self, payload: dict[str, Any]) -> tuple[str, str | None]:
        """Channel and thread for a post or upload: a case's thread (waited for), or the row's own."""
        case_id = payload.get("thread_case")
        if case_id is None:
            if not payload.get("channel"):
                raise Gone("no channel to post in")
            return payload["channel"], payload.get("thread_ts")
        with session_scope(self.ctx.engine) as session:
            case = session.get(Case, case_id)
            if case is None:
                raise Gone("the case no longer exists")
            if case.channel_id and case.thread_ts:
                return case.channel_id, case.thread_ts
            channel = self.ctx.settings.team_channel or payload.get("channel")
            if channel:
                # No thread yet: make sure a card is owed (once, keyed by the case), then wait for it.
                outbox.add(session, [outbox.Owed(key=f"card:{case_id}", kind="card", case_id=case_id,
                                                 payload={"case_id": case_id, "channel": channel},
                                                 on_sent={"case_home": case_id})])
        raise Wait("waiting for the case's card (its thread)")

    def _post(self, item: outbox.ClaimedItem, payload: dict[str, Any]) -> dict[str, Any]:
        channel, thread_ts = self._where(payload)
        try:
            response = self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=payload["text"],
                                                    blocks=payload.get("blocks"), metadata=self._metadata(item),
                                                    unfurl_links=False, unfurl_media=False)
        except SlackApiError as exc:
            fallback = payload.get("fallback")
            code = _slack_code(exc)
            if not fallback or code not in RECIPIENT_GONE or fallback.get("channel") == channel:
                raise
            log.warning("outbox row %s: destination unreachable (%s); posting in the fallback channel", item.id, code)
            fallback = json.loads(json.dumps(fallback).replace("{reason}", code))
            response = self.client.chat_postMessage(channel=fallback["channel"], text=fallback["text"],
                                                    blocks=fallback.get("blocks"), metadata=self._metadata(item),
                                                    unfurl_links=False, unfurl_media=False)
            return {"channel": response["channel"], "ts": response["ts"], "note": f"fallback:{code}"}
        return {"channel": response["channel"], "ts": response["ts"]}

    def _card(self, item: outbox.ClaimedItem, payload: dict[str, Any]) -> dict[str, Any]:
        today = datetime.now(self.ctx.tz).date()
        with session_scope(self.ctx.engine) as session:
            case = session.get(Case, payload["case_id"])
            if case is None:
                raise Gone("the case no longer exists")
            if case.channel_id and case.thread_ts:
                return {"channel": case.channel_id, "ts": case.thread_ts, "existing": True}
            view = case_view(case, self.ctx.settings, today)
        channel = self.ctx.settings.team_channel or payload.get("channel")
        if not channel:
            raise Gone("no team channel configured for the card")
        response = self.client.chat_postMessage(channel=channel, text=mrkdwn(case_card_text(view)),
                                                blocks=safe_blocks(case_card_blocks(view)),
                                                metadata=self._metadata(item), unfurl_links=False)
        return {"channel": response["channel"], "ts": response["ts"], "actor": payload.get("actor")}

    def _card_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        today = datetime.now(self.ctx.tz).date()
        with session_scope(self.ctx.engine) as session:
            case = session.get(Case, payload["case_id"])
            if case is None:
                raise Gone("the case no longer exists")
            if not (case.channel_id and case.thread_ts):
                pending = session.exec(select(OutboxItem).where(OutboxItem.key == f"card:{case.id}")).first()
                if pending is None or pending.state in outbox.FINISHED:
                    raise Gone("the case has no card to refresh")
                raise Wait("waiting for the case's card")
            view = case_view(case, self.ctx.settings, today)
        self.client.chat_update(channel=view.channel_id, ts=view.thread_ts, text=mrkdwn(case_card_text(view)),
                                blocks=safe_blocks(case_card_blocks(view)))
        return {"channel": view.channel_id, "ts": view.thread_ts}

    def _update_target(self, payload: dict[str, Any]) -> tuple[str, str]:
        if payload.get("ts") and payload.get("channel"):
            return payload["channel"], payload["ts"]
        target = payload.get("target") or {}
        if "proposal" in target:
            with session_scope(self.ctx.engine) as session:
                row = session.get(IntakeProposal, target["proposal"])
                if row is None:
                    raise Gone("the proposal no longer exists")
                if row.reply_ts:
                    return row.channel_id, row.reply_ts
                if target.get("ts"):  # the message the button was clicked on
                    return row.channel_id, target["ts"]
            # The reply shares this row's lane, so it was delivered first; without a ts it never landed.
            raise Gone("the proposal's reply was never posted")
        raise Gone("nothing to update")

    def _retire(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Take the buttons off a message that no longer applies and say why: read the message as it is in
        Slack (its thread), keep everything but the buttons, add the note."""
        channel, ts, thread_ts = self._message_of(payload.get("target") or {})
        replies = self.client.conversations_replies(channel=channel, ts=thread_ts or ts, inclusive=True, limit=200)
        message = next((m for m in replies.get("messages") or [] if m.get("ts") == ts), None)
        if message is None:
            raise Gone("the message is no longer in its thread")
        blocks = [b for b in message.get("blocks") or [] if b.get("type") != "actions"]
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": payload["note"]}]})
        self.client.chat_update(channel=channel, ts=ts, text=message.get("text") or payload["note"], blocks=blocks)
        return {"channel": channel, "ts": ts}

    def _message_of(self, target: dict[str, Any]) -> tuple[str, str, str | None]:
        """(channel, ts, thread ts) of the message a target names: a draft letter or its approval message."""
        with session_scope(self.ctx.engine) as session:
            draft_id = target.get("draft") or target.get("draft_approval")
            draft = session.get(Draft, draft_id) if draft_id else None
            if draft is None:
                raise Gone("nothing to retire")
            ts = draft.approval_ts if "draft_approval" in target else draft.message_ts
            case = session.get(Case, draft.case_id)
            if not ts or case is None or not case.channel_id:
                raise Gone("the message was never posted")
            return case.channel_id, ts, case.thread_ts

    def _ephemeral(self, item: outbox.ClaimedItem, payload: dict[str, Any]) -> dict[str, Any]:
        created = _created(self.ctx, item.id)
        url = payload.get("response_url")
        if url and created is not None and utcnow() - created < RESPONSE_URL_LIFETIME:
            webhook = WebhookClient(url, timeout=self.client.timeout)
            response = webhook.send(text=payload["text"], blocks=payload.get("blocks"), response_type="ephemeral",
                                    replace_original=False)
            if response.status_code == 200:
                return {"via": "response_url"}
            if response.status_code == 429 or response.status_code >= 500:
                raise Unknown(f"response_url answered {response.status_code}")
            log.info("response_url refused (%s); using chat.postEphemeral", response.status_code)
        channel = payload.get("channel")
        if channel:
            try:
                self.client.chat_postEphemeral(channel=channel, user=payload["user"], text=payload["text"],
                                               blocks=payload.get("blocks"), thread_ts=payload.get("thread_ts"))
                return {"via": "chat.postEphemeral"}
            except SlackApiError as exc:
                if _slack_code(exc) not in RECIPIENT_GONE:
                    raise
        response = self.client.chat_postMessage(channel=payload["user"], text=payload["text"],
                                                blocks=payload.get("blocks"), unfurl_links=False)
        return {"via": "dm", "channel": response["channel"], "ts": response["ts"]}

    def _upload(self, item: outbox.ClaimedItem, payload: dict[str, Any]) -> dict[str, Any]:
        channel, thread_ts = self._where(payload)
        response = self.client.files_upload_v2(channel=channel, thread_ts=thread_ts, content=item.content or b"",
                                               filename=payload["filename"], title=payload.get("title"),
                                               **({"alt_txt": payload["alt_text"]} if payload.get("alt_text") else {}))
        files = response.get("files") or []
        return {"channel": channel, "file": files[0].get("id") if files else None}

    # -- reconciliation --------------------------------------------------------------------------------------
    def _reconcile(self, item: outbox.ClaimedItem) -> dict[str, Any] | None:
        """Whether a row that may have been sent is already in Slack; None means: send it."""
        if item.kind not in ("post", "card", "upload"):
            return None  # updates, views and ephemeral replies are safe (or impossible) to check: resend
        payload = item.payload
        try:
            if item.kind == "card":
                channel, thread_ts = self.ctx.settings.team_channel or payload.get("channel"), None
            else:
                channel, thread_ts = self._where(payload)
        except (Wait, Gone):
            return None
        if not channel:
            return None
        if channel.startswith(("U", "W")):
            channel = self.client.conversations_open(users=channel)["channel"]["id"]
        since = (item.first_sent_at or _created(self.ctx, item.id) or utcnow()) - timedelta(minutes=2)
        oldest = f"{since.timestamp():.6f}"
        if thread_ts:
            response = self.client.conversations_replies(channel=channel, ts=thread_ts, oldest=oldest,
                                                         include_all_metadata=True, limit=200)
        else:
            response = self.client.conversations_history(channel=channel, oldest=oldest, include_all_metadata=True,
                                                         limit=200)
        for message in response.get("messages") or []:
            if item.kind == "upload":
                if any(f.get("name") == payload["filename"] and f.get("title") == payload.get("title")
                       for f in message.get("files") or []):
                    return {"channel": channel, "ts": message.get("ts"), "reconciled": True}
                continue
            meta = (message.get("metadata") or {}).get("event_payload") or {}
            if meta.get("key") == item.key:
                return {"channel": channel, "ts": message["ts"], "reconciled": True}
        return None


def _created(ctx: CommandContext, item_id: int) -> datetime | None:
    with session_scope(ctx.engine) as session:
        row = session.get(OutboxItem, item_id)
        if row is None:
            return None
        created = row.created_at
        return created if created.tzinfo else created.replace(tzinfo=timezone.utc)


def _reference(session: Session, case_id: int | None) -> str | None:
    if case_id is None:
        return None
    case = session.get(Case, case_id)
    return case.reference if case is not None else None


# -- what a delivered row records ------------------------------------------------------------------------------
@outbox.records("case_home")
def _record_case_home(session: Session, case_id: int, result: dict[str, Any]) -> None:
    from storage.cases import record_event

    case = session.get(Case, case_id)
    if case is None or case.thread_ts or not result.get("ts"):
        return
    case.channel_id, case.thread_ts = result["channel"], result["ts"]
    record_event(session, case, actor=result.get("actor") or "foi-bot", kind="card-posted",
                 summary=f"Case card posted in {result['channel']}",
                 details={"channel": result["channel"], "ts": result["ts"]})


def _remember_ts(model: type, column: str) -> Any:
    """A recorder that keeps where a message landed on the row it belongs to (the first landing wins)."""

    def record(session: Session, row_id: int, result: dict[str, Any]) -> None:
        row = session.get(model, row_id)
        if row is not None and not getattr(row, column) and result.get("ts"):
            setattr(row, column, result["ts"])
            session.add(row)

    return record


outbox.RESULT_RECORDERS["draft_message"] = _remember_ts(Draft, "message_ts")
outbox.RESULT_RECORDERS["draft_approval"] = _remember_ts(Draft, "approval_ts")
outbox.RESULT_RECORDERS["proposal_reply"] = _remember_ts(IntakeProposal, "reply_ts")
