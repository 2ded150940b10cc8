"""Carrying out a command's reply in Slack: the answer, the case card, thread posts and file uploads.

Runs after the acknowledgement (in Bolt's lazy listeners), so Slack's 3-second limit never waits on it.
Slack errors are caught per call: the person is told what Slack refused, and nothing already written to
the database is undone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks import (
    actions_block,
    case_card_blocks,
    case_card_text,
    preformatted,
    reply_blocks,
    section,
)
from commands.base import CommandContext, Reply, ThreadPost
from commands.case_views import case_view
from storage.cases import get_case, record_event
from storage.db import session_scope

log = logging.getLogger(__name__)

Respond = Callable[..., Any]


def slack_error(exc: SlackApiError) -> str:
    try:
        return str(exc.response.get("error") or exc.response.status_code)
    except Exception:  # noqa: BLE001 - a malformed error response still needs a message
        return "unknown_error"


class SlackSurface:
    def __init__(self, ctx: CommandContext, client: WebClient) -> None:
        self.ctx = ctx
        self.client = client

    # -- the answer to the person who asked --------------------------------------------------------
    def tell(self, reply: Reply, *, user: str, channel: str | None, thread_ts: str | None = None,
             respond: Respond | None = None) -> None:
        blocks = reply_blocks(reply)
        text = reply.text[:3000]
        ephemeral = reply.ephemeral or reply.post_card_for is not None
        try:
            if ephemeral:
                if respond is not None:
                    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
                elif channel:
                    self.client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks, thread_ts=thread_ts)
            elif channel:
                self.client.chat_postMessage(channel=channel, text=text, blocks=blocks, thread_ts=thread_ts)
            elif respond is not None:
                respond(text=text, blocks=blocks, response_type="in_channel")
        except SlackApiError as exc:
            log.warning("could not reply in %s: %s", channel, slack_error(exc))
            if respond is not None and not ephemeral:
                respond(text=f"I could not post in this channel ({slack_error(exc)}). Invite me with /invite @foi-bot.\n{text}",
                        response_type="ephemeral")

    def deliver(self, reply: Reply, *, user: str, channel: str | None, thread_ts: str | None = None,
                respond: Respond | None = None) -> None:
        self.tell(reply, user=user, channel=channel, thread_ts=thread_ts, respond=respond)
        if reply.post_card_for:
            self.post_case_card(reply.post_card_for, fallback_channel=channel, user=user, respond=respond)
        for reference in reply.refresh_cards:
            self.refresh_case_card(reference)
        for post in reply.thread_posts:
            self.post_in_thread(post, channel=channel, thread_ts=thread_ts, user=user, respond=respond)

    # -- case cards ---------------------------------------------------------------------------------
    def post_case_card(self, reference: str, *, fallback_channel: str | None, user: str | None = None,
                       respond: Respond | None = None) -> tuple[str, str] | None:
        """Post the card once; its thread becomes the case's home. Re-posting an existing card only refreshes it."""
        today = _today(self.ctx)
        with session_scope(self.ctx.engine) as session:
            case = get_case(session, reference)
            if case is None:
                return None
            if case.thread_ts:
                home = (case.channel_id, case.thread_ts)
            else:
                home = None
            view = case_view(case, self.ctx.settings, today)
        if home is not None:
            self.refresh_case_card(reference)
            return home  # type: ignore[return-value]
        channel = self.ctx.settings.team_channel or fallback_channel
        if not channel:
            return None
        try:
            response = self.client.chat_postMessage(channel=channel, text=case_card_text(view), blocks=case_card_blocks(view))
        except SlackApiError as exc:
            log.warning("case card for %s not posted: %s", reference, slack_error(exc))
            if respond is not None:
                respond(text=f"{reference} is registered, but Slack refused the case card ({slack_error(exc)}).",
                        response_type="ephemeral")
            return None
        posted_channel, ts = response["channel"], response["ts"]
        with session_scope(self.ctx.engine) as session:
            case = get_case(session, reference)
            if case is not None:
                case.channel_id, case.thread_ts = posted_channel, ts
                record_event(session, case, actor=user or "foi-bot", kind="card-posted",
                             summary=f"Case card posted in {posted_channel}", details={"channel": posted_channel, "ts": ts})
        return posted_channel, ts

    def refresh_case_card(self, reference: str) -> None:
        with session_scope(self.ctx.engine) as session:
            case = get_case(session, reference)
            if case is None or not case.thread_ts or not case.channel_id:
                return
            view = case_view(case, self.ctx.settings, _today(self.ctx))
        try:
            self.client.chat_update(channel=view.channel_id, ts=view.thread_ts, text=case_card_text(view),
                                    blocks=case_card_blocks(view))
        except SlackApiError as exc:
            log.warning("case card for %s not refreshed: %s", reference, slack_error(exc))

    # -- posts into a case's thread -----------------------------------------------------------------
    def case_home(self, reference: str | None) -> tuple[str | None, str | None]:
        if not reference:
            return None, None
        with session_scope(self.ctx.engine) as session:
            case = get_case(session, reference)
            if case is None:
                return None, None
            return case.channel_id, case.thread_ts

    def post_in_thread(self, post: ThreadPost, *, channel: str | None, thread_ts: str | None, user: str | None = None,
                       respond: Respond | None = None) -> str | None:
        home_channel, home_ts = self.case_home(post.reference)
        target_channel, target_ts = (home_channel, home_ts) if home_ts else (channel, thread_ts)
        if not target_channel:
            return None
        blocks: list[dict[str, Any]] = [section(p) for p in (post.blocks_markdown or [post.text])]
        if post.preformatted:
            blocks.extend(preformatted(post.preformatted))
        if post.actions:
            blocks.append(actions_block(post.actions))
        try:
            response = self.client.chat_postMessage(channel=target_channel, thread_ts=target_ts, text=post.text[:3000],
                                                    blocks=blocks[:50])
            ts = response["ts"]
            if post.on_posted is not None:
                post.on_posted(response["channel"], ts)
            for attachment in post.attachments:
                self.client.files_upload_v2(
                    channel=target_channel,
                    thread_ts=target_ts or ts,
                    content=attachment.content,
                    filename=attachment.filename,
                    title=attachment.title,
                )
            return ts
        except SlackApiError as exc:
            log.warning("thread post for %s failed: %s", post.reference, slack_error(exc))
            if respond is not None:
                respond(text=f"Slack refused the post ({slack_error(exc)}); nothing was lost — run the command again.",
                        response_type="ephemeral")
            return None


def _today(ctx: CommandContext):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime.now(ctx.tz).date()
