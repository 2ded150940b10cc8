"""Where every Slack request goes: acknowledged on the request thread, its work queued durably.

Bolt runs with ``process_before_response=True``, so each acknowledgement function below runs on the HTTP
request's own thread and its return is the HTTP response: nothing waits in a pool that slow work can fill.
The acknowledgement does three cheap things: check the request (a form's fields), write a job
(`storage.jobs`, about a millisecond), and answer. The work itself runs later in a worker
(`bot.work`), which looks the handler up here by the job's kind and the payload's id.

Backpressure: when the queue is deep, a slash command's acknowledgement says so ("busy — your command is
queued, N ahead"); nothing is dropped. If the queue cannot be written at all, the person is told at once
that nothing was changed, and an event gets an error status so that Slack delivers it again.

Forms: a modal must be opened within 3 seconds of the click (its ``trigger_id`` expires), so a click that
opens a form is not queued; it runs on the *fast lane*, a small thread pool of its own that only opens
forms (`FastLane`), and a form that cannot open in time is reported to the person.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from slack_bolt import Ack, App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlmodel import Session

from bot import metrics
from bot.slack.owed import SlackOutbox
from bot.work.runner import JobRun
from commands.access import allowed, for_route, refusal
from commands.base import CommandContext
from storage.db import is_unavailable
from storage.jobs import ClaimedJob, JobQueue

log = logging.getLogger(__name__)

UNAVAILABLE = ("The case register is unavailable right now, so nothing was changed. "
               "Please try again in a minute.")
FAILED = ("Sorry — that went wrong on my side and nothing was changed. Please try again, and tell the bot's "
          "administrator if it keeps happening.")


@dataclass
class SlackJob:
    """What a Slack job handler gets: the job's transaction, what it owes Slack, and the request."""

    run: JobRun
    out: SlackOutbox
    body: dict[str, Any]
    client: WebClient

    @property
    def ctx(self) -> CommandContext:
        return self.run.ctx

    @property
    def session(self) -> Session:
        return self.run.session

    @property
    def now(self) -> datetime:
        return self.run.acknowledged_at

    @property
    def user(self) -> str:
        body = self.body
        return (body.get("user") or {}).get("id") if isinstance(body.get("user"), dict) else body.get("user_id", "")


SlackHandler = Callable[[SlackJob], None]
FastHandler = Callable[[dict[str, Any], WebClient], None]


class FastLane:
    """Opens forms within the trigger's 3 seconds, on threads of its own (never behind queued work)."""

    def __init__(self, client: WebClient, *, threads: int = 4, budget: float = 2.5) -> None:
        self.client = client
        self.budget = budget
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="fast-lane")
        self._waiting = 0
        self._lock = threading.Lock()
        self._limit = threads * 4

    def submit(self, function: FastHandler, body: dict[str, Any]) -> bool:
        """False when the lane is full (the person is told to try again)."""
        started = time.monotonic()
        with self._lock:
            if self._waiting >= self._limit:
                return False
            self._waiting += 1

        def run() -> None:
            with self._lock:
                self._waiting -= 1
            if time.monotonic() - started > self.budget:
                tell(body, "Slack's 3-second window to open the form passed while I was busy. Please click again.")
                return
            try:
                function(body, self.client)
            except SlackApiError as exc:
                code = exc.response.get("error") if exc.response is not None else "error"
                log.warning("form not opened (%s)", code)
                tell(body, f"Slack would not open the form ({code}). Please try again.")
            except Exception as exc:  # noqa: BLE001 - the person hears something whatever went wrong
                level = logging.WARNING if is_unavailable(exc) else logging.ERROR
                log.log(level, "form not opened (%s)", type(exc).__name__, exc_info=not is_unavailable(exc))
                tell(body, UNAVAILABLE if is_unavailable(exc) else FAILED)

        self._pool.submit(run)
        return True

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)


def _channel_of(body: dict[str, Any]) -> str | None:
    channel = body.get("channel")
    if isinstance(channel, dict):
        return channel.get("id")
    return body.get("channel_id") or (body.get("container") or {}).get("channel_id")


def tell(body: dict[str, Any], text: str, client: WebClient | None = None) -> None:
    """Best-effort, direct (not through the outbox: used when the database itself is the problem)."""
    url = body.get("response_url") or next((r.get("response_url") for r in body.get("response_urls") or []
                                            if r.get("response_url")), None)
    try:
        if url:
            WebhookClient(url, timeout=5).send(text=text, response_type="ephemeral", replace_original=False)
            return
        user = (body.get("user") or {}).get("id") if isinstance(body.get("user"), dict) else body.get("user_id")
        if client is not None and user:
            client.chat_postMessage(channel=user, text=text)
    except Exception as exc:  # noqa: BLE001 - nothing more can be done; the log says so
        log.warning("could not tell the person (%s)", type(exc).__name__)


class Routes:
    """The table of what each Slack request becomes; filled by the listener modules' ``register``."""

    def __init__(self, app: App, ctx: CommandContext, queue: JobQueue, client: WebClient, fast: FastLane, *,
                 busy_depth: int = 50) -> None:
        self.app = app
        self.ctx = ctx
        self.queue = queue
        self.client = client
        self.fast = fast
        self.busy_depth = busy_depth
        self.handlers: dict[tuple[str, str], SlackHandler] = {}
        #: Every (kind, id) with a listener: buttons, forms, shortcuts, events (for the access table's test).
        self.registered: set[tuple[str, str]] = set()
        #: Called after a job that changed something (the App Home refreshes the person's tab).
        self.after_change: SlackHandler | None = None
        self._depth = (0.0, 0)
        self._depth_lock = threading.Lock()

    # -- registration ----------------------------------------------------------------------------------
    def command(self, name: str, handler: SlackHandler, *, fast: Callable[[dict[str, Any]], FastHandler | None]
                | None = None) -> None:
        """``fast(body)`` may pick a form-opening function for this invocation (e.g. `/foi new` with no text)."""
        self.handlers[("command", name)] = handler
        self.registered.add(("command", name))

        def acknowledge(ack: Ack, body: dict[str, Any]) -> BoltResponse | None:
            opener = fast(body) if fast is not None else None
            if opener is not None:  # `/foi new` alone: the registration form, for the team only
                return self._fast(ack, body, self._guarded("view", "register_case", opener))
            return self._enqueue(ack, "command", name, body)

        self.app.command(name)(acknowledge)

    def action(self, action_id: str, handler: SlackHandler | None = None, *, fast: FastHandler | None = None) -> None:
        if handler is not None:
            self.handlers[("action", action_id)] = handler

        guarded = self._guarded("action", action_id, fast) if fast is not None else None
        self.registered.add(("action", action_id))

        def acknowledge(ack: Ack, body: dict[str, Any]) -> BoltResponse | None:
            if guarded is not None:
                return self._fast(ack, body, guarded)
            if handler is None:
                ack()
                return None
            return self._enqueue(ack, "action", action_id, body)

        self.app.action(action_id)(acknowledge)

    def shortcut(self, callback_id: str, *, fast: FastHandler) -> None:
        guarded = self._guarded("shortcut", callback_id, fast)
        self.registered.add(("shortcut", callback_id))

        def acknowledge(ack: Ack, body: dict[str, Any]) -> BoltResponse | None:
            return self._fast(ack, body, guarded)

        self.app.shortcut(callback_id)(acknowledge)

    def view(self, callback_id: str, handler: SlackHandler, *,
             check: Callable[[dict[str, Any]], dict[str, str] | None] | None = None) -> None:
        """``check(body)`` returns field errors to show in the form (the form stays open), or None."""
        self.handlers[("view", callback_id)] = handler
        self.registered.add(("view", callback_id))

        def acknowledge(ack: Ack, body: dict[str, Any]) -> BoltResponse | None:
            errors = check(body) if check is not None else None
            if errors:
                ack(response_action="errors", errors=errors)
                return None
            return self._enqueue(ack, "view", callback_id, body)

        self.app.view(callback_id)(acknowledge)

    def event(self, event_type: str, handler: SlackHandler, *,
              wanted: Callable[[dict[str, Any]], bool] = lambda _event: True) -> None:
        """``wanted(event)`` filters cheaply on the request thread (bot messages, edits) before queueing."""
        self.handlers[("event", event_type)] = handler
        self.registered.add(("event", event_type))

        def acknowledge(ack: Ack, body: dict[str, Any]) -> BoltResponse | None:
            if not wanted(body.get("event") or {}):
                ack()
                return None
            key = f"event:{body.get('event_id') or uuid.uuid4().hex}"
            return self._enqueue(ack, "event", event_type, body, key=key)

        self.app.event(event_type)(acknowledge)

    # -- the acknowledgement ----------------------------------------------------------------------------
    def _enqueue(self, ack: Ack, kind: str, route: str, body: dict[str, Any], *, key: str | None = None
                 ) -> BoltResponse | None:
        started = time.perf_counter()
        payload = {"route": route, "body": body, "at": datetime.now(timezone.utc).isoformat()}
        try:
            depth = self._cached_depth()
            _job_id, created = self.queue.enqueue(kind, payload, key=key or f"{kind}:{uuid.uuid4().hex}")
            if created:
                self._count_enqueued()
        except Exception as exc:  # noqa: BLE001 - whatever broke, the person hears it and nothing was started
            log.warning("job queue unavailable; %s not accepted (%s)", kind, type(exc).__name__)
            if kind == "event":
                return BoltResponse(status=503, body="")  # Slack delivers the event again later
            if kind == "command":
                ack(text=UNAVAILABLE, response_type="ephemeral")
            else:
                ack()
                threading.Thread(target=tell, args=(body, UNAVAILABLE, self.client), daemon=True).start()
            return None
        if kind == "command" and depth >= self.busy_depth:
            ack(text=f"Busy — your command is queued ({depth} ahead of it); I'll answer here when it's done.",
                response_type="ephemeral")
        else:
            ack()
        metrics.ACK_SECONDS.observe(time.perf_counter() - started)
        return None

    def _fast(self, ack: Ack, body: dict[str, Any], opener: FastHandler) -> BoltResponse | None:
        if self.fast.submit(opener, body):
            ack()
        elif body.get("command"):
            ack(text="Busy — too many forms are opening at once. Please try again in a moment.",
                response_type="ephemeral")
        else:
            ack()
            threading.Thread(target=tell, args=(body, "Busy — please click again in a moment.", self.client),
                             daemon=True).start()
        return None

    def _count_enqueued(self) -> None:
        """The cached depth counts what this process just added, so a burst sees itself grow."""
        with self._depth_lock:
            at, depth = self._depth
            self._depth = (at, depth + 1)

    def _cached_depth(self) -> int:
        """The queue's depth, read at most every 200 ms (a count per acknowledgement would cost more)."""
        with self._depth_lock:
            at, depth = self._depth
            if time.monotonic() - at < 0.2:
                return depth
        depth = self.queue.depth()
        with self._depth_lock:
            self._depth = (time.monotonic(), depth)
        return depth

    # -- running a job ----------------------------------------------------------------------------------
    def handle(self, run: JobRun) -> None:
        payload = run.payload
        kind, route = run.job.kind, payload.get("route", "")
        handler = self.handlers.get((kind, route))
        if handler is None:
            log.error("no handler for %s %s; job dropped", kind, route)
            return
        out = SlackOutbox(run.session, run.ctx, run.job.key)
        job = SlackJob(run=run, out=out, body=payload.get("body") or {}, client=self.client)
        if kind in ("action", "view") and not self._permitted(job.body, kind, route):
            log.info("%s %s refused: not allowed", kind, route)
            access, what = for_route(kind, route)
            out.ephemeral(refusal(run.ctx, what, access), user=job.user, channel=_channel_of(job.body),
                          response_url=job.body.get("response_url"))
        else:
            handler(job)
            if self.after_change is not None and run.session.info.get("changed"):
                self.after_change(job)
        out.flush()

    def _permitted(self, body: dict[str, Any], kind: str, route: str) -> bool:
        access, _what = for_route(kind, route)
        user = (body.get("user") or {}).get("id") if isinstance(body.get("user"), dict) else body.get("user_id")
        return allowed(self.ctx, user or "", access)

    def _guarded(self, kind: str, route: str, opener: FastHandler) -> FastHandler:
        """A form opener that first checks who clicked (on the fast lane, never on the request thread)."""
        def open_if_allowed(body: dict[str, Any], client: WebClient) -> None:
            if not self._permitted(body, kind, route):
                access, what = for_route(kind, route)
                tell(body, refusal(self.ctx, what, access), client)
                return
            opener(body, client)

        return open_if_allowed

    def tell_failed(self, run: JobRun) -> None:
        body = (run.payload or {}).get("body") or {}
        out = SlackOutbox(run.session, run.ctx, f"{run.job.key}:failed")
        user = SlackJob(run=run, out=out, body=body, client=self.client).user
        if user:
            channel = body.get("channel_id") or (body.get("channel") or {}).get("id") if isinstance(
                body.get("channel"), dict) else body.get("channel_id")
            out.ephemeral(FAILED, user=user, channel=channel, response_url=body.get("response_url"))
            out.flush()

    def tell_unavailable(self, job: ClaimedJob) -> None:
        tell((job.payload or {}).get("body") or {}, UNAVAILABLE, self.client)

    @staticmethod
    def interactive(job: ClaimedJob) -> bool:
        return job.kind != "event"
