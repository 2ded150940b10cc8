"""Forms that open on a click: the registration form (shortcut, `/foi new`, intake's Edit).

They run on the fast lane (`bot.slack.routes.FastLane`) because Slack's ``trigger_id`` expires 3 seconds
after the click. A request too long for a form field (3,000 characters) is stored in full as an intake
proposal first and the form carries its id: the form shows an excerpt, and registration uses the stored
text, so the last questions of a long request are never cut off.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlmodel import select

from bot.slack.modals import FORM_TEXT_LIMIT, registration_modal
from bot.slack.text import decode
from commands.base import CommandContext
from commands.intake import new_case_from_proposal, propose
from storage.db import session_scope
from storage.models import IntakeProposal


def open_registration_form(client: WebClient, trigger_id: str, *, text: str, metadata: dict[str, Any],
                           ctx: CommandContext | None = None, proposal: Any = None, today: Any = None,
                           text_kept: bool = False) -> None:
    """Open the form, pre-filled from ``proposal`` when there is one."""
    if proposal is None or ctx is None:
        received = today or datetime.now().date()
        view = registration_modal(text=text, received=received, regime="foia", metadata=metadata)
        client.views_open(trigger_id=trigger_id, view=view)
        return
    new = new_case_from_proposal(proposal, text, today=today, default_regime=ctx.settings.profile.default_regime)
    prefill = {"received": new.received.isoformat(), "regime": new.regime, "subject": new.subject[:200]}
    view = registration_modal(text=text, received=new.received, regime=new.regime, subject=new.subject,
                              requester_name=new.requester_name or "", requester_email=new.requester_email or "",
                              metadata={**metadata, "prefill": prefill}, text_kept=text_kept,
                              notes=[f"Regime guess: {proposal.regime.reason}", *proposal.problems])
    client.views_open(trigger_id=trigger_id, view=view)


def keep_long_text(ctx: CommandContext, text: str, *, channel: str | None, ts: str | None) -> int:
    """Store a request too long for the form; returns the proposal id the form carries."""
    with session_scope(ctx.engine) as session:
        if channel and ts:
            existing = session.exec(select(IntakeProposal).where(IntakeProposal.channel_id == channel,
                                                                 IntakeProposal.message_ts == ts)).first()
            if existing is not None:
                return int(existing.id)  # type: ignore[arg-type]
        row = IntakeProposal(channel_id=channel or "", message_ts=ts or f"form:{datetime.now().timestamp():.6f}",
                             kind="form", text=text, state="form")
        session.add(row)
        session.flush()
        return int(row.id)  # type: ignore[arg-type]


def form_for_message(ctx: CommandContext, client: WebClient, trigger_id: str, *, text: str, when: datetime,
                     metadata: dict[str, Any], proposal_id: int | None = None) -> None:
    """The form for a message's text (shortcut, intake Edit), the full text kept when it is long."""
    today = datetime.now(ctx.tz).date()
    proposal = propose(ctx, text, today=today, message_time=when)
    text_kept = len(text) > FORM_TEXT_LIMIT
    if text_kept and proposal_id is None:
        proposal_id = keep_long_text(ctx, text, channel=metadata.get("channel"), ts=metadata.get("ts"))
    if proposal_id is not None:
        metadata = {**metadata, "proposal": proposal_id}
    open_registration_form(client, trigger_id, text=text, metadata=metadata, ctx=ctx, proposal=proposal,
                           today=today, text_kept=text_kept)


def submitted_text(ctx: CommandContext, view: dict[str, Any], typed: str | None) -> str:
    """The request text a submitted form registers: what was typed, or the stored full text."""
    if typed and typed.strip():
        return typed
    metadata = json.loads(view.get("private_metadata") or "{}")
    if metadata.get("proposal"):
        with session_scope(ctx.engine) as session:
            row = session.get(IntakeProposal, int(metadata["proposal"]))
            if row is not None:
                return row.text
    return typed or ""


__all__ = ["decode", "form_for_message", "keep_long_text", "open_registration_form", "submitted_text"]
