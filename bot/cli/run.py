"""`foi-bot run` serves Slack (HTTP, or Socket Mode with SLACK_APP_TOKEN); `foi-bot worker` only works.

``run`` acknowledges Slack's requests, and by default also runs the workers, the outbox deliverer and (if
elected) the scheduler in the same process. ``worker`` runs workers and delivery without serving HTTP, for
deployments that keep the work's CPU away from the acknowledgements (``run --workers 0`` beside one or
more ``worker`` processes on the same database).

SIGTERM or Ctrl-C drains: stop accepting requests, let the requests in flight be acknowledged (their jobs
are durable), let running jobs and sends finish within ``FOI_DRAIN_SECONDS``, hand back anything left to
the queue, then exit 0.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from typing import Any

from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging
from bot.runtime import build_context

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="serve Slack (HTTP on --port, or Socket Mode with SLACK_APP_TOKEN)")
    parser.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    parser.add_argument("--host", default="0.0.0.0", help="interface to bind (default 0.0.0.0)")
    parser.add_argument("--threads", type=int, default=16, help="HTTP threads (default 16)")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker threads in this process (default FOI_WORKERS, 4; 0 leaves work to `foi-bot worker`)")
    parser.add_argument("--no-scheduler", action="store_true",
                        help="never run reminders or the digest from this process")
    parser.set_defaults(func=_run)
    worker = subparsers.add_parser("worker", help="run queued work and Slack delivery without serving HTTP")
    worker.add_argument("--workers", type=int, default=None, help="worker threads (default FOI_WORKERS, 4)")
    worker.add_argument("--scheduler", action="store_true", help="also take part in the scheduler election")
    worker.set_defaults(func=_worker)


def _settings() -> Settings:
    settings = load_settings()
    configure_logging(fmt=settings.log_format, level="INFO")
    if not settings.slack_bot_token:
        raise ConfigError("setting SLACK_BOT_TOKEN: required to serve Slack (use `foi-bot shell` without Slack)")
    return settings


def _bot(settings: Settings) -> Any:
    from slack_sdk.errors import SlackApiError

    from bot.slack.app import build_bot

    ctx = build_context(settings)
    try:
        return build_bot(ctx, settings)
    except SlackApiError as exc:
        raise ConfigError(f"setting SLACK_BOT_TOKEN: Slack rejected the token ({exc.response.get('error')})") from None


def _scheduling(bot: Any) -> tuple[Any, Any]:
    from bot.leader import Leadership
    from bot.scheduler import start_scheduler

    leadership = Leadership(bot.ctx.engine).start()
    scheduler = start_scheduler(bot.ctx, bot.client, leadership=leadership, queue=bot.queue)
    return leadership, scheduler


def _on_stop(stop: threading.Event, extra: Any = None) -> None:
    def handler(signum: int, _frame: Any) -> None:
        log.info("%s received: draining", signal.Signals(signum).name)
        stop.set()
        if extra is not None:
            extra()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _shutdown(bot: Any, leadership: Any, scheduler: Any) -> None:
    if scheduler is not None:
        scheduler.shutdown(wait=True)
    if leadership is not None:
        leadership.stop()
    bot.drain()
    bot.ctx.engine.dispose()
    log.info("stopped")


def _run(args: argparse.Namespace) -> int:
    settings = _settings()
    if not settings.slack_app_token and not settings.slack_signing_secret:
        raise ConfigError("setting SLACK_SIGNING_SECRET: required to verify Slack's HTTP requests")
    bot = _bot(settings)
    bot.start(workers=args.workers)
    leadership, scheduler = (None, None) if args.no_scheduler else _scheduling(bot)
    stop = threading.Event()
    try:
        if settings.slack_app_token:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            handler = SocketModeHandler(bot.app, settings.slack_app_token)
            _on_stop(stop)
            log.info("connecting to Slack in Socket Mode")
            handler.connect()
            stop.wait()
            handler.close()
        else:
            from bot.slack.server import make_server, make_wsgi_app

            wsgi = make_wsgi_app(bot.app, bot.ctx.engine, signing_secret=settings.slack_signing_secret,
                                 queue_engine=bot.queue.engine, max_body=settings.max_body_bytes)
            server = make_server(wsgi, host=args.host, port=args.port, threads=args.threads,
                                 max_body=settings.max_body_bytes)
            _on_stop(stop, server.close)
            log.info("serving Slack over HTTP on %s:%s", args.host, server.effective_port)
            print(f"foi-bot: listening on {args.host}:{server.effective_port}", flush=True)
            try:
                server.run()
            except (OSError, ValueError):
                if not stop.is_set():
                    raise  # closing the listener under the select loop ends it; anything else is a fault
            # Requests already accepted finish (their acknowledgements write their jobs) before work drains.
            server.task_dispatcher.shutdown(timeout=settings.drain_seconds)
    finally:
        _shutdown(bot, leadership, scheduler)
    return 0


def _worker(args: argparse.Namespace) -> int:
    settings = _settings()
    bot = _bot(settings)
    bot.start(workers=args.workers if args.workers is not None else max(1, settings.workers))
    leadership, scheduler = _scheduling(bot) if args.scheduler else (None, None)
    stop = threading.Event()
    _on_stop(stop)
    print("foi-bot: worker running", flush=True)
    try:
        stop.wait()
    finally:
        _shutdown(bot, leadership, scheduler)
    return 0
