"""Start-up shared by every surface: settings, the database (migrated), and the command context."""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.config import ConfigError, Settings
from commands.base import CommandContext
from commands.registry import load_families
from storage.db import make_engine
from storage.migrate import upgrade

log = logging.getLogger(__name__)


def open_database(settings: Settings, *, migrate: bool = True) -> Engine:
    engine = make_engine(settings.database_url, statement_timeout=settings.db_timeout)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        if migrate:
            upgrade(engine)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        engine.dispose()
        raise ConfigError(f"setting DATABASE_URL: cannot open the database ({reason})") from None
    return engine


def build_context(settings: Settings, *, engine: Engine | None = None, migrate: bool = True) -> CommandContext:
    load_families()
    engine = engine or open_database(settings, migrate=migrate)
    team = set(settings.team_users)
    ctx = CommandContext(
        engine=engine,
        settings=settings,
        is_team_member=(lambda user: user in team) if team else (lambda _user: True),
    )
    check_catalogue(ctx)
    return ctx


def check_catalogue(ctx: CommandContext) -> list[tuple[str, str]]:
    """Load the canned queries at start: a broken file is reported by name and skipped; the bot still starts."""
    from commands.stats import catalogue

    problems = list(catalogue(ctx).problems)
    for filename, reason in problems:
        log.warning("statistics query file %s skipped: %s", filename, reason)
    return problems
