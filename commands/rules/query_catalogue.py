"""The catalogue of canned statistics queries: one TOML file per query, validated before it is trusted.

Most police FOI requests are questions about numbers ("how many crimes of X had Outcome 21 between A and
B?"). The team answers them with a fixed set of reviewed queries rather than ad-hoc SQL, so that the same
question always gets the same counting rule and no user text ever reaches the database except as a bound
value. Each query is a TOML file (``templates/queries/NAME.toml``, overridable from ``FOI_QUERY_DIR``)
holding metadata, typed parameters, output column titles and one SELECT statement with ``:name`` binds.

This module is pure: no Slack, no database. It parses and validates files (a broken file is reported as a
``(filename, reason)`` problem and skipped, so one typo never stops the bot), and turns ``key=value`` words
into typed parameter values with messages that say which parameter, what was wrong and what is allowed.

File format (keys in ``[brackets]`` are optional)::

    title = "Crimes by offence - Outcome {outcome}"   # {param} placeholders show the chosen values
    description = "..."
    source = "analytics"            # or "cases" (the bot's own case register)
    [dataset] = "extract"           # analytics only: "extract" or "policeuk" (which freshness to show)
    [note] = "..."                  # a line printed under the table (e.g. how dates were chosen)
    [caveat] = "..."                # defaults to DEFAULT_CAVEAT
    sql = "SELECT ... WHERE outcome = :outcome AND offence IN :group"

    [params.outcome]
    type = "integer"                # date | month | integer | choice | list
    [default] = 21                  # no default = required; dates accept "today", "today-12m", ...
    [min] = 1
    [max] = 22
    help = "Home Office outcome type"

    [params.group]
    type = "choice"
    choices = ["a", "b"]            # or a table: value -> what is bound (a string, number or list)

    [[columns]]
    name = "offence"                # the SQL column name
    title = "Offence"
    [totals] = false                # true: add this column up in the totals row
    [time] = false                  # true: a time dimension (months, quarters): charts draw lines over it
    [labels] = "month"              # a label set (commands/rules/stat_labels.py) for the values shown

Parameters may also carry ``label = "Crime type"`` (its name in words) and ``labels`` (a table from choice
word to words, or the name of a label set applied to the bound value), so that titles and the parameter
line read as sentences. Titles may use ``{period}`` (the from/to parameters in words) and ``{area}`` (the
police force area of the loaded police.uk data) besides parameter names. Optional tables::

    [pivot]                         # show a two-dimensional result as a cross-tab
    rows = "crime_type"             # the column whose values become rows
    columns = "month"               # ... and columns
    values = "crimes"               # the count in each cell
    [apart] = ["Anti-social behaviour"]   # row values shown under the totals, never added into them
    [apart_label] = "..."           # how such a row is labelled
    [total_label] = "Total crimes"

    [coverage] = "street"           # check from/to against the loaded months of this police.uk part
                                    # (street, outcomes, stop-and-search) or the extract's dates (extract)

    [categories]                    # say when a category asked about never appears in the loaded data
    table = "policeuk_outcomes"
    field = "outcome_type"
    param = "outcome"               # the chosen value(s) of this parameter ... or
    [values] = ["...", "..."]       # ... every one of these values (a table of all categories)
    what = "police.uk outcomes data"
    [match] = "lsoa-area"           # compare with the area part of an LSOA name (default: the value)
"""

from __future__ import annotations

import calendar
import difflib
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from commands.rules.stat_labels import (
    LABEL_SETS,
    area_from_batch,
    day_words,
    join_words,
    label_value,
    month_label,
    period_words,
)

#: Where the built-in query files live (a data directory inside the installed ``templates`` package).
BUILTIN_QUERY_DIR = Path(__file__).resolve().parent.parent.parent / "templates" / "queries"

#: The caveat every statistics answer carries unless its query says otherwise (wording from the force's
#: published response that the seed table accompanied).
DEFAULT_CAVEAT = (
    "The numerical data presented in this response is an un-audited snapshot of un-published data "
    'sourced from "live" systems and is subject to the interpretation of the original request by the '
    "individual extracting the data."
)

PARAM_TYPES = ("date", "month", "integer", "choice", "list", "text")
SOURCES = ("analytics", "cases")
DATASETS = ("extract", "policeuk")

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PARAM_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_BIND_RE = re.compile(r"(?<![:\w\\]):([A-Za-z_]\w*)")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_RELATIVE_RE = re.compile(r"^today(?:([+-])(\d+)([dm]))?$")

_QUERY_KEYS = {"name", "title", "description", "source", "dataset", "note", "caveat", "sql", "params", "columns",
               "pivot", "categories", "coverage"}
#: What a query's period is checked against: a police.uk part, or the crime extract's dates.
COVERAGE_PARTS = ("street", "outcomes", "stop-and-search", "extract")
_PARAM_KEYS = {"type", "default", "choices", "min", "max", "help", "required", "label", "labels"}
_COLUMN_KEYS = {"name", "title", "totals", "time", "labels"}
_PIVOT_KEYS = {"rows", "columns", "values", "apart", "apart_label", "total_label", "row_title"}
_CATEGORY_KEYS = {"table", "field", "param", "values", "what", "match"}
#: How a category check compares: the value itself, or the area part of an LSOA name ("Stevenage 005C").
CATEGORY_MATCHES = ("value", "lsoa-area")
#: Tables a category check may look in (the analytics store's; identifiers are never taken from users).
CATEGORY_TABLES = ("policeuk_street", "policeuk_outcomes", "policeuk_stop_search", "crime_records")
#: Placeholders every title may use besides its parameters.
TITLE_WORDS = ("period", "area")
_IDENT_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
_TEXT_RE = re.compile(r"^[\w .,'&()/-]{1,100}$")

# Statement keywords that write, change the schema or session, or reach outside the database. A canned
# query is a single read; the runner's read-only connection is the second line of defence, this the first.
_FORBIDDEN_WORDS = (
    "insert", "update", "delete", "merge", "upsert", "drop", "alter", "create", "attach", "detach",
    "pragma", "grant", "revoke", "truncate", "vacuum", "reindex", "analyze", "copy", "call", "execute",
    "do", "lock", "into", "set", "reset", "begin", "commit", "rollback", "savepoint", "release", "listen",
    "notify", "load", "import",
)
_FORBIDDEN_FUNCTIONS = (
    "set_config", "pg_sleep", "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file",
    "lo_import", "lo_export", "dblink", "dblink_exec", "pg_terminate_backend", "pg_cancel_backend",
    "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer",
)
_FORBIDDEN_RE = re.compile(r"\b(" + "|".join(_FORBIDDEN_WORDS) + r")\b", re.IGNORECASE)
_FORBIDDEN_FUNC_RE = re.compile(r"\b(" + "|".join(_FORBIDDEN_FUNCTIONS) + r")\s*\(", re.IGNORECASE)


class QueryFileError(ValueError):
    """A query file that cannot be used; the message is the reason shown beside the file name."""


class QueryParamError(ValueError):
    """A ``key=value`` word that does not fit the query: says which parameter, what was wrong, what is allowed."""

    def __init__(self, message: str, *, param: str | None = None, allowed: str | None = None) -> None:
        super().__init__(message)
        self.param = param
        self.allowed = allowed


class UnknownQueryError(LookupError):
    """No query of that name; ``suggestions`` holds the closest names for a 'did you mean' line."""

    def __init__(self, name: str, suggestions: Sequence[str]) -> None:
        hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no statistics query named {name!r}{hint} (`stats list` shows them all)")
        self.name = name
        self.suggestions = list(suggestions)

    def __str__(self) -> str:  # LookupError would quote the message like a dict key
        return str(self.args[0])


@dataclass(frozen=True)
class QueryParam:
    """One declared parameter. ``choices`` maps each allowed word to the value bound for it."""

    name: str
    type: str
    help: str = ""
    default: object = None
    required: bool = True
    choices: Mapping[str, object] | None = None
    minimum: int | None = None
    maximum: int | None = None
    label: str = ""
    labels: Mapping[str, str] | str | None = None

    @property
    def title(self) -> str:
        """The parameter's name in words ("Crime type"), for the parameter line under a table."""
        return self.label or self.name.replace("_", " ").capitalize()

    def words(self, value: object) -> str:
        """A typed value as a reader would say it: dates and months in words, choices by their labels."""
        if value is None:
            return ""
        if self.type == "date" and isinstance(value, date):
            return day_words(value)
        if self.type == "month":
            return month_label(value)
        if self.type == "list" and isinstance(value, list):
            return join_words(self._choice_words(str(v)) for v in value)
        if self.type == "choice":
            return self._choice_words(str(value))
        if self.type == "text":
            if isinstance(self.labels, Mapping) and slug(str(value)) in self.labels:
                return self.labels[slug(str(value))]
            return area_from_batch(slug(str(value)))
        if isinstance(self.labels, str):
            return label_value(self.labels, value)
        return str(value)

    def _choice_words(self, word: str) -> str:
        if isinstance(self.labels, Mapping) and word in self.labels:
            return self.labels[word]
        bound = self.choices.get(word) if self.choices else None
        if isinstance(self.labels, str) and bound is not None and not isinstance(bound, list):
            return label_value(self.labels, bound)
        if isinstance(bound, str) and bound:
            return bound
        return word.replace("-", " ")

    @property
    def expanding(self) -> bool:
        """Whether the SQL receives a list (``IN :name``): list parameters and choices that stand for lists."""
        if self.type == "list":
            return True
        return self.type == "choice" and self.choices is not None and any(
            isinstance(v, list) for v in self.choices.values()
        )

    def allowed(self) -> str:
        """What a user may type, in words (used in error messages and `stats list`)."""
        if self.type == "date":
            return "a date as YYYY-MM-DD (e.g. 2016-01-01)"
        if self.type == "month":
            return "a month as YYYY-MM (e.g. 2021-03)"
        if self.type == "text":
            return 'a name, e.g. stevenage or "welwyn hatfield" (letters, digits, spaces, hyphens)'
        if self.type == "integer":
            if self.minimum is not None and self.maximum is not None:
                return f"a whole number from {self.minimum} to {self.maximum}"
            if self.minimum is not None:
                return f"a whole number of at least {self.minimum}"
            if self.maximum is not None:
                return f"a whole number no more than {self.maximum}"
            return "a whole number"
        words = ", ".join(self.choices or ())
        if self.type == "list":
            return f"one or more of {words}, separated by commas"
        return f"one of {words}"

    def usage(self) -> str:
        """A one-line summary like ``from=DATE (required) first outcome date``."""
        shape = {"date": "YYYY-MM-DD", "month": "YYYY-MM", "integer": "N", "text": "NAME"}.get(
            self.type, "|".join(self.choices or ()))
        if self.type == "list":
            shape = f"{shape},..."
        status = "required" if self.required else f"default {_display_default(self.default)}"
        text = f"{self.name}={shape} ({status})"
        return f"{text} {self.help}".rstrip()


@dataclass(frozen=True)
class OutputColumn:
    name: str
    title: str
    totals: bool = False
    time: bool = False
    labels: str | None = None


@dataclass(frozen=True)
class PivotSpec:
    """How a two-dimensional result becomes a cross-tab (rows x columns with row and column totals)."""

    rows: str
    columns: str
    values: str
    apart: tuple[str, ...] = ()
    apart_label: str = ""
    total_label: str = "Total"
    row_title: str = ""  # the rows' heading, may use {param} placeholders ("{by}" -> "Object of search")


@dataclass(frozen=True)
class CategoryCheck:
    """Categories whose absence from the loaded data must be said, not shown as an empty table."""

    table: str
    field: str
    what: str
    param: str | None = None
    values: tuple[str, ...] = ()
    match: str = "value"


@dataclass(frozen=True)
class CannedQuery:
    """A validated query file. Build with :func:`parse_query_file`; run with ``storage.analytics.runner``."""

    name: str
    title: str
    description: str
    source: str
    sql: str
    params: tuple[QueryParam, ...]
    columns: tuple[OutputColumn, ...] = ()
    dataset: str | None = None
    note: str = ""
    caveat: str = DEFAULT_CAVEAT
    path: Path | None = None
    pivot: PivotSpec | None = None
    categories: CategoryCheck | None = None
    coverage: str | None = None

    def param(self, name: str) -> QueryParam | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def bind_values(self, values: Mapping[str, object]) -> dict[str, object]:
        """The values handed to the database for typed ``values`` (from :func:`parse_params`).

        Choice words become what they stand for (``group=indecent-images`` becomes the list of offences);
        list parameters become flat lists for expanding binds.
        """
        out: dict[str, object] = {}
        for p in self.params:
            value = values.get(p.name)
            if p.type == "choice" and p.choices is not None and value is not None:
                out[p.name] = p.choices[str(value)]
            elif p.type == "text" and value is not None:
                out[p.name] = slug(str(value))
            elif p.type == "list" and value is not None:
                items: list[object] = []
                for word in value:  # type: ignore[attr-defined]
                    mapped = p.choices[word] if p.choices is not None else word
                    items.extend(mapped if isinstance(mapped, list) else [mapped])
                out[p.name] = items
            else:
                out[p.name] = value
        return out

    def shown_params(self, values: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
        """The chosen values as the user would type them, in declaration order, for the result header."""
        return tuple((p.name, _display(values.get(p.name))) for p in self.params)

    def period(self, values: Mapping[str, object]) -> str:
        """The ``from``/``to`` parameters in words ("January–March 2021"), or "" without them."""
        start, end = values.get("from"), values.get("to")
        if start is None or end is None:
            return ""
        return period_words(start, end)

    @property
    def plain_title(self) -> str:
        """The title for listings, before any values are chosen: "Crimes in PLACE by type and month"."""
        text = re.sub(r",?\s*(outcomes\s+)?\{(period|area)\}", "", self.title)
        return _PLACEHOLDER_RE.sub(lambda m: m.group(1).upper(), text).strip().rstrip(",")

    def row_title(self, values: Mapping[str, object]) -> str | None:
        """A cross-tab's row heading in words, when the file gives one (``row_title = "{by}"``)."""
        if self.pivot is None or not self.pivot.row_title:
            return None
        words = {p.name: p.words(values.get(p.name)) for p in self.params}
        text = _PLACEHOLDER_RE.sub(lambda m: words.get(m.group(1), m.group(0)), self.pivot.row_title)
        return text[:1].upper() + text[1:]

    def display_title(self, values: Mapping[str, object], *, area: str = "", with_period: bool = True) -> str:
        """The title with placeholders in words: parameters by their labels, ``{period}``, ``{area}``.

        A placeholder with nothing to say (no area known) is dropped with the comma before it, so a
        title never shows an empty slot or an internal name. ``with_period=False`` leaves the period out,
        for a letter that states the period on its own line in the team's date style.
        """
        words: dict[str, str] = {"period": self.period(values) if with_period else "", "area": area}
        for p in self.params:
            value = values.get(p.name)
            words[p.name] = str(value) if p.type == "integer" and value is not None else p.words(value)
        text = re.sub(r",\s*\{(period|area)\}", lambda m: f", {{{m.group(1)}}}" if words[m.group(1)] else "", self.title)
        return _PLACEHOLDER_RE.sub(lambda m: words.get(m.group(1), m.group(0)), text).strip()

    def params_in_words(self, values: Mapping[str, object]) -> tuple[str, ...]:
        """One phrase per parameter ("Period: January–March 2021", "Crime type: all crime types")."""
        out: list[str] = []
        period = self.period(values)
        if period:
            out.append(f"Period: {period}")
        for p in self.params:
            if period and p.name in ("from", "to"):
                continue
            value = values.get(p.name)
            if value is None or value == "":
                continue
            out.append(f"{p.title}: {p.words(value)}")
        return tuple(out)

    def usage(self) -> str:
        words = " ".join(f"{p.name}=…" for p in self.params)
        return f"{self.name} {words}".rstrip()


@dataclass
class Catalogue:
    """The loaded queries by name, plus the files that were skipped and why."""

    queries: dict[str, CannedQuery] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str) -> CannedQuery:
        """The query called ``name``; raises :class:`UnknownQueryError` with suggestions otherwise."""
        key = name.strip().lower()
        if key in self.queries:
            return self.queries[key]
        raise UnknownQueryError(name, self.suggest(name))

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The closest query names (difflib), for 'did you mean' replies."""
        key = name.strip().lower()
        close = difflib.get_close_matches(key, list(self.queries), n=n, cutoff=0.5)
        if not close:
            close = [q for q in self.queries if key and (key in q or q in key)][:n]
        return close

    def names(self) -> list[str]:
        return sorted(self.queries)

    def __iter__(self) -> Iterator[CannedQuery]:
        return iter(self.queries[name] for name in self.names())

    def __len__(self) -> int:
        return len(self.queries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.strip().lower() in self.queries


def query_dirs(extra: Path | str | None = None) -> list[Path]:
    """The built-in directory, then ``extra`` (``FOI_QUERY_DIR``) whose files override or add."""
    dirs = [BUILTIN_QUERY_DIR]
    if extra:
        dirs.append(Path(extra))
    return dirs


def load_catalogue(dirs: Iterable[Path | str | None]) -> Catalogue:
    """Load every ``*.toml`` in ``dirs``; a later directory's file replaces an earlier one of the same name.

    Files that fail validation are collected in ``Catalogue.problems`` as ``(filename, reason)`` and
    skipped, so the bot still starts and the operator sees exactly which file to fix. A missing
    directory is a problem too (a mistyped ``FOI_QUERY_DIR`` should not pass unnoticed).
    """
    catalogue = Catalogue()
    for directory in dirs:
        if directory is None:
            continue
        directory = Path(directory)
        if not directory.is_dir():
            catalogue.problems.append((str(directory), "query directory not found"))
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                query = parse_query_file(path)
            except QueryFileError as exc:
                catalogue.problems.append((path.name, str(exc)))
                continue
            catalogue.queries[query.name] = query
    return catalogue


def parse_query_file(path: Path) -> CannedQuery:
    """Read and validate one query file; raises :class:`QueryFileError` naming the first problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise QueryFileError(f"not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryFileError(f"cannot read: {exc}") from None
    return parse_query(data, default_name=path.stem, path=path)


def parse_query(data: Mapping[str, object], *, default_name: str, path: Path | None = None) -> CannedQuery:
    """Validate a query definition already parsed from TOML (see the module docstring for the keys)."""
    unknown = set(data) - _QUERY_KEYS
    if unknown:
        raise QueryFileError(f"unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_QUERY_KEYS))}")
    name = str(data.get("name", default_name)).strip().lower()
    if name != default_name.lower():
        raise QueryFileError(f"name {name!r} does not match the file name {default_name!r}")
    if not _NAME_RE.match(name):
        raise QueryFileError(f"name {name!r} must be lower-case letters, digits and hyphens")
    title = _require_str(data, "title")
    sql = _require_str(data, "sql")
    source = _require_str(data, "source")
    if source not in SOURCES:
        raise QueryFileError(f"source {source!r} is not one of {', '.join(SOURCES)}")
    dataset = data.get("dataset")
    if dataset is not None:
        if source != "analytics" or dataset not in DATASETS:
            raise QueryFileError(f"dataset {dataset!r} must be one of {', '.join(DATASETS)} (analytics queries only)")
    params = _parse_params_table(data.get("params", {}))
    columns = _parse_columns(data.get("columns", []))
    check_sql(sql, [p.name for p in params])
    names = {p.name for p in params}
    for placeholder in _PLACEHOLDER_RE.findall(title):
        if placeholder not in names and placeholder not in TITLE_WORDS:
            raise QueryFileError(f"title placeholder {{{placeholder}}} is not a declared parameter")
    pivot = _parse_pivot(data.get("pivot"), columns)
    coverage = data.get("coverage")
    if coverage is not None and (source != "analytics" or coverage not in COVERAGE_PARTS):
        raise QueryFileError(f"coverage {coverage!r} must be one of {', '.join(COVERAGE_PARTS)} (analytics queries only)")
    categories = _parse_categories(data.get("categories"), params)
    caveat = data.get("caveat", DEFAULT_CAVEAT)
    if not isinstance(caveat, str):
        raise QueryFileError("caveat must be a string")
    return CannedQuery(
        name=name,
        title=title,
        description=str(data.get("description", "")).strip(),
        source=source,
        sql=sql.strip(),
        params=params,
        columns=columns,
        dataset=str(dataset) if dataset is not None else None,
        note=str(data.get("note", "")).strip(),
        caveat=caveat.strip(),
        path=path,
        pivot=pivot,
        categories=categories,
        coverage=coverage,
    )


def _parse_pivot(raw: object, columns: Sequence[OutputColumn]) -> PivotSpec | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise QueryFileError("[pivot] must be a table")
    unknown = set(raw) - _PIVOT_KEYS
    if unknown:
        raise QueryFileError(f"pivot: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_PIVOT_KEYS))}")
    declared = {c.name for c in columns}
    picked: dict[str, str] = {}
    for key in ("rows", "columns", "values"):
        value = raw.get(key)
        if not isinstance(value, str) or value not in declared:
            raise QueryFileError(f"pivot.{key} must name one of the [[columns]] ({', '.join(sorted(declared)) or 'none'})")
        picked[key] = value
    if len(set(picked.values())) != 3:
        raise QueryFileError("pivot: rows, columns and values must be three different columns")
    apart = raw.get("apart", [])
    if not isinstance(apart, list) or not all(isinstance(a, str) for a in apart):
        raise QueryFileError("pivot.apart must be a list of row values")
    return PivotSpec(
        rows=picked["rows"], columns=picked["columns"], values=picked["values"], apart=tuple(apart),
        apart_label=str(raw.get("apart_label", "")), total_label=str(raw.get("total_label", "Total")),
        row_title=str(raw.get("row_title", "")),
    )


def _parse_categories(raw: object, params: Sequence[QueryParam]) -> CategoryCheck | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise QueryFileError("[categories] must be a table")
    unknown = set(raw) - _CATEGORY_KEYS
    if unknown:
        raise QueryFileError(f"categories: unknown key(s) {', '.join(sorted(unknown))}")
    table, field_name = raw.get("table"), raw.get("field")
    if table not in CATEGORY_TABLES:
        raise QueryFileError(f"categories.table must be one of {', '.join(CATEGORY_TABLES)}")
    if not isinstance(field_name, str) or not _IDENT_RE.match(field_name):
        raise QueryFileError("categories.field must be a column name (lower-case letters, digits, underscores)")
    param, values = raw.get("param"), raw.get("values", [])
    if (param is None) == (not values):
        raise QueryFileError("categories: give either param or values")
    if param is not None and param not in {p.name for p in params}:
        raise QueryFileError(f"categories.param {param!r} is not a declared parameter")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise QueryFileError("categories.values must be a list of strings")
    match = raw.get("match", "value")
    if match not in CATEGORY_MATCHES:
        raise QueryFileError(f"categories.match must be one of {', '.join(CATEGORY_MATCHES)}")
    return CategoryCheck(table=table, field=field_name, what=str(raw.get("what", "the loaded data")),
                         param=param, values=tuple(values), match=match)


def check_sql(sql: str, declared: Sequence[str]) -> None:
    """Raise :class:`QueryFileError` unless ``sql`` is one read-only SELECT/WITH whose binds match ``declared``.

    Comments and string literals are blanked first so that a ``;`` or keyword inside them is harmless
    and one hidden in them cannot sneak past.
    """
    code = _strip_literals_and_comments(sql).strip()
    if code.endswith(";"):
        code = code[:-1].rstrip()
    if not code:
        raise QueryFileError("sql is empty")
    if ";" in code:
        raise QueryFileError("sql must be a single statement (found ';' joining statements)")
    first = code.split(None, 1)[0].lower()
    if first not in ("select", "with"):
        raise QueryFileError(f"sql must be a single SELECT or WITH statement, not {first.upper()}")
    bad = _FORBIDDEN_RE.search(code)
    if bad:
        raise QueryFileError(f"sql must only read: {bad.group(1).upper()} is not allowed in a canned query")
    bad = _FORBIDDEN_FUNC_RE.search(code)
    if bad:
        raise QueryFileError(f"sql must only read: function {bad.group(1)}() is not allowed")
    used = set(_BIND_RE.findall(code))
    missing = sorted(used - set(declared))
    if missing:
        raise QueryFileError(f"sql uses :{', :'.join(missing)} but no such parameter is declared under [params]")
    unused = sorted(set(declared) - used)
    if unused:
        raise QueryFileError(f"parameter(s) {', '.join(unused)} declared but not used in the sql")


def parse_params(query: CannedQuery, words: Sequence[str], *, today: date) -> dict[str, object]:
    """Turn ``["key=value", ...]`` into typed values for ``query``, applying defaults.

    Returns ``{name: value}`` with ``date`` objects for dates, ``"YYYY-MM"`` strings for months, ``int``
    for integers, the chosen word for choices and a list of words for lists (use
    :meth:`CannedQuery.bind_values` for what the database receives). Keys are case-insensitive and
    ``-``/``_`` are interchangeable. ``today`` (passed in, never read from the clock here) anchors relative defaults such as ``today-12m``.

    Raises :class:`QueryParamError` for an unknown key, a malformed ``key=value`` word, a repeated key,
    a value of the wrong shape or outside the allowed values, a missing required parameter, or
    ``from`` after ``to``.
    """
    given: dict[str, str] = {}
    declared = ", ".join(p.name for p in query.params) or "none"
    for word in words:
        if "=" not in word:
            raise QueryParamError(
                f"{word!r} is not key=value; parameters of {query.name}: {declared}", param=None, allowed=declared
            )
        key, value = word.split("=", 1)
        key = key.strip().lower().replace("-", "_")
        value = value.strip()
        if query.param(key) is None:
            close = difflib.get_close_matches(key, [p.name for p in query.params], n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise QueryParamError(
                f"unknown parameter {key!r} for {query.name}{hint} Parameters: {declared}",
                param=key,
                allowed=declared,
            )
        if key in given:
            raise QueryParamError(f"parameter {key!r} given twice", param=key, allowed="one value")
        given[key] = value
    values: dict[str, object] = {}
    for p in query.params:
        if p.name in given:
            values[p.name] = convert_value(p, given[p.name])
        elif not p.required:
            values[p.name] = _resolve_default(p, today)
        else:
            help_text = f": {p.help}" if p.help else ""
            raise QueryParamError(
                f"missing required parameter {p.name!r} ({p.allowed()}){help_text}", param=p.name, allowed=p.allowed()
            )
    start, end = values.get("from"), values.get("to")
    if start is not None and end is not None and type(start) is type(end) and start > end:  # type: ignore[operator]
        raise QueryParamError(
            f"from ({_display(start)}) is after to ({_display(end)}); allowed: from on or before to",
            param="from",
            allowed="from on or before to",
        )
    return values


def convert_value(p: QueryParam, text: str) -> object:
    """One user-typed value converted to ``p``'s type, or :class:`QueryParamError` explaining why not."""

    def fail(problem: str) -> QueryParamError:
        return QueryParamError(f"parameter {p.name!r}: {problem}; allowed: {p.allowed()}", param=p.name, allowed=p.allowed())

    if text == "":
        raise fail("no value given")
    if p.type == "date":
        parsed = _parse_date(text)
        if parsed is None:
            raise fail(f"{text!r} is not a date")
        return parsed
    if p.type == "month":
        month = _parse_month(text)
        if month is None:
            raise fail(f"{text!r} is not a month")
        return month
    if p.type == "text":
        if not _TEXT_RE.match(text):
            raise fail(f"{text!r} is not a plain name")
        return text
    if p.type == "integer":
        try:
            number = int(text.replace(",", ""))
        except ValueError:
            raise fail(f"{text!r} is not a whole number") from None
        if (p.minimum is not None and number < p.minimum) or (p.maximum is not None and number > p.maximum):
            raise fail(f"{number} is out of range")
        return number
    assert p.choices is not None
    lookup = {k.lower(): k for k in p.choices}
    if p.type == "choice":
        key = lookup.get(text.lower())
        if key is None:
            close = difflib.get_close_matches(text.lower(), list(lookup), n=1, cutoff=0.5)
            hint = f" (did you mean {lookup[close[0]]}?)" if close else ""
            raise fail(f"{text!r} is not one of the allowed values{hint}")
        return key
    chosen: list[str] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key = lookup.get(item.lower())
        if key is None:
            raise fail(f"{item!r} is not one of the allowed values")
        if key not in chosen:
            chosen.append(key)
    if not chosen:
        raise fail("no value given")
    return chosen


# --- file parsing helpers -------------------------------------------------------------------------


def _require_str(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise QueryFileError(f"missing or empty {key!r}")
    return value


def _parse_params_table(raw: object) -> tuple[QueryParam, ...]:
    if not isinstance(raw, dict):
        raise QueryFileError("[params] must be a table of parameter tables")
    params: list[QueryParam] = []
    for name, spec in raw.items():
        where = f"params.{name}"
        if not _PARAM_NAME_RE.match(name):
            raise QueryFileError(f"{where}: parameter names are lower-case letters, digits and underscores")
        if not isinstance(spec, dict):
            raise QueryFileError(f"{where} must be a table")
        unknown = set(spec) - _PARAM_KEYS
        if unknown:
            raise QueryFileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_PARAM_KEYS))}")
        ptype = spec.get("type")
        if ptype not in PARAM_TYPES:
            raise QueryFileError(f"{where}: type {ptype!r} is not one of {', '.join(PARAM_TYPES)}")
        choices = _parse_choices(where, ptype, spec.get("choices"))
        minimum, maximum = spec.get("min"), spec.get("max")
        for label, bound in (("min", minimum), ("max", maximum)):
            if bound is not None and (ptype != "integer" or not isinstance(bound, int) or isinstance(bound, bool)):
                raise QueryFileError(f"{where}: {label} applies to integer parameters and must be a whole number")
        labels = spec.get("labels")
        if labels is not None:
            if isinstance(labels, str):
                if labels not in LABEL_SETS:
                    raise QueryFileError(f"{where}: labels {labels!r} is not one of {', '.join(LABEL_SETS)}")
            elif not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
                raise QueryFileError(f"{where}: labels must be a table of words or the name of a label set")
            elif choices is not None and set(labels) - set(choices):
                raise QueryFileError(f"{where}: labels for unknown choice(s) {', '.join(sorted(set(labels) - set(choices)))}")
        has_default = "default" in spec
        required = bool(spec.get("required", not has_default))
        param = QueryParam(
            name=name,
            type=ptype,
            help=str(spec.get("help", "")).strip(),
            default=spec.get("default"),
            required=required,
            choices=choices,
            minimum=minimum,
            maximum=maximum,
            label=str(spec.get("label", "")).strip(),
            labels=labels,
        )
        if has_default:
            try:
                _resolve_default(param, date(2000, 1, 1))
            except QueryParamError as exc:
                raise QueryFileError(f"{where}: bad default: {exc}") from None
        elif not required:
            raise QueryFileError(f"{where}: required = false needs a default")
        params.append(param)
    return tuple(params)


def _parse_choices(where: str, ptype: str, raw: object) -> dict[str, object] | None:
    if ptype not in ("choice", "list"):
        if raw is not None:
            raise QueryFileError(f"{where}: choices only apply to choice and list parameters")
        return None
    if isinstance(raw, list) and raw and all(isinstance(c, str | int) and not isinstance(c, bool) for c in raw):
        return {str(c): c for c in raw}
    if isinstance(raw, dict) and raw:
        choices: dict[str, object] = {}
        kinds = set()
        for key, value in raw.items():
            if isinstance(value, list):
                if not value or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
                    raise QueryFileError(f"{where}.choices.{key}: a list must hold strings or numbers")
                kinds.add("list")
            elif isinstance(value, str | int) and not isinstance(value, bool):
                kinds.add("scalar")
            else:
                raise QueryFileError(f"{where}.choices.{key}: must be a string, number or list")
            choices[str(key)] = value
        if ptype == "choice" and len(kinds) > 1:  # a list parameter flattens, a choice binds one shape
            raise QueryFileError(f"{where}: choices must all be lists or all single values, not a mixture")
        return choices
    raise QueryFileError(f"{where}: a {ptype} parameter needs choices (a list of words, or a table word -> value)")


def _parse_columns(raw: object) -> tuple[OutputColumn, ...]:
    if not isinstance(raw, list):
        raise QueryFileError("columns must be an array of tables ([[columns]])")
    columns: list[OutputColumn] = []
    for i, spec in enumerate(raw, 1):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise QueryFileError(f"columns #{i}: needs a name")
        unknown = set(spec) - _COLUMN_KEYS
        if unknown:
            raise QueryFileError(f"columns #{i}: unknown key(s) {', '.join(sorted(unknown))}")
        totals, time = spec.get("totals", False), spec.get("time", False)
        if not isinstance(totals, bool) or not isinstance(time, bool):
            raise QueryFileError(f"columns #{i}: totals and time must be true or false")
        labels = spec.get("labels")
        if labels is not None and labels not in LABEL_SETS:
            raise QueryFileError(f"columns #{i}: labels {labels!r} is not one of {', '.join(LABEL_SETS)}")
        columns.append(OutputColumn(name=spec["name"], title=str(spec.get("title", spec["name"])), totals=totals,
                                    time=time, labels=labels))
    if len({c.name for c in columns}) != len(columns):
        raise QueryFileError("columns: a column name appears twice")
    return tuple(columns)


def _strip_literals_and_comments(sql: str) -> str:
    """``sql`` with comments removed and the inside of '...' literals blanked (quoted identifiers kept)."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end
            out.append(" ")
        elif ch == "/" and sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end == -1 else end + 2
            out.append(" ")
        elif ch == "'":
            j = i + 1
            while j < n:
                if sql[j] == "'":
                    if j + 1 < n and sql[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            out.append("''")
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


# --- value helpers -----------------------------------------------------------------------------------


def _parse_date(text: str) -> date | None:
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for fmt in ("%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse_month(text: str) -> str | None:
    match = _MONTH_RE.match(text.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    return f"{year:04d}-{month:02d}"


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _relative_date(text: str, today: date) -> date | None:
    """``today``, ``today-30d``, ``today-12m``, ``start-of-month``, ``start-of-year`` relative to ``today``."""
    text = text.strip().lower()
    if text == "start-of-month":
        return today.replace(day=1)
    if text == "start-of-year":
        return today.replace(month=1, day=1)
    match = _RELATIVE_RE.match(text)
    if not match:
        return None
    sign, amount, unit = match.groups()
    if not amount:
        return today
    delta = int(amount) * (-1 if sign == "-" else 1)
    if unit == "d":
        return date.fromordinal(today.toordinal() + delta)
    return _shift_months(today, delta)


def _resolve_default(p: QueryParam, today: date) -> object:
    value = p.default
    if p.type in ("date", "month"):
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value if p.type == "date" else f"{value:%Y-%m}"
        if not isinstance(value, str):
            raise QueryParamError(f"default {value!r} is not a {p.type}", param=p.name, allowed=p.allowed())
        relative = _relative_date(value, today)
        if relative is not None:
            return relative if p.type == "date" else f"{relative:%Y-%m}"
        return convert_value(p, value)
    if p.type == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            raise QueryParamError(f"default {value!r} is not a whole number", param=p.name, allowed=p.allowed())
        return convert_value(p, str(value))
    if p.type == "list":
        items = value if isinstance(value, list) else [value]
        return convert_value(p, ",".join(str(v) for v in items))
    return convert_value(p, str(value))


def slug(text: str) -> str:
    """A typed name as it is compared in SQL: lower case, spaces and underscores as hyphens."""
    return re.sub(r"[\s_]+", "-", text.strip().lower())


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _display_default(value: object) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
