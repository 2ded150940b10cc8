"""`foi-bot shell`: the local text surface on the configured database (SQLite by default)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import load_settings
from bot.logging_setup import configure_logging
from bot.runtime import build_context
from bot.shell import run_shell


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("shell", help="talk to the bot in the terminal (no Slack needed)")
    parser.add_argument("--as", dest="user", default="U_SHELL", help="the Slack user id to act as (default U_SHELL)")
    parser.add_argument("--files", type=Path, default=None, help="save files the bot would upload (CSV, charts, letters) here")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    configure_logging()
    settings = load_settings()
    ctx = build_context(settings)
    return run_shell(ctx, user=args.user, files_dir=args.files)
