"""The App Home tab: published with `views.publish` (through the outbox) when a person opens it."""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import section
from bot.slack.routes import Routes, SlackJob
from commands.case_views import due_phrase
from commands.home import Home, outsider_home, team_home
from commands.markup import user_ref

#: Block Kit allows 100 blocks in a Home tab.
MAX_BLOCKS = 100


def home_blocks(home: Home) -> list[dict[str, Any]]:
    if not home.team_member:
        return [section(home.intro)]
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": "FOI cases"}}]
    for listing in home.lists:
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": listing.title[:150]}})
        if not listing.cases:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": listing.empty}]})
            continue
        for view in listing.cases:
            block = section(f"*{view.reference}* · due {due_phrase(view)}\n{view.subject[:200]}")
            block["accessory"] = {"type": "button", "action_id": "case_assign_me",
                                  "text": {"type": "plain_text", "text": "Assign to me"}, "value": view.reference}
            blocks.append(block)
        if listing.total > len(listing.cases):
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
                f"…and {listing.total - len(listing.cases)} more — `/foi list` shows them all.")}]})
    if home.by_assignee:
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": "The team's open cases"}})
        lines = [f"{user_ref(who) if who else 'Unassigned'}: {n} case{'s' if n != 1 else ''}"
                 for who, n in home.by_assignee]
        blocks.append(section("\n".join(lines)))
    if len(blocks) > MAX_BLOCKS:
        blocks = blocks[:MAX_BLOCKS - 1] + [section("…the rest is in `/foi list`.")]
    return blocks


def publish_home(job: SlackJob) -> None:
    event = job.body.get("event") or {}
    user = event.get("user") or ""
    if event.get("tab") not in (None, "home") or not user:
        return
    ctx = job.ctx
    today = job.now.astimezone(ctx.tz).date()
    home = team_home(ctx, job.session, user, today) if ctx.is_team_member(user) else outsider_home(ctx)
    job.out.open_view({"type": "home", "blocks": home_blocks(home)}, user=user)


def register(routes: Routes) -> None:
    routes.event("app_home_opened", publish_home)

