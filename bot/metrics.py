"""Prometheus metrics (`GET /metrics`): what an operator watches to know the bot is keeping up.

Counters and the ack-latency histogram are updated where things happen; the queue depth and outbox
backlog are read from the database when the endpoint is scraped (gauges set at collection time), so
they are true across replicas and worker processes, not just this one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)

COMMANDS = Counter("foi_bot_commands_handled", "Jobs (commands, clicks, forms, events) handled, by kind and outcome",
                   ["kind", "outcome"], registry=REGISTRY)
ACK_SECONDS = Histogram("foi_bot_ack_seconds", "Time from receiving a Slack request to acknowledging it",
                        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0), registry=REGISTRY)
ACK_TO_DONE = Histogram("foi_bot_ack_to_done_seconds", "Time from acknowledging to finishing the job",
                        buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300), registry=REGISTRY)
QUEUE_DEPTH = Gauge("foi_bot_queue_depth", "Jobs waiting or running", registry=REGISTRY)
OUTBOX_PENDING = Gauge("foi_bot_outbox_pending", "Outbox rows not yet delivered", registry=REGISTRY)
OUTBOX_DEAD_ROWS = Gauge("foi_bot_outbox_dead", "Outbox rows dead-lettered", registry=REGISTRY)
OUTBOX_SENT = Counter("foi_bot_outbox_sent", "Outbox rows delivered", registry=REGISTRY)
OUTBOX_RETRIED = Counter("foi_bot_outbox_retried", "Outbox delivery attempts that will be retried", registry=REGISTRY)
OUTBOX_DEAD = Counter("foi_bot_outbox_dead_lettered", "Outbox rows dead-lettered by this process", registry=REGISTRY)
OUTBOX_RATE_LIMITED = Counter("foi_bot_outbox_rate_limited", "429 answers from Slack", registry=REGISTRY)
OUTBOX_RECONCILED = Counter("foi_bot_outbox_reconciled", "Rows found already in Slack after an unknown outcome",
                            registry=REGISTRY)
REMINDERS_SENT = Counter("foi_bot_reminders_sent", "Reminder messages delivered", registry=REGISTRY)
REMINDERS_FAILED = Counter("foi_bot_reminders_failed", "Reminder messages that could not be delivered",
                           registry=REGISTRY)
SWEEP_SECONDS = Histogram("foi_bot_reminder_sweep_seconds", "Duration of a reminder sweep",
                          buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60), registry=REGISTRY)

#: Called at scrape time to refresh the gauges read from the database.
_collectors: dict[str, Callable[[], None]] = {}


def on_scrape(name: str, function: Callable[[], None]) -> None:
    """Register (or replace) the function that refreshes gauge ``name`` when /metrics is read."""
    _collectors[name] = function


def exposition() -> tuple[bytes, str]:
    for name, collect in list(_collectors.items()):
        try:
            collect()
        except Exception as exc:  # noqa: BLE001 - a metric that cannot be read must not break the endpoint
            log.warning("metrics: %s could not be read (%s)", name, type(exc).__name__)
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
