"""Buttons on case cards. Every action is idempotent: a double click changes nothing twice (the command
layer reads the case under a row lock and says what already happened)."""

from __future__ import annotations

from bot.slack.listeners.intake import run_clicked
from bot.slack.routes import Routes, SlackJob


def assign_me(job: SlackJob) -> None:
    reference = job.body["actions"][0]["value"]
    run_clicked(job, f"assign {reference} me")


def register(routes: Routes) -> None:
    routes.action("case_assign_me", assign_me)
