"""The Bolt app: listeners registered in one place, a Web API client with Slack's retry handlers.

Every listener acknowledges first and does its work in a lazy listener, so Slack's 3-second limit never
waits on the database or on other Slack calls.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.config import Settings
from bot.slack.listeners import actions, commands, drafts, intake, reminders, shortcuts
from bot.slack.surface import SlackSurface
from bot.slack.team import TeamDirectory
from commands.base import CommandContext

log = logging.getLogger(__name__)


def make_client(settings: Settings) -> WebClient:
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=15)
    client.retry_handlers.extend([RateLimitErrorRetryHandler(max_retry_count=3), ConnectionErrorRetryHandler(max_retry_count=2)])
    return client


def build_app(ctx: CommandContext, settings: Settings, *, client: WebClient | None = None,
              token_verification: bool = True, listener_executor: Executor | None = None) -> App:
    """`listener_executor` runs the lazy listeners (Bolt's default: a small thread pool); tests pass their own
    so they can wait for every side effect before tearing the database down."""
    client = client or make_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        token_verification_enabled=token_verification,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("slack_bolt"),
        **({"listener_executor": listener_executor} if listener_executor is not None else {}),
    )
    if not settings.team_users and settings.team_channel:
        ctx.is_team_member = TeamDirectory(client, settings.team_channel)
    surface = SlackSurface(ctx, client)
    for module in (commands, shortcuts, actions, intake, reminders, drafts):
        module.register(app, ctx, surface)
    return app
