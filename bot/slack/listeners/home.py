"""The App Home tab: published with `views.publish` (through the outbox) when a person opens it."""

from __future__ import annotations

from typing import Any

from bot.reminders import SlackThreadLinks
from bot.slack.blocks import section
from bot.slack.routes import Routes, SlackJob
from commands.access import is_team
from commands.case_views import due_phrase
from commands.home import Home, outsider_home, team_home
from commands.markup import user_ref
from storage.models import HomeViewer

#: Block Kit allows 100 blocks in a Home tab.
MAX_BLOCKS = 100


def home_blocks(home: Home, link_for: Any = None) -> list[dict[str, Any]]:
    """The Home tab: for the team, the lists with buttons (open the thread, take the case); for anyone else,
    one paragraph. Within Block Kit's 100 blocks, with "and N more" where a list is long."""
    if not home.team_member:
        return [section(home.intro)]
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": "FOI cases"}}]
    for listing in home.lists:
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": listing.title[:150]}})
        if not listing.cases:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": listing.empty}]})
            continue
        for view in listing.cases:
            blocks.append(section(f"*{view.reference}* · due {due_phrase(view)}\n{view.subject[:200]}"))
            buttons: list[dict[str, Any]] = []
            link = link_for(view.channel_id, view.thread_ts) if link_for and view.channel_id and view.thread_ts else None
            if link:
                buttons.append({"type": "button", "action_id": "reminder_open_thread", "url": link,
                                "text": {"type": "plain_text", "text": "Open thread"}, "value": view.reference})
            buttons.append({"type": "button", "action_id": "case_assign_me", "value": view.reference,
                            "text": {"type": "plain_text", "text": "Assign to me"}})
            buttons.append({"type": "button", "action_id": "case_draft", "value": view.reference,
                            "text": {"type": "plain_text", "text": "Draft response"}})
            blocks.append({"type": "actions", "elements": buttons})
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


_links: SlackThreadLinks | None = None


def owe_home(job: SlackJob, user: str) -> None:
    """Publish ``user``'s Home tab as it is now (through the outbox)."""
    global _links
    if _links is None or _links.client is not job.client:
        _links = SlackThreadLinks(job.client)
    ctx = job.ctx
    today = job.now.astimezone(ctx.tz).date()
    home = team_home(ctx, job.session, user, today) if is_team(ctx, user) else outsider_home(ctx)
    job.out.open_view({"type": "home", "blocks": home_blocks(home, _links.thread_link)}, user=user)


def publish_home(job: SlackJob) -> None:
    event = job.body.get("event") or {}
    user = event.get("user") or ""
    if event.get("tab") not in (None, "home") or not user:
        return
    viewer = job.session.get(HomeViewer, user) or HomeViewer(user=user)
    viewer.opened_at = job.now
    job.session.add(viewer)
    owe_home(job, user)


def refresh_after(job: SlackJob) -> None:
    """After a change someone made, their Home tab (if they use it) shows it."""
    user = job.user
    if user and job.session.get(HomeViewer, user) is not None:
        owe_home(job, user)


def register(routes: Routes) -> None:
    routes.event("app_home_opened", publish_home)
    routes.after_change = refresh_after

