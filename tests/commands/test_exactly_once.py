"""Double clicks make one effect: concurrent jobs for the same Approve, Mark as sent or Assign to me.

Each click is a job run by the real runner (`bot.work.runner.JobRunner`): its own transaction with its
AppliedJob marker, retried on a lock conflict. The jobs start together behind a barrier, on SQLite and
on PostgreSQL, and the register must show one approval, one sending, one assignment; every other click is
answered with what already happened.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlmodel import select

from bot.config import load_settings
from bot.runtime import build_context
from bot.work.runner import JobRun, JobRunner
from commands.base import CommandContext, Invocation, Reply
from commands.markup import plain
from commands.registry import dispatch
from storage.cases import case_events, get_case
from storage.db import session_scope
from storage.jobs import ClaimedJob, JobQueue
from storage.models import Draft
from tests.drafts.conftest import APPROVER, DRAFTER, OTHER_APPROVER, TEST_PROFILE, make_case
from tests.drafts.test_draft_commands import answer_seed

CLICKS = 8


@pytest.fixture
def ectx(database_url: str, clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CommandContext]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FOI_ORG_PROFILE", str(TEST_PROFILE))
    monkeypatch.setenv("FOI_APPROVERS", f"{APPROVER},{OTHER_APPROVER}")
    context = build_context(load_settings())
    yield context
    context.engine.dispose()


def click_together(ctx: CommandContext, text: str, user: str, clicks: int = CLICKS) -> list[Reply]:
    """``clicks`` jobs for the same command, started at once and run as the workers run them."""
    queue = JobQueue(ctx.engine)
    replies: list[Reply] = []
    lock = threading.Lock()

    def handler(run: JobRun) -> None:
        reply = dispatch(ctx, Invocation(user=user, text=text, now=datetime.now(timezone.utc), surface="slack"))
        with lock:
            replies.append(reply)

    runner = JobRunner(ctx, _NoQueue(queue), handler)  # type: ignore[arg-type]
    barrier = threading.Barrier(clicks)
    outcomes: list[str] = []

    def click() -> None:
        job = ClaimedJob(id=0, key=f"action:{uuid.uuid4().hex}", kind="action", payload={}, attempts=1)
        barrier.wait()
        outcomes.append(runner.run(job))

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert outcomes == ["done"] * clicks, outcomes
    return replies


class _NoQueue:
    """The runner finishes jobs in the queue; these jobs were never queued, so there is nothing to finish."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue

    def finish(self, _job_id: int) -> None:
        pass

    def retry_later(self, *_args: object, **_kwargs: object) -> None:
        raise AssertionError("no job should need retrying later")

    def bury(self, *_args: object, **_kwargs: object) -> None:
        raise AssertionError("no job should fail")


def kinds(ctx: CommandContext, reference: str) -> list[str]:
    with session_scope(ctx.engine) as session:
        return [e.kind for e in case_events(session, get_case(session, reference).id)]


def test_eight_approve_clicks_make_one_approval(ectx: CommandContext) -> None:
    reference = make_case(ectx)
    answer_seed(ectx, reference)
    assert not dispatch(ectx, Invocation(user=DRAFTER, text=f"draft {reference} date:2018-03-08",
                                         now=datetime.now(timezone.utc))).is_error
    replies = click_together(ectx, f"approve {reference}", OTHER_APPROVER)
    texts = sorted(plain(r.text) for r in replies)
    assert texts.count(f"Approved v1 of {reference}.") == 1
    assert sum("was already approved by @U_CAROL" in t for t in texts) == CLICKS - 1
    assert kinds(ectx, reference).count("draft-approved") == 1
    with session_scope(ectx.engine) as session:
        [draft] = session.exec(select(Draft)).all()
    assert (draft.state, draft.approved_by) == ("approved", OTHER_APPROVER)


def test_eight_mark_as_sent_clicks_record_one_response(ectx: CommandContext) -> None:
    reference = make_case(ectx)
    answer_seed(ectx, reference)
    for text, user in ((f"draft {reference} date:2018-03-08", DRAFTER), (f"approve {reference}", APPROVER)):
        assert not dispatch(ectx, Invocation(user=user, text=text, now=datetime.now(timezone.utc))).is_error
    replies = click_together(ectx, f"sent {reference} 2018-03-08", DRAFTER)
    assert sum(bool(r.thread_posts) for r in replies) == 1  # one "marked as sent" post in the thread
    assert sum("already marked as sent" in r.text for r in replies) == CLICKS - 1
    assert kinds(ectx, reference).count("letter-sent") == 1


def test_eight_assign_to_me_clicks_assign_once(ectx: CommandContext) -> None:
    reference = make_case(ectx)
    replies = click_together(ectx, f"assign {reference} me", APPROVER)
    assert sum("is now assigned to" in r.text for r in replies) == 1
    assert sum("already assigned to you; nothing changed" in r.text for r in replies) == CLICKS - 1
    assert kinds(ectx, reference).count("assigned") == 1
