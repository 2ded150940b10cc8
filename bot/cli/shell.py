"""`foi-bot shell`: the local text surface on the configured database (SQLite by default)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.config import Settings, default_data_url, load_settings
from bot.logging_setup import configure_logging
from bot.runtime import build_context
from bot.shell import run_shell


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("shell", help="talk to the bot in the terminal (no Slack needed)")
    parser.add_argument("--as", dest="user", default="U_SHELL", help="the Slack user id to act as (default U_SHELL)")
    parser.add_argument("--files", type=Path, default=None, help="save files the bot would upload (CSV, charts, letters) here")
    parser.set_defaults(func=_run)


def ensure_demo_statistics(settings: Settings) -> None:
    """The embedded default has no force data: load the SYNTHETIC demo extract once, so a newcomer can ask the
    seed request's questions on day one. A configured DATA_URL, or an existing store, is left alone."""
    from storage.analytics.demo import load_demo
    from storage.analytics.store import open_store, sqlite_path

    if "DATA_URL" in os.environ or settings.data_url != default_data_url():
        return
    path = sqlite_path(settings.data_url)
    if path is None or path.exists():
        return
    print("Loading the SYNTHETIC demo statistics (not real crime records) for /foi stats…", file=sys.stderr)
    engine = open_store(settings.data_url, readonly=False)
    try:
        load_demo(engine, progress=False)
    finally:
        engine.dispose()


def _run(args: argparse.Namespace) -> int:
    configure_logging()
    settings = load_settings()
    ctx = build_context(settings)
    ensure_demo_statistics(settings)
    return run_shell(ctx, user=args.user, files_dir=args.files)
