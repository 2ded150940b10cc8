"""Buttons on case cards. Every action is idempotent: a double click changes nothing twice (the command
layer reads the case under a row lock and says what already happened)."""

from __future__ import annotations

from bot.slack.listeners.intake import run_clicked
from bot.slack.routes import Routes, SlackJob


def assign_me(job: SlackJob) -> None:
    reference = job.body["actions"][0]["value"]
    run_clicked(job, f"assign {reference} me")


def reuse_answers(job: SlackJob) -> None:
    """"Reuse answers" under a similar earlier case: the button's value is the command ("reuse TARGET FROM"),
    built by commands.asked_before."""
    run_clicked(job, job.body["actions"][0]["value"])


def register(routes: Routes) -> None:
    routes.action("case_assign_me", assign_me)
    routes.action("similar_reuse", reuse_answers)
