"""The App Home: a team member's own caseload at a glance, built without Slack (the adapter renders it).

Lists, each soonest-due first: my cases, due in the next five working days, overdue, drafts awaiting my
approval, awaiting clarification, and the team's open cases by assignee. Anyone outside the team gets one
paragraph saying what the bot is and whom to ask, and no case details.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from commands.base import CaseView, CommandContext
from commands.case_views import case_view
from commands.markup import channel_ref
from commands.rules.calendar import calendar_for
from storage.models import Case, CaseStatus, Draft

#: Working days ahead that count as "due soon".
DUE_SOON_DAYS = 5
#: Rows shown per list before "and N more".
LIST_LIMIT = 8


@dataclass
class HomeList:
    title: str
    cases: list[CaseView]
    empty: str
    total: int = 0


@dataclass
class Home:
    team_member: bool
    lists: list[HomeList] = field(default_factory=list)
    by_assignee: list[tuple[str | None, int]] = field(default_factory=list)
    intro: str = ""


def outsider_home(ctx: CommandContext) -> Home:
    team = ctx.settings.team_channel
    where = f"ask in the team's channel ({channel_ref(team)})" if team else "ask the information-rights team"
    return Home(team_member=False, intro=(
        "foi-bot keeps the information-rights team's register of Freedom of Information, EIR and subject access "
        "requests: it tracks their statutory deadlines, reminds the team and drafts replies. Case details are for "
        f"the team only; to make a request or ask about one, {where}. Anyone can use `/foi help` and the deadline "
        "calculator `/foi deadline DATE`."))


def team_home(ctx: CommandContext, session: Session, user: str, today: date) -> Home:
    active = list(CaseStatus.ACTIVE) + [CaseStatus.UNDER_REVIEW]
    cases = list(session.exec(select(Case).where(col(Case.status).in_(active))
                              .order_by(col(Case.due).asc().nulls_last(), col(Case.id))).all())
    views = {c.id: case_view(c, ctx.settings, today, explain=False) for c in cases}
    soon_until = calendar_for("uk").add_working_days(today, DUE_SOON_DAYS)
    mine = [views[c.id] for c in cases if c.assignee == user]
    soon = [views[c.id] for c in cases if c.due is not None and today <= c.due <= soon_until]
    overdue = [views[c.id] for c in cases if c.due is not None and c.due < today]
    clarification = [views[c.id] for c in cases if c.status == CaseStatus.AWAITING_CLARIFICATION]
    approving: list[CaseView] = []
    if user in ctx.settings.approvers:
        waiting = session.exec(select(Draft.case_id).where(col(Draft.state).in_(("draft", "changes")))).all()
        waiting_ids = set(waiting)
        approving = [views[c.id] for c in cases if c.id in waiting_ids]
    counts: dict[str | None, int] = {}
    for case in cases:
        counts[case.assignee] = counts.get(case.assignee, 0) + 1
    by_assignee = sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))

    def listed(title: str, found: list[CaseView], empty: str) -> HomeList:
        return HomeList(title, found[:LIST_LIMIT], empty, total=len(found))

    return Home(team_member=True, by_assignee=by_assignee, lists=[
        listed("My cases", mine, "No cases assigned to you."),
        listed(f"Due in the next {DUE_SOON_DAYS} working days", soon, "Nothing due in the next five working days."),
        listed("Overdue", overdue, "Nothing overdue."),
        listed("Awaiting my approval", approving, "No drafts waiting for your approval."),
        listed("Awaiting clarification", clarification, "No cases waiting for the requester."),
    ])
