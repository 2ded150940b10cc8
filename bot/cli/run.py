"""`foi-bot run`: serve Slack over HTTP (or Socket Mode when SLACK_APP_TOKEN is set)."""

from __future__ import annotations

import argparse
import logging

from bot.config import ConfigError, load_settings
from bot.logging_setup import configure_logging
from bot.runtime import build_context

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="serve Slack (HTTP on --port, or Socket Mode with SLACK_APP_TOKEN)")
    parser.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    parser.add_argument("--host", default="0.0.0.0", help="interface to bind (default 0.0.0.0)")
    parser.add_argument("--threads", type=int, default=16, help="HTTP worker threads (default 16)")
    parser.add_argument("--no-scheduler", action="store_true",
                        help="do not send reminders or the digest from this process")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    configure_logging("INFO")
    settings = load_settings()
    if not settings.slack_bot_token:
        raise ConfigError("setting SLACK_BOT_TOKEN: required to serve Slack (use `foi-bot shell` without Slack)")
    if not settings.slack_app_token and not settings.slack_signing_secret:
        raise ConfigError("setting SLACK_SIGNING_SECRET: required to verify Slack's HTTP requests")
    ctx = build_context(settings)

    from slack_sdk.errors import SlackApiError

    from bot.slack.app import build_app

    try:
        app = build_app(ctx, settings)
    except SlackApiError as exc:
        raise ConfigError(f"setting SLACK_BOT_TOKEN: Slack rejected the token ({exc.response.get('error')})") from None

    scheduler = None
    if not args.no_scheduler:
        from bot.scheduler import start_scheduler

        scheduler = start_scheduler(ctx, app.client)
    try:
        if settings.slack_app_token:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            log.info("connecting to Slack in Socket Mode")
            SocketModeHandler(app, settings.slack_app_token).start()
        else:
            from bot.slack.server import make_wsgi_app, serve

            log.info("serving Slack over HTTP on %s:%s", args.host, args.port)
            serve(make_wsgi_app(app, ctx.engine), host=args.host, port=args.port, threads=args.threads)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        ctx.engine.dispose()
    return 0
