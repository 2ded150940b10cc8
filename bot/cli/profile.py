"""`foi-bot profile check`: whether the organisation profile is ready for letters, and what is missing.

While the profile is the shipped example (or a field a letter needs is blank) every draft is marked EXAMPLE
PROFILE and cannot be approved; this says why, one problem a line, and exits 1 until there are none.
"""

from __future__ import annotations

import argparse

from bot.config import load_settings
from commands.rules.letters.organisation import (
    DEFAULT_PROFILE_PATH,
    ProfileError,
    load_profile,
    profile_problems,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("profile", help="check the organisation profile (FOI_ORG_PROFILE)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    check = actions.add_parser("check", help="say what the profile still needs before letters can be approved")
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    settings = load_settings()
    path = settings.org_profile or DEFAULT_PROFILE_PATH
    try:
        profile = load_profile(path)
    except ProfileError as exc:
        print(f"foi-bot profile: {exc}")
        return 2
    problems = profile_problems(profile)
    if not problems:
        print(f"Profile {path} is ready: {profile.name}, signed by {profile.signatory.name}.")
        return 0
    print(f"Profile {path} is not ready; drafts are marked EXAMPLE PROFILE and cannot be approved until:")
    for problem in problems:
        print(f"  - {problem}")
    return 1
