"""`/foi help [COMMAND]`: every sub-command with its usage and an example, from the one registry."""

from __future__ import annotations

from commands.access import Access
from commands.base import CommandContext, Invocation, Reply
from commands.registry import COMMANDS, FAMILIES, command, load_families


@command(
    "help",
    usage="/foi help [COMMAND]",
    summary="List the commands, or explain one",
    example="/foi help new",
    access=Access.ANYONE,
)
def help_command(ctx: CommandContext, inv: Invocation, args: list[str]) -> Reply:
    load_families()
    if args:
        name = args[0].lower().lstrip("/")
        if name == "foi" and len(args) > 1:
            name = args[1].lower()
        spec = COMMANDS.get(name)
        if spec is None:
            names = ", ".join(sorted(COMMANDS))
            return Reply.error(f"There is no `{name}` command. The commands are: {names}.", usage="/foi help COMMAND")
        return Reply(
            text=f"Usage: {spec.usage}\n{spec.summary}.\nExample: {spec.example}",
            title=f"/foi {spec.name}",
            fields=[("Usage", f"`{spec.usage}`"), ("Example", f"`{spec.example}`")],
            paragraphs=[spec.summary + "."],
        )
    # In the order of the families (the case register first), whichever module happened to be imported first.
    specs = sorted(COMMANDS.values(), key=lambda s: FAMILIES.index(s.family) if s.family in FAMILIES else len(FAMILIES))
    lines = [f"{spec.usage} — {spec.summary}. Example: {spec.example}" for spec in specs]
    return Reply(
        text="foi-bot commands:\n" + "\n".join(lines),
        title="foi-bot commands",
        paragraphs=[f"`{spec.usage}` — {spec.summary}.\n_e.g._ `{spec.example}`" for spec in specs],
    )
