"""Who may do what: decided here, once, for every surface (Slack, the shell, and whatever comes next).

Roles:
- **team member**: ``FOI_TEAM_USERS``, or the members of ``FOI_TEAM_CHANNEL``; approvers and leads count too.
- **approver**: ``FOI_APPROVERS``.
- **lead**: ``FOI_LEAD`` / ``FOI_LEADS``.

Everything that reads a case's details or changes anything is for the team: every `/foi` sub-command but
``help`` and the ``deadline`` calculator, every button, the message shortcut and every form. Approving is
for approvers; settings-like things (reference numbering, purges) are for leads or the command line. The
command table (`commands.registry`) carries each command's access; `ACTIONS` below carries each button's,
form's and shortcut's, and a table-driven test walks both so that nothing new can forget to say.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from commands.markup import channel_ref

if TYPE_CHECKING:  # pragma: no cover
    from commands.base import CommandContext


class Access(StrEnum):
    ANYONE = "anyone"
    TEAM = "team"
    APPROVER = "approver"
    LEAD = "lead"


def leads(ctx: CommandContext) -> set[str]:
    settings = ctx.settings
    found = set(getattr(settings, "leads", None) or [])
    if settings.lead_user:
        found.add(settings.lead_user)
    return found


def is_approver(ctx: CommandContext, user: str) -> bool:
    return user in set(ctx.settings.approvers)


def is_lead(ctx: CommandContext, user: str) -> bool:
    return user in leads(ctx)


def is_team(ctx: CommandContext, user: str) -> bool:
    return is_approver(ctx, user) or is_lead(ctx, user) or bool(user and ctx.is_team_member(user))


def allowed(ctx: CommandContext, user: str, access: Access) -> bool:
    if access is Access.ANYONE:
        return True
    if access is Access.APPROVER:
        return is_approver(ctx, user)
    if access is Access.LEAD:
        return is_lead(ctx, user)
    return is_team(ctx, user)


def refusal(ctx: CommandContext, what: str, access: Access = Access.TEAM) -> str:
    """One clear sentence for someone who may not: what they tried, and where to ask."""
    team = ctx.settings.team_channel
    where = f"ask in {channel_ref(team)}" if team else "ask the information-rights team"
    who = {Access.APPROVER: "the team's approvers", Access.LEAD: "the team's leads"}.get(access,
                                                                                    "the information-rights team")
    return f"Only {who} can {what} — {where}."


#: Buttons, forms and shortcuts: (kind, id) -> (access, what it does, in words for the refusal).
ACTIONS: dict[tuple[str, str], tuple[Access, str]] = {
    ("action", "case_assign_me"): (Access.TEAM, "take on a case"),
    ("action", "case_draft"): (Access.TEAM, "draft a response"),
    ("action", "intake_register"): (Access.TEAM, "register requests"),
    ("action", "intake_edit"): (Access.TEAM, "register requests"),
    ("action", "intake_dismiss"): (Access.TEAM, "mark messages as not a request"),
    ("action", "intake_review"): (Access.TEAM, "open internal reviews"),
    ("action", "intake_clarified"): (Access.TEAM, "record clarifications"),
    ("action", "similar_reuse"): (Access.TEAM, "reuse earlier answers"),
    ("action", "reminder_snooze"): (Access.TEAM, "snooze reminders"),
    ("action", "reminder_close_case"): (Access.TEAM, "close cases"),
    ("action", "reminder_open_thread"): (Access.ANYONE, "open a thread"),
    ("action", "draft_approve"): (Access.TEAM, "approve letters"),  # the command then says who the approvers are
    ("action", "draft_changes"): (Access.TEAM, "review letters"),
    ("action", "draft_regenerate"): (Access.TEAM, "draft a response"),
    ("action", "draft_edit"): (Access.TEAM, "edit letters"),
    ("action", "draft_sent"): (Access.TEAM, "mark letters as sent"),
    ("action", "draft_disclosure_log"): (Access.TEAM, "prepare disclosure-log versions"),
    ("shortcut", "register_foi_request"): (Access.TEAM, "register requests"),
    ("view", "register_case"): (Access.TEAM, "register requests"),
    ("view", "draft_changes_form"): (Access.TEAM, "review letters"),
    ("view", "draft_edit_form"): (Access.TEAM, "edit letters"),
    ("event", "message"): (Access.ANYONE, "post messages"),  # who may write is the channel's business
    ("event", "app_home_opened"): (Access.ANYONE, "open the Home tab"),  # outsiders get the introduction
}


def for_route(kind: str, route: str) -> tuple[Access, str]:
    """The rule for a button, form, shortcut or event; anything unlisted is for the team (never open by
    accident)."""
    return ACTIONS.get((kind, route), (Access.TEAM, "do that"))
