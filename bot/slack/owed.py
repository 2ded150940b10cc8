"""What a piece of work owes Slack, written to the outbox in the work's own transaction.

This replaces posting from inside a listener: a command's reply, the case card it created, the card
refreshes, thread posts and files become outbox rows in the same transaction as the command's changes,
so either both happen or neither does, and a process killed after the commit still delivers them (the
deliverer, `bot.slack.delivery`, sends them). Text is made safe here, once, for every row
(`bot.slack.text`): a person's words are escaped, only the bot's own mentions and links stay live.

Keys: every row's key is derived from the job's key and its position, so the rows a job owes are the same
however often the job runs; a case's card is keyed by the case, so a case gets one card ever.
"""

from __future__ import annotations

from itertools import count
from typing import Any

from sqlmodel import Session

from bot.slack.blocks import actions_block, preformatted, reply_blocks, section
from bot.slack.text import mrkdwn, safe_blocks
from bot.text_render import render_reply
from commands.base import Action, CommandContext, Reply, ThreadPost
from commands.markup import user_ref
from storage import outbox
from storage.cases import get_case

#: Slack's ceiling for a message's ``text`` (it truncates beyond 40,000; keep well inside).
TEXT_LIMIT = 3000


def _without_card(reply: Reply) -> Reply:
    """The reply as a thread update: the card itself is already the thread's first message (and is refreshed)."""
    from dataclasses import replace

    return replace(reply, case=None, title=None, actions=[], paragraphs=reply.paragraphs if reply.case is None else [])


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def case_lane(case_id: int | None) -> str | None:
    return f"case:{case_id}" if case_id is not None else None


class SlackOutbox:
    """Collects outbox rows for one job; `flush` writes them into the current transaction."""

    def __init__(self, session: Session, ctx: CommandContext, job_key: str) -> None:
        self.session = session
        self.ctx = ctx
        self.job_key = job_key
        self._n = count(1)
        self.items: list[outbox.Owed] = []

    def _key(self, what: str) -> str:
        return f"{self.job_key}:{next(self._n)}:{what}"

    def _home(self, case_id: int) -> tuple[str | None, str | None]:
        from storage.models import Case

        case = self.session.get(Case, case_id)
        return (case.channel_id, case.thread_ts) if case is not None else (None, None)

    def _case_id(self, reference: str | None) -> int | None:
        if not reference:
            return None
        case = get_case(self.session, reference)
        return case.id if case is not None else None

    def owe(self, kind: str, payload: dict[str, Any], *, key: str | None = None, lane: str | None = None,
            case_id: int | None = None, content: bytes | None = None, on_sent: dict[str, Any] | None = None) -> None:
        self.items.append(outbox.Owed(key=key or self._key(kind), kind=kind, payload=payload, lane=lane,
                                      case_id=case_id, content=content, on_sent=on_sent))

    def flush(self) -> int:
        written = outbox.add(self.session, self.items)
        self.items = []
        return written

    # -- the person who asked ------------------------------------------------------------------------
    def ephemeral(self, text: str, *, user: str, channel: str | None, thread_ts: str | None = None,
                  response_url: str | None = None, blocks: list[dict[str, Any]] | None = None) -> None:
        """Only ``user`` sees it: through the command's response_url while it is valid, else
        chat.postEphemeral in the channel, else a DM (the deliverer falls back in that order)."""
        self.owe("ephemeral", {
            "user": user, "channel": channel, "thread_ts": thread_ts, "response_url": response_url,
            "text": mrkdwn(text)[:TEXT_LIMIT], "blocks": safe_blocks(blocks or [section(text)]),
        })

    def post(self, text: str, *, channel: str | None, thread_ts: str | None = None, case_id: int | None = None,
             blocks: list[dict[str, Any]] | None = None, actions: list[Action] | None = None,
             on_sent: dict[str, Any] | None = None, lane: str | None = None, key: str | None = None,
             fallback: dict[str, Any] | None = None) -> None:
        """A message in a channel, or in a case's thread when ``case_id`` is given (resolved at delivery, so
        a thread that does not exist yet is waited for, never replaced by the channel)."""
        body = list(blocks or [section(text)])
        if actions:
            body.append(actions_block(actions))
        self.owe("post", {
            "channel": channel, "thread_ts": thread_ts, "thread_case": case_id,
            "text": mrkdwn(text)[:TEXT_LIMIT], "blocks": safe_blocks(body[:50]),
            **({"fallback": fallback} if fallback else {}),
        }, key=key, lane=lane or case_lane(case_id), case_id=case_id, on_sent=on_sent)

    def update(self, text: str, *, channel: str | None = None, ts: str | None = None,
               target: dict[str, Any] | None = None, blocks: list[dict[str, Any]] | None = None,
               lane: str | None = None) -> None:
        """Replace a message: by (channel, ts), or by ``target`` resolved at delivery
        (``{"proposal": id}`` — an intake proposal's reply)."""
        self.owe("update", {"channel": channel, "ts": ts, "target": target, "text": mrkdwn(text)[:TEXT_LIMIT],
                            "blocks": safe_blocks(blocks or [section(text)])}, lane=lane)

    def dm(self, user: str, text: str) -> None:
        self.owe("post", {"channel": user, "text": mrkdwn(text)[:TEXT_LIMIT], "blocks": safe_blocks([section(text)])})

    def open_view(self, view: dict[str, Any], *, view_id: str | None = None, user: str | None = None) -> None:
        """views.update of a form opened on the fast lane, or views.publish of a Home tab."""
        self.owe("view", {"view": safe_blocks([view])[0], "view_id": view_id, "user": user})

    # -- cases ---------------------------------------------------------------------------------------------
    def card(self, reference: str, *, fallback_channel: str | None = None, actor: str | None = None,
             response_url: str | None = None) -> None:
        """The case's card, posted once ever (keyed by the case); its thread becomes the case's home. If Slack
        will not take it, the person who registered the case is told (``notify``)."""
        case = get_case(self.session, reference)
        if case is None or case.id is None or case.thread_ts:
            if case is not None and case.thread_ts:
                self.refresh_card(reference)
            return
        channel = self.ctx.settings.team_channel or fallback_channel
        notify = {"user": actor, "channel": fallback_channel, "response_url": response_url} if actor else None
        self.owe("card", {"case_id": case.id, "channel": channel, "actor": actor, "notify": notify,
                          "reference": reference}, key=f"card:{case.id}",
                 lane=case_lane(case.id), case_id=case.id, on_sent={"case_home": case.id})

    def refresh_card(self, reference: str) -> None:
        case_id = self._case_id(reference)
        if case_id is not None:
            self.owe("card_update", {"case_id": case_id}, lane=case_lane(case_id), case_id=case_id)

    def thread_post(self, post: ThreadPost, *, channel: str | None, thread_ts: str | None) -> None:
        """A post for a case's thread; with no case, the thread (or channel) the work came from."""
        case_id = self._case_id(post.reference)
        blocks: list[dict[str, Any]] = [section(p) for p in (post.blocks_markdown or [post.text])]
        if post.preformatted:
            blocks.extend(preformatted(post.preformatted))
        lane = case_lane(case_id) or f"job:{self.job_key}"
        self.post(post.text, channel=None if case_id else channel, thread_ts=None if case_id else thread_ts,
                  case_id=case_id, blocks=blocks, actions=post.actions, on_sent=post.remember or None, lane=lane)
        for attachment in post.attachments:
            self.owe("upload", {"channel": None if case_id else channel,
                                "thread_ts": None if case_id else thread_ts, "thread_case": case_id,
                                "filename": attachment.filename, "title": attachment.title,
                                "filetype": attachment.filetype,
                                **({"alt_text": attachment.alt_text[:1000]} if attachment.alt_text else {})},
                     lane=lane, case_id=case_id, content=attachment.content)

    # -- a command's whole reply ---------------------------------------------------------------------------
    def reply(self, reply: Reply, *, user: str, channel: str | None, thread_ts: str | None = None,
              response_url: str | None = None) -> None:
        """A command's whole reply, owed: the answer, the card, refreshes, thread posts.

        The case's thread is its home: a public reply about a case goes into that thread (waiting for the
        card if it has none yet), never top-level in whatever channel the command was typed in, and the
        person who typed it gets a short confirmation where they typed it."""
        blocks = reply_blocks(reply)
        text = render_reply(reply) if reply.is_error else reply.text
        case_id = None if reply.ephemeral else self._case_id(reply.case_reference)
        if reply.ephemeral or reply.post_card_for is not None:
            self.ephemeral(text, user=user, channel=channel, thread_ts=thread_ts, response_url=response_url,
                           blocks=blocks)
        elif case_id is not None:
            self.post(text, channel=None, case_id=case_id,
                      blocks=[*reply_blocks(_without_card(reply)), context(f"By {user_ref(user)}")])
            where = "" if (channel, thread_ts) == self._home(case_id) else f" Posted in the thread of {reply.case_reference}."
            self.ephemeral(text.split("\n", 1)[0] + where, user=user, channel=channel, thread_ts=thread_ts,
                           response_url=response_url)
        elif channel:
            self.post(text, channel=channel, thread_ts=thread_ts, blocks=blocks, lane=f"job:{self.job_key}")
        elif response_url:
            self.ephemeral(text, user=user, channel=None, response_url=response_url, blocks=blocks)
        if reply.post_card_for:
            self.card(reply.post_card_for, fallback_channel=channel, actor=user, response_url=response_url)
        for reference in reply.refresh_cards:
            self.refresh_card(reference)
        for post in reply.thread_posts:
            self.thread_post(post, channel=channel, thread_ts=thread_ts)
        for settled in reply.settled:
            self.retire(settled.target, settled.note, case_id=self._case_id(reply.case_reference))

    def retire(self, target: dict[str, Any], note: str, *, case_id: int | None = None) -> None:
        """Replace a message's buttons with ``note`` (who did what), found by what it belongs to."""
        self.owe("retire", {"target": target, "note": mrkdwn(note)}, lane=case_lane(case_id), case_id=case_id)
