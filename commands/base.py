"""What every command receives and returns, independent of the surface that asked.

A command never imports Slack. It gets an `Invocation` (who, the words, where, when) and returns a
`Reply`; the Slack adapter renders a reply as Block Kit, the shell as text. Side effects that belong to a
surface (posting a case card, refreshing it, posting into a thread, uploading a file) are described on
the reply and carried out by the surface after the acknowledgement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    from sqlalchemy.engine import Engine

    from bot.config import Settings


@dataclass(frozen=True)
class Invocation:
    user: str
    text: str
    now: datetime
    surface: str = "shell"
    channel: str | None = None
    thread_ts: str | None = None
    trigger_id: str | None = None

    def today(self, tz: Any) -> date:
        return self.now.astimezone(tz).date()


@dataclass(frozen=True)
class Action:
    """A button: `action_id` routes the click back to a command, `value` carries its argument."""

    action_id: str
    label: str
    value: str = ""
    style: str | None = None


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    title: str
    filetype: str = "binary"
    alt_text: str = ""  # what a chart shows, for people who cannot see it (Slack's file alt text)


@dataclass(frozen=True)
class CaseView:
    """A snapshot of a case for cards and listings. The requester's details are masked out of the subject and
    questions (cards, lists and reminders are seen by a channel); ``requester`` is filled only for the
    private view a team member gets from `/foi show`."""

    reference: str
    status: str
    regime: str
    received: date
    due: date | None
    assignee: str | None
    subject: str
    channel_id: str | None = None
    thread_ts: str | None = None
    extended_due: date | None = None
    explanation: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    working_days_left: int | None = None
    is_review: bool = False
    responded: date | None = None
    review_request_by: date | None = None
    on_time: bool | None = None  # a responded case: answered by its (extended) due date
    requester: tuple[tuple[str, str], ...] = ()


@dataclass
class ThreadPost:
    """A message for a case's thread (or the invoking channel when the case has none)."""

    text: str
    reference: str | None = None
    blocks_markdown: list[str] = field(default_factory=list)
    preformatted: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    #: What to record once Slack has the message, e.g. {"draft_message": 12}: the surface delivers the post
    #: later (from the outbox), so the command names the effect instead of passing a callback.
    remember: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Settled:
    """A message whose buttons no longer apply (approved, sent, replaced by a newer version): the surface
    replaces its buttons with ``note`` saying who did what, so nobody acts on a stale message.
    ``target`` names the message by what it belongs to: {"draft": id} (a draft letter's message) or
    {"draft_approval": id} (the approval message with its Mark as sent button)."""

    target: dict[str, Any]
    note: str


@dataclass
class Reply:
    text: str
    ephemeral: bool = True
    title: str | None = None
    fields: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    preformatted: str | None = None
    case: CaseView | None = None
    cases: list[CaseView] | None = None
    actions: list[Action] = field(default_factory=list)
    is_error: bool = False
    post_card_for: str | None = None
    refresh_cards: list[str] = field(default_factory=list)
    thread_posts: list[ThreadPost] = field(default_factory=list)
    settled: list[Settled] = field(default_factory=list)
    #: The case a public reply (``ephemeral=False``) is an update about: it goes into that case's thread.
    about: str | None = None

    @property
    def case_reference(self) -> str | None:
        """The case this reply is about, if any: its thread is where a public reply belongs."""
        if self.about:
            return self.about
        if self.case is not None:
            return self.case.reference
        if self.refresh_cards:
            return self.refresh_cards[0]
        references = {post.reference for post in self.thread_posts if post.reference}
        return references.pop() if len(references) == 1 else None

    @classmethod
    def error(cls, problem: str, usage: str | None = None, example: str | None = None) -> Reply:
        lines = [problem]
        if usage:
            lines.append(f"Usage: {usage}")
        if example:
            lines.append(f"Example: {example}")
        return cls(text="\n".join(lines), ephemeral=True, is_error=True)


class CommandError(Exception):
    """Bad input a person can fix; becomes an ephemeral error reply with the command's usage."""

    def __init__(self, problem: str, *, usage: str | None = None, example: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.usage = usage
        self.example = example


@dataclass
class CommandContext:
    """What commands may touch. Surfaces build one at start and share it across invocations."""

    engine: Engine
    settings: Settings
    is_team_member: Callable[[str], bool] = lambda _user: True
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> Any:
        return self.settings.tz
