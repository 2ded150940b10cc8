"""`/foi …`: acknowledged on the request thread, run by a worker, answered through the outbox."""

from __future__ import annotations

from typing import Any

from bot.slack.forms import open_registration_form
from bot.slack.routes import FastHandler, Routes, SlackJob
from bot.slack.text import decode
from commands.base import Invocation
from commands.cases import opens_form
from commands.registry import dispatch


def invocation_from_command(job: SlackJob) -> Invocation:
    body = job.body
    return Invocation(
        user=body.get("user_id", ""),
        text=decode(body.get("text", "")),
        now=job.now,
        surface="slack",
        channel=body.get("channel_id"),
        trigger_id=body.get("trigger_id"),
    )


def run(job: SlackJob) -> None:
    invocation = invocation_from_command(job)
    reply = dispatch(job.ctx, invocation)
    job.out.reply(reply, user=invocation.user, channel=invocation.channel,
                  response_url=job.body.get("response_url"))


def form_for(body: dict[str, Any]) -> FastHandler | None:
    """`/foi new` with no text opens the registration form, which has to happen within the trigger's 3 s."""
    if not opens_form(decode(body.get("text", ""))):
        return None

    def open_form(body: dict[str, Any], client: Any) -> None:
        open_registration_form(client, body["trigger_id"], text="", metadata={"channel": body.get("channel_id")})

    return open_form


def register(routes: Routes) -> None:
    routes.command("/foi", run, fast=form_for)
