"""Block Kit for replies and case cards.

Text is cut to Slack's limits here (section text 3,000 characters, 50 blocks a message) so a long reply
degrades into a shorter message instead of an `invalid_blocks` error.
"""

from __future__ import annotations

from typing import Any

from commands.base import Action, CaseView, Reply
from commands.case_views import REGIME_NAMES, due_phrase
from commands.words import mention

SECTION_LIMIT = 3000
MAX_BLOCKS = 50


def _cut(text: str, limit: int = SECTION_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text) or " "}}


def preformatted(text: str) -> list[dict[str, Any]]:
    """Code blocks, split on line boundaries so each fits in one section."""
    blocks: list[dict[str, Any]] = []
    chunk: list[str] = []
    size = 0
    for line in text.splitlines():
        if size + len(line) + 1 > SECTION_LIMIT - 10 and chunk:
            blocks.append(section("```" + "\n".join(chunk) + "```"))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        blocks.append(section("```" + "\n".join(chunk) + "```"))
    return blocks


def actions_block(actions: list[Action], block_id: str | None = None) -> dict[str, Any]:
    elements = []
    for action in actions[:25]:
        element: dict[str, Any] = {
            "type": "button",
            "action_id": action.action_id,
            "text": {"type": "plain_text", "text": action.label[:75]},
            "value": action.value[:2000],
        }
        if action.style:
            element["style"] = action.style
        elements.append(element)
    block: dict[str, Any] = {"type": "actions", "elements": elements}
    if block_id:
        block["block_id"] = block_id
    return block


def case_card_blocks(view: CaseView, *, with_actions: bool = True) -> list[dict[str, Any]]:
    fields = [
        ("Status", view.status),
        ("Regime", REGIME_NAMES.get(view.regime, view.regime)),
        ("Received", view.received.strftime("%a %-d %b %Y")),
        ("Due", due_phrase(view)),
        ("Assignee", mention(view.assignee)),
    ]
    if view.extended_due:
        fields.append(("Outer limit" if view.is_review else "Extended to", view.extended_due.strftime("%a %-d %b %Y")))
    fields.extend(view.requester)  # only in a team member's private view (`/foi show`)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(view.reference, 150)}},
        section(f"*{_cut(view.subject or '(no subject)', 500)}*"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in fields]},
    ]
    if view.questions:
        blocks.append(section("*Questions*\n" + "\n".join(view.questions)))
    if view.explanation:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut("\n".join(view.explanation), 3000)}]}
        )
    if with_actions:
        blocks.append(
            actions_block(
                [Action("case_assign_me", "Assign to me", view.reference),
                 Action("case_draft", "Draft response", view.reference)],
                block_id=f"case:{view.reference}",
            )
        )
    return blocks


def case_card_text(view: CaseView) -> str:
    return f"{view.reference}: {view.subject} — {view.status}, due {due_phrase(view)}"


def reply_blocks(reply: Reply) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if reply.is_error:
        return [section(":warning: " + reply.text)]
    if reply.case is not None:
        blocks.append(section(reply.text))
        blocks.extend(case_card_blocks(reply.case, with_actions=False))
    elif reply.cases is not None:
        blocks.append(section(f"*{reply.title or 'Cases'}*"))
        for view in reply.cases[: MAX_BLOCKS - 2]:
            blocks.append(
                section(f"*{view.reference}* · {view.status} · due {due_phrase(view)} · {mention(view.assignee)}\n{view.subject}")
            )
        if len(reply.cases) > MAX_BLOCKS - 2:
            blocks.append(section(f"…and {len(reply.cases) - (MAX_BLOCKS - 2)} more."))
    else:
        if reply.title:
            blocks.append({"type": "header", "text": {"type": "plain_text", "text": _cut(reply.title, 150)}})
        if reply.fields:
            blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": _cut(f"*{k}*\n{v}", 2000)}
                                                         for k, v in reply.fields[:10]]})
        if reply.paragraphs:
            blocks.extend(section(p) for p in reply.paragraphs)
        else:
            blocks.append(section(reply.text))
    if reply.preformatted:
        blocks.extend(preformatted(reply.preformatted))
    if reply.actions:
        blocks.append(actions_block(reply.actions))
    return blocks[:MAX_BLOCKS]
