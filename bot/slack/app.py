"""The Slack bot assembled: the Bolt app, the job queue and its workers, the outbox deliverer, the fast lane.

How a request travels (docs/design.md):

1. Bolt verifies the signature and runs the route's acknowledgement **on the request thread**
   (``process_before_response=True``): a form check or a job written to the durable queue, then the HTTP
   answer. No pool that work can fill stands between a request and its acknowledgement.
2. A worker (`bot.work`) claims the job and runs it through the command layer in one transaction, which
   also records what it owes Slack in the outbox.
3. The deliverer (`bot.slack.delivery`) sends the outbox, retrying and reconciling, and records results.

Workers and deliverers run in this process by default; ``workers=0``/``deliverers=0`` leave them to
`foi-bot worker` processes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot import metrics
from bot.config import Settings
from bot.slack.delivery import Deliverer
from bot.slack.listeners import actions, commands, drafts, home, intake, reminders, shortcuts
from bot.slack.routes import FastLane, Routes
from bot.slack.team import TeamDirectory
from bot.work.pool import WorkerPool
from bot.work.runner import JobRunner
from commands.base import CommandContext
from storage import outbox
from storage.db import session_scope
from storage.jobs import JobQueue

log = logging.getLogger(__name__)

LISTENER_MODULES = (commands, shortcuts, actions, intake, reminders, drafts, home)


def make_client(settings: Settings, *, retries: bool = True) -> WebClient:
    """The Web API client. ``retries=False`` for the deliverer, which does its own backoff (a sleeping
    retry handler would hold a delivery thread for as long as Slack is slow)."""
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=settings.slack_timeout)
    # slack-sdk retries a dropped connection once by default: for a post that may already have landed, that
    # is a duplicate. The deliverer decides instead (reconciling first), so its client retries nothing.
    client.retry_handlers = []
    if retries:
        client.retry_handlers.extend([RateLimitErrorRetryHandler(max_retry_count=2),
                                      ConnectionErrorRetryHandler(max_retry_count=1)])
    return client


@dataclass
class SlackBot:
    ctx: CommandContext
    settings: Settings
    app: App
    client: WebClient
    queue: JobQueue
    routes: Routes
    fast: FastLane
    deliverer: Deliverer
    runner: JobRunner
    pool: WorkerPool | None = None
    started: list[str] = field(default_factory=list)

    def start(self, *, workers: int | None = None, deliverers: int | None = None) -> SlackBot:
        workers = self.settings.workers if workers is None else workers
        deliverers = self.settings.deliverers if deliverers is None else deliverers
        if workers:
            self.pool = WorkerPool(self.queue, self.runner, threads=workers).start()
            self.started.append("workers")
        if deliverers:
            self.deliverer.threads = deliverers
            self.deliverer.start()
            self.started.append("deliverer")
        return self

    def drain(self, timeout: float | None = None) -> None:
        """Stop taking work, let what is in flight finish (within ``timeout``), hand back the rest."""
        timeout = self.settings.drain_seconds if timeout is None else timeout
        if self.pool is not None:
            self.pool.stop(timeout)
        self.fast.shutdown()
        if "deliverer" in self.started:
            self.deliverer.stop(timeout)
        self.queue.dispose()


def build_bot(ctx: CommandContext, settings: Settings, *, client: WebClient | None = None,
              queue: JobQueue | None = None, token_verification: bool = True) -> SlackBot:
    """Everything wired, nothing started (call ``start`` for in-process workers and delivery)."""
    client = client or make_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        token_verification_enabled=token_verification,
        process_before_response=True,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("slack_bolt"),
    )
    if not settings.team_users and settings.team_channel:
        ctx.is_team_member = TeamDirectory(client, settings.team_channel)
    queue = queue or JobQueue.open(settings.database_url, settings.queue_url)
    fast = FastLane(client)
    routes = Routes(app, ctx, queue, client, fast, busy_depth=settings.busy_depth)
    for module in LISTENER_MODULES:
        module.register(routes)
    delivery_client = make_client(settings, retries=False)
    deliverer = Deliverer(ctx, delivery_client, threads=settings.deliverers, max_attempts=settings.outbox_max_attempts,
                          backoff=settings.outbox_backoff)
    runner = JobRunner(ctx, queue, routes.handle, tell_unavailable=routes.tell_unavailable,
                       tell_failed=routes.tell_failed, interactive=routes.interactive,
                       on_done=deliverer.wakeup.set)
    _gauges(ctx, queue)
    return SlackBot(ctx=ctx, settings=settings, app=app, client=client, queue=queue, routes=routes, fast=fast,
                    deliverer=deliverer, runner=runner)


def _gauges(ctx: CommandContext, queue: JobQueue) -> None:
    def queue_depth() -> None:
        metrics.QUEUE_DEPTH.set(queue.depth())

    def outbox_backlog() -> None:
        with session_scope(ctx.engine) as session:
            counts = outbox.counts(session)
        metrics.OUTBOX_PENDING.set(sum(counts.get(s, 0) for s in (outbox.PENDING, outbox.SENDING, outbox.UNKNOWN)))
        metrics.OUTBOX_DEAD_ROWS.set(counts.get(outbox.DEAD, 0))

    metrics.on_scrape("queue_depth", queue_depth)
    metrics.on_scrape("outbox_backlog", outbox_backlog)
