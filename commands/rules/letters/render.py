"""Rendering a letter template from its context, and the markers for what is still missing.

Templates live in ``templates/letters/`` as Jinja2 with a strict undefined: a value the profile or the case
does not supply stops the render with its name, instead of printing a blank into a letter that goes to a
member of the public.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    UndefinedError,
    pass_context,
)

from commands.rules.letters.catalogue import CATALOGUE, find_template
from commands.rules.letters.wording import (
    format_date,
    join_and,
    long_date,
    lower_article,
    money,
    ordinal_date,
    pluralise,
    quote,
    upper_first,
    weekday_date,
)

TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "templates" / "letters"

#: The first line of every letter made while the organisation profile is the shipped example (or incomplete);
#: a draft containing it cannot be approved.
EXAMPLE_BANNER = (
    "[EXAMPLE PROFILE: not for sending - this letter uses the shipped example organisation profile or one with "
    "blank fields; `foi-bot profile check` says what to fix]"
)

#: The marker for anything the team still has to supply; a draft containing it cannot be approved.
MARKER = "ANSWER NEEDED"
_MARKER_RE = re.compile(r"\[ANSWER NEEDED: ([^\]]+)\]")


class LetterError(ValueError):
    """A letter that cannot be rendered; ``field`` names the missing value when that is the cause."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# -- rendering ---------------------------------------------------------------------------------------------


_UNDEFINED_NAME = re.compile(r"has no attribute '([^']+)'|^'([^']+)' is undefined")


def missing_name(error: UndefinedError) -> str | None:
    """The missing name from jinja's message ("'fee' is undefined", "'dict object' has no attribute 'email'")."""
    match = _UNDEFINED_NAME.search(str(error))
    if not match:
        return None
    return match.group(1) or match.group(2)


@pass_context
def _date_text(context: Any, day: Any) -> str:
    """Every date in a letter in the one style the profile chose ("8th March 2018" or "8 March 2018")."""
    return format_date(day, context.get("date_style") or "ordinal")


def has_example_banner(text: str) -> bool:
    return "[EXAMPLE PROFILE" in text


def _environment(search_path: tuple[str, ...]) -> Environment:
    env = Environment(
        loader=FileSystemLoader(list(search_path)),
        undefined=StrictUndefined,
        autoescape=False,  # plain text; nothing here is HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        ordinal_date=ordinal_date,
        long_date=long_date,
        weekday_date=weekday_date,
        join_and=join_and,
        money=money,
        quote=quote,
        pluralise=pluralise,
        upper_first=upper_first,
        lower_article=lower_article,
        date_text=_date_text,
    )
    return env


_ENVIRONMENTS: dict[tuple[str, ...], Environment] = {}


def _search_path(template_dir: Path | None) -> tuple[str, ...]:
    """The organisation's own templates (FOI_TEMPLATE_DIR) first, then the built-in ones."""
    return ((str(template_dir),) if template_dir else ()) + (str(TEMPLATE_DIR),)


def _env_for(template_dir: Path | None) -> Environment:
    key = _search_path(template_dir)
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS[key] = _environment(key)
    return _ENVIRONMENTS[key]


def template_file(name: str, regime: str, *, language: str = "en", template_dir: Path | None = None) -> str:
    """The file for a letter: ``<name>.<regime>[.cy].md.j2`` where the law (or the language) needs its own
    wording, else ``<name>[.cy].md.j2``; Welsh files only count from the organisation's template folder or
    the built-in one, and an English file is the fallback."""
    suffixes = ([f".{regime}.cy", ".cy"] if language == "cy" else []) + [f".{regime}", ""]
    for suffix in suffixes:
        for folder in _search_path(template_dir):
            if (Path(folder) / f"{name}{suffix}.md.j2").exists():
                return f"{name}{suffix}.md.j2"
    raise LetterError(f"there is no template file for the {name} letter in {TEMPLATE_DIR}")


def has_welsh_template(name: str, regime: str, template_dir: Path | None = None) -> bool:
    """Whether the organisation provides a Welsh version of this letter (``*.cy.md.j2``)."""
    return ".cy." in template_file(name, regime, language="cy", template_dir=template_dir)


def render_letter(name: str, context: Mapping[str, Any], *, language: str = "en",
                  template_dir: Path | None = None) -> str:
    """The letter as Markdown-ish text (in Welsh where the organisation's template folder has a ``.cy``
    version and the request is Welsh). Raises LetterError naming a missing value, an unknown template or a
    regime the template does not apply to."""
    template = find_template(name)
    if template is None:
        raise LetterError(
            f"there is no letter template called {name!r}: choose one of {', '.join(CATALOGUE)}"
        )
    regime = context.get("regime")
    if not isinstance(regime, str):
        raise LetterError("the letter context has no 'regime'", field="regime")
    if not template.applies_to(regime):
        raise LetterError(
            f"the {template.title.lower()} letter does not apply to {regime.upper()} requests "
            f"(it applies to {', '.join(r.upper() for r in template.regimes)})"
        )
    try:
        env = _env_for(template_dir)
        jinja_template = env.get_template(
            template_file(template.name, regime, language=language, template_dir=template_dir)
        )
        text = jinja_template.render(**context, template=template)
    except UndefinedError as exc:
        field = missing_name(exc)
        if field is None:
            raise LetterError(
                f"the {template.title.lower()} letter needs a value that is missing ({exc})"
            ) from None
        raise LetterError(
            f"the {template.title.lower()} letter needs a value for '{field}' ({exc})", field=field
        ) from None
    except TemplateNotFound as exc:
        raise LetterError(f"template file {exc.name} is missing") from None
    return tidy(text)


def tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line between blocks, exactly one newline at the end."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    in_fence = False
    for line in lines:
        if line.startswith("```"):
            in_fence = not in_fence
        if not in_fence and not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def open_markers(text: str) -> list[str]:
    """What is still missing: ["Q3", "hours"] for a text with [ANSWER NEEDED: Q3] and [ANSWER NEEDED: hours]."""
    seen: list[str] = []
    for found in _MARKER_RE.findall(text):
        if found not in seen:
            seen.append(found)
    return seen


def marker(what: str) -> str:
    return f"[{MARKER}: {what}]"
