"""The `foi-bot` command line: one sub-command module per family, each exposing `register(subparsers)`.

A sub-command's handler receives the parsed arguments and returns the process exit code. Configuration
errors are reported as one line on stderr (exit 2), never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot.config import ConfigError

#: Modules under bot.cli that add sub-commands, in the order `foi-bot --help` lists them.
SUBCOMMAND_MODULES: tuple[str, ...] = ("shell", "run", "db", "deadline", "stats", "data", "reminders", "intake", "draft",
                                       "outbox", "profile", "cases", "audit")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="foi-bot", description="Information-rights case bot for Slack.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(f"bot.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"foi-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
