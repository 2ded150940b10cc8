"""Draft letters in the case thread: the buttons on a draft (Approve, Request changes, Regenerate, Edit), Mark as
sent, "Draft response" on the case card, the two forms, and replies in the thread.

Thin, like every listener: acknowledge at once, then translate the click into the command layer, which
checks who may do what (approvers, the drafter) and says why not. Buttons carry "REF vN", so a click on a
version that has since been replaced is answered as such instead of approving the wrong letter.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import urlparse

from slack_sdk import WebClient

from bot.slack.files import SLACK_FILE_HOSTS, download
from bot.slack.listeners import intake
from bot.slack.listeners.intake import run_clicked
from bot.slack.routes import Routes, SlackJob, tell
from commands.base import CommandError, Reply
from commands.disclosure import DISCLOSURE_ACTION
from commands.drafts import (
    APPROVE_ACTION,
    CASE_DRAFT_ACTION,
    CHANGES_ACTION,
    EDIT_ACTION,
    REGENERATE_ACTION,
    SENT_ACTION,
    draft_for_edit,
    handle_thread_reply,
    request_changes,
    save_edited_draft,
)
from commands.enclosures import add_upload
from commands.rules.letters.render import tidy

log = logging.getLogger(__name__)

CHANGES_CALLBACK = "draft_changes_form"
EDIT_CALLBACK = "draft_edit_form"
#: Characters a form field starts with; Slack allows 3,000 per plain-text input, so each part can grow.
EDIT_CHUNK = 2400
MAX_EDIT_PARTS = 90

_VALUE = re.compile(r"^(\S+)(?:\s+v(\d+))?$")


def parse_value(value: str) -> tuple[str, int | None]:
    """"FOI2018/00001 v2" -> ("FOI2018/00001", 2)."""
    match = _VALUE.match(value.strip())
    if not match:
        return value.strip(), None
    return match.group(1), int(match.group(2)) if match.group(2) else None


def edit_chunks(text: str, size: int = EDIT_CHUNK) -> tuple[list[str], list[str]]:
    """The letter cut into pieces a form field can hold, preferably between paragraphs, and the separator
    that goes back between each pair ("\n\n", "\n" or ""), so joining them gives the letter back exactly."""
    chunks: list[str] = []
    separators: list[str] = []
    current = ""
    for paragraph in text.strip("\n").split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) <= size:
            current = candidate
            continue
        if current:
            chunks.append(current)
            separators.append("\n\n")
        while len(paragraph) > size:
            cut = paragraph.rfind("\n", 0, size)
            if cut > 0:
                chunks.append(paragraph[:cut])
                separators.append("\n")
                paragraph = paragraph[cut + 1:]
            else:
                chunks.append(paragraph[:size])
                separators.append("")
                paragraph = paragraph[size:]
        current = paragraph
    chunks.append(current)
    return chunks, separators


def changes_form(reference: str, version: int | None, metadata: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CHANGES_CALLBACK,
        "title": {"type": "plain_text", "text": "Request changes"},
        "submit": {"type": "plain_text", "text": "Request changes"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({**metadata, "reference": reference, "version": version}),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn",
                                         "text": f"What needs changing in draft v{version} of *{reference}*?"}},
            {"type": "input", "block_id": "changes", "label": {"type": "plain_text", "text": "Changes"},
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 3000}},
        ],
    }


def edit_form(reference: str, version: int, text: str, metadata: dict[str, Any]) -> dict[str, Any]:
    chunks, separators = edit_chunks(text)
    blocks: list[dict[str, Any]] = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"Editing v{version} of *{reference}*. Saving makes a new version; v{version} stays as it was. "
            "Keep `[ANSWER NEEDED: …]` markers until the gap is filled: a letter with one cannot be approved.")}]},
    ]
    for index, chunk in enumerate(chunks):
        label = "Letter" if len(chunks) == 1 else f"Letter, part {index + 1} of {len(chunks)}"
        blocks.append({"type": "input", "block_id": f"part{index}", "optional": True,
                       "label": {"type": "plain_text", "text": label},
                       "element": {"type": "plain_text_input", "action_id": "value", "multiline": True,
                                   "max_length": 3000, "initial_value": chunk}})
    return {
        "type": "modal",
        "callback_id": EDIT_CALLBACK,
        "title": {"type": "plain_text", "text": f"Edit draft v{version}"[:24]},
        "submit": {"type": "plain_text", "text": "Save as new version"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({**metadata, "reference": reference, "version": version,
                                        "separators": separators}),
        "blocks": blocks,
    }


def edited_text(view: dict[str, Any]) -> str:
    """The submitted parts joined back with the separators they were cut at."""
    values = view.get("state", {}).get("values", {})
    separators = json.loads(view.get("private_metadata") or "{}").get("separators") or []
    text = ""
    for index in range(len(separators) + 1):
        value = ((values.get(f"part{index}", {}).get("value") or {}).get("value") or "").strip("\n")
        text += (separators[index - 1] if index else "") + value
    return tidy(text) if text.strip() else ""


def _where(body: dict[str, Any]) -> dict[str, Any]:
    container = body.get("container") or {}
    message = body.get("message") or {}
    return {
        "channel": (body.get("channel") or {}).get("id") or container.get("channel_id"),
        "thread_ts": message.get("thread_ts") or container.get("thread_ts") or container.get("message_ts"),
    }


_ENCLOSE = re.compile(r"^\s*(?:annex|enclose)\b[\s:–-]*(.*)$", re.IGNORECASE | re.DOTALL)


def enclose_shared_files(job: SlackJob, event: dict[str, Any], reference: str) -> bool:
    """A message in the case thread saying "annex: TITLE" (or "enclose …") with files: each file becomes the
    next annex of the letter. Other messages with files are left to the other handlers."""
    ctx = job.ctx
    match = _ENCLOSE.match(event.get("text") or "")
    user = event.get("user", "")
    if match is None or not ctx.is_team_member(user):
        return False
    title = match.group(1).strip() or None
    allowed = SLACK_FILE_HOSTS | {urlparse(ctx.settings.slack_api_url).hostname or ""}
    for shared in event.get("files") or []:
        url = shared.get("url_private_download") or shared.get("url_private")
        if not url:
            continue
        if (urlparse(url).hostname or "") not in allowed:
            job.out.reply(Reply.error("That file is not on Slack, so it was not enclosed."), user=user,
                          channel=event.get("channel"), thread_ts=event.get("thread_ts"))
            continue
        try:
            content = download(url, job.client.token or "", allowed_hosts=frozenset(allowed))
            reply = add_upload(ctx, reference, filename=shared.get("name") or "document", content=content,
                               title=title or shared.get("title"), user=user, source_ts=event.get("ts"))
        except CommandError as exc:
            reply = Reply.error(exc.problem)
        except (ValueError, OSError) as exc:
            log.warning("shared file not enclosed (%s)", type(exc).__name__)
            reason = f" ({exc})" if isinstance(exc, ValueError) else ""
            reply = Reply.error(f"Slack would not give me {shared.get('name') or 'the file'}{reason}: nothing was "
                                "enclosed.")
        job.out.reply(reply, user=user, channel=event.get("channel"), thread_ts=event.get("thread_ts"))
    return True


def disclosure_clicked(job: SlackJob) -> None:
    reference, _version = parse_value(job.body["actions"][0]["value"])
    run_clicked(job, f"disclosure {reference}")


def approve_clicked(job: SlackJob) -> None:
    """Approve; the draft's buttons are retired by the command's reply (so `/foi approve` retires them too)."""
    reference, version = parse_value(job.body["actions"][0]["value"])
    run_clicked(job, f"approve {reference}" + (f" v{version}" if version else ""))


def sent_clicked(job: SlackJob) -> None:
    reference, version = parse_value(job.body["actions"][0]["value"])
    run_clicked(job, f"sent {reference}" + (f" v{version}" if version else ""))


def draft_clicked(job: SlackJob) -> None:
    reference, _version = parse_value(job.body["actions"][0]["value"])
    run_clicked(job, f"draft {reference}")


def submit_changes(job: SlackJob) -> None:
    body = job.body
    user = body["user"]["id"]
    metadata = json.loads(body["view"].get("private_metadata") or "{}")
    text = body["view"]["state"]["values"]["changes"]["value"]["value"].strip()
    try:
        reply = request_changes(job.ctx, metadata["reference"], version=metadata.get("version"), user=user, text=text,
                                now=job.now)
    except CommandError as exc:
        job.out.ephemeral(exc.problem, user=user, channel=metadata.get("channel"), thread_ts=metadata.get("thread_ts"))
        return
    job.out.reply(reply, user=user, channel=metadata.get("channel"), thread_ts=metadata.get("thread_ts"))


def submit_edit(job: SlackJob) -> None:
    body = job.body
    user = body["user"]["id"]
    metadata = json.loads(body["view"].get("private_metadata") or "{}")
    try:
        reply = save_edited_draft(job.ctx, metadata["reference"], base_version=int(metadata["version"]), user=user,
                                  text=edited_text(body["view"]), now=job.now)
    except CommandError as exc:
        job.out.ephemeral(exc.problem, user=user, channel=metadata.get("channel"), thread_ts=metadata.get("thread_ts"))
        return
    job.out.reply(reply, user=user, channel=metadata.get("channel"), thread_ts=metadata.get("thread_ts"))


def check_changes(body: dict[str, Any]) -> dict[str, str] | None:
    value = body["view"]["state"]["values"].get("changes", {}).get("value", {}).get("value") or ""
    return None if value.strip() else {"changes": "Say what needs changing."}


def check_edit(body: dict[str, Any]) -> dict[str, str] | None:
    return None if edited_text(body["view"]).strip() else {"part0": "The letter cannot be empty."}


def register(routes: Routes) -> None:
    if handle_thread_reply not in intake.THREAD_REPLY_HANDLERS:
        intake.THREAD_REPLY_HANDLERS.append(handle_thread_reply)
    if enclose_shared_files not in intake.THREAD_FILE_HANDLERS:
        intake.THREAD_FILE_HANDLERS.append(enclose_shared_files)
    ctx = routes.ctx

    def changes_clicked(body: dict[str, Any], client: WebClient) -> None:
        reference, version = parse_value(body["actions"][0]["value"])
        client.views_open(trigger_id=body["trigger_id"], view=changes_form(reference, version, _where(body)))

    def edit_clicked(body: dict[str, Any], client: WebClient) -> None:
        reference, version = parse_value(body["actions"][0]["value"])
        try:
            number, text, _title = draft_for_edit(ctx, reference, version)
        except CommandError as exc:
            tell(body, exc.problem)
            return
        if len(edit_chunks(text)[0]) > MAX_EDIT_PARTS:
            tell(body, "This letter is too long to edit in a Slack form; edit the .md file and post it instead.")
            return
        client.views_open(trigger_id=body["trigger_id"], view=edit_form(reference, number, text, _where(body)))

    routes.action(APPROVE_ACTION, approve_clicked)
    routes.action(SENT_ACTION, sent_clicked)
    routes.action(DISCLOSURE_ACTION, disclosure_clicked)
    routes.action(REGENERATE_ACTION, draft_clicked)
    routes.action(CASE_DRAFT_ACTION, draft_clicked)
    routes.action(CHANGES_ACTION, fast=changes_clicked)
    routes.action(EDIT_ACTION, fast=edit_clicked)
    routes.view(CHANGES_CALLBACK, submit_changes, check=check_changes)
    routes.view(EDIT_CALLBACK, submit_edit, check=check_edit)
