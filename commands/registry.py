"""The `/foi` sub-commands: one table, filled by the command-family modules, read by help and dispatch."""

from __future__ import annotations

import difflib
import importlib
import logging
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from commands.access import Access, allowed, refusal
from commands.base import CommandContext, CommandError, Invocation, Reply
from storage.db import current_unit
from storage.limits import FieldTooLong

UNAVAILABLE = "The case register is unavailable right now, so nothing was changed. Please try again in a minute."

log = logging.getLogger(__name__)

Handler = Callable[[CommandContext, Invocation, list[str]], Reply]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str
    summary: str
    example: str
    handler: Handler
    family: str
    raw_text: bool = False  # the handler wants the words unsplit (free text such as a request)
    access: Access = Access.TEAM
    what: str = ""  # what it does, in words for a refusal ("read case details")


COMMANDS: dict[str, CommandSpec] = {}

#: Command families, each a module under commands/ that registers its sub-commands on import.
FAMILIES: tuple[str, ...] = ("commands.help", "commands.cases", "commands.lifecycle", "commands.stats",
                               "commands.drafts", "commands.enclosures", "commands.disclosure",
                               "commands.asked_before")


def command(name: str, *, usage: str, summary: str, example: str, raw_text: bool = False,  # type: ignore[no-untyped-def]
            access: Access = Access.TEAM, what: str = ""):
    """Register a sub-command. ``access`` says who may use it (the team, unless said otherwise); ``what`` is
    the refusal's phrase ("Only the information-rights team can <what>")."""
    def decorate(handler: Handler) -> Handler:
        COMMANDS[name] = CommandSpec(
            name=name,
            usage=usage,
            summary=summary,
            example=example,
            handler=handler,
            family=handler.__module__,
            raw_text=raw_text,
            access=access,
            what=what or f"use `/foi {name}`",
        )
        return handler

    return decorate


def load_families() -> dict[str, CommandSpec]:
    for module in FAMILIES:
        importlib.import_module(module)
    return COMMANDS


def split_words(text: str) -> list[str]:
    """Split like a shell, but forgive an unmatched quote (people type apostrophes)."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def dispatch(ctx: CommandContext, invocation: Invocation) -> Reply:
    """Run one `/foi` invocation. Never raises for anything a person or the database can cause."""
    load_families()
    text = invocation.text.strip()
    if not text:
        return COMMANDS["help"].handler(ctx, invocation, [])
    name, _, rest = text.partition(" ")
    name = name.lower()
    spec = COMMANDS.get(name)
    if spec is None:
        close = difflib.get_close_matches(name, list(COMMANDS), n=1)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        return Reply.error(
            f"`{name}` is not a /foi command.{hint} Type `/foi help` to see them all.",
            usage=COMMANDS[close[0]].usage if close else "/foi help",
        )
    if not allowed(ctx, invocation.user, spec.access):
        log.info("/foi %s refused: not allowed", name)
        return Reply.error(refusal(ctx, spec.what, spec.access))
    args = [rest.strip()] if spec.raw_text else split_words(rest)
    try:
        return spec.handler(ctx, invocation, args)
    except CommandError as exc:
        log.info("/foi %s refused: bad input", name)
        return Reply.error(exc.problem, usage=exc.usage or spec.usage, example=exc.example or spec.example)
    except FieldTooLong as exc:
        log.info("/foi %s refused: %s too long", name, exc.column)
        return Reply.error(exc.sentence, usage=spec.usage)
    except (OperationalError, PoolTimeout) as exc:
        if current_unit() is not None:
            raise  # the job's runner retries a lock conflict or tells the person the register is down
        log.warning("database unavailable during /foi %s: %s", name, type(exc).__name__)
        return Reply.error(UNAVAILABLE)
