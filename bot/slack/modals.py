"""The registration form: opened by `/foi new` without text and by the message shortcut.

The form is pre-filled with what the request parser read; everything is editable, and the values a person
changed are recorded as events when the case is registered.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

REGISTER_CALLBACK = "register_case"
REGIMES = (("foia", "FOIA — Freedom of Information Act 2000"), ("eir", "EIR — Environmental Information Regulations 2004"),
           ("foisa", "FOISA — Freedom of Information (Scotland) Act 2002"), ("sar", "SAR — subject access (UK GDPR Art 15)"))


def _text_input(block_id: str, label: str, initial: str | None, *, multiline: bool = False, optional: bool = False,
                max_length: int = 3000) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value", "multiline": multiline,
                               "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    return {"type": "input", "block_id": block_id, "optional": optional,
            "label": {"type": "plain_text", "text": label}, "element": element}


#: Slack's limit for a plain_text_input; a longer request is kept in the database and shown as an excerpt.
FORM_TEXT_LIMIT = 3000
EXCERPT = 1200


def registration_modal(*, text: str, received: date, regime: str, subject: str = "", requester_name: str = "",
                       requester_email: str = "", metadata: dict[str, Any] | None = None,
                       notes: list[str] | None = None, text_kept: bool = False) -> dict[str, Any]:
    """``text_kept``: the request is longer than a form can hold and is already stored in full; the form shows
    an excerpt and registers the stored text, so nothing is cut off."""
    options = [{"text": {"type": "plain_text", "text": label}, "value": code} for code, label in REGIMES]
    initial_option = next((o for o in options if o["value"] == regime), options[0])
    blocks: list[dict[str, Any]] = []
    if notes:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "\n".join(notes)[:3000]}]})
    if text_kept:
        excerpt = text[:EXCERPT].rstrip()
        blocks += [
            {"type": "section", "text": {"type": "mrkdwn", "text": (
                f"*Request text* ({len(text):,} characters — longer than a Slack form can hold). The full text is "
                "kept and will be registered as it arrived; this is its beginning:")}},
            {"type": "section", "text": {"type": "plain_text", "text": excerpt + " …", "emoji": False}},
        ]
    else:
        blocks.append(_text_input("request_text", "Request text", text, multiline=True))
    blocks += [
        {"type": "input", "block_id": "received", "label": {"type": "plain_text", "text": "Received"},
         "element": {"type": "datepicker", "action_id": "value", "initial_date": received.isoformat()}},
        {"type": "input", "block_id": "regime", "label": {"type": "plain_text", "text": "Regime (the parser's guess)"},
         "element": {"type": "static_select", "action_id": "value", "options": options, "initial_option": initial_option}},
        _text_input("subject", "Subject", subject, optional=True, max_length=300),
        _text_input("requester_name", "Requester name (personal data)", requester_name, optional=True, max_length=200),
        _text_input("requester_email", "Requester email or address (personal data)", requester_email, optional=True,
                    max_length=320),
    ]
    return {
        "type": "modal",
        "callback_id": REGISTER_CALLBACK,
        "title": {"type": "plain_text", "text": "Register FOI request"},
        "submit": {"type": "plain_text", "text": "Register"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata or {})[:3000],
        "blocks": blocks,
    }


def submitted_values(view: dict[str, Any]) -> dict[str, Any]:
    values = view.get("state", {}).get("values", {})

    def get(block: str) -> Any:
        element = values.get(block, {}).get("value", {})
        if element.get("type") == "datepicker":
            return element.get("selected_date")
        if element.get("type") == "static_select":
            return (element.get("selected_option") or {}).get("value")
        return element.get("value")

    return {name: get(name) for name in ("request_text", "received", "regime", "subject", "requester_name",
                                          "requester_email")}
