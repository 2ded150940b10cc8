"""The query catalogue: loading, validation of query files, and every bad-parameter message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.rules.query_catalogue import (
    DEFAULT_CAVEAT,
    CannedQuery,
    Catalogue,
    QueryFileError,
    QueryParamError,
    UnknownQueryError,
    check_sql,
    load_catalogue,
    parse_params,
    parse_query,
    query_dirs,
)

BUILT_IN = {
    "offences-by-group", "outcome-by-offence", "outcome-usage", "outcome-summary", "crime-type-by-month",
    "outcome-by-crime-type", "caseload", "outcomes", "exemptions", "reviews", "response-times",
}

GOOD = """
title = "Test {kind}"
source = "analytics"
sql = "SELECT offence, COUNT(*) AS total FROM crime_records WHERE offence IN :kind AND outcome_date >= :start GROUP BY offence"

[params.kind]
type = "choice"
default = "a"
[params.kind.choices]
a = ["x", "y"]
b = ["z"]

[params.start]
type = "date"
"""

TODAY = date(2026, 11, 21)


def sample_query(**extra: object) -> CannedQuery:
    data: dict[str, object] = {
        "title": "Sample",
        "source": "analytics",
        "sql": "SELECT 1 AS n WHERE :d IS NOT NULL AND :m IS NOT NULL AND :n > 0 AND :c = 'x' "
               "AND 'a' IN :l",
        "params": {
            "d": {"type": "date", "help": "a day"},
            "m": {"type": "month", "default": "2021-01"},
            "n": {"type": "integer", "min": 1, "max": 22, "default": 21},
            "c": {"type": "choice", "choices": ["red", "green"], "default": "red"},
            "l": {"type": "list", "choices": {"a": "A", "b": "B", "g": ["G1", "G2"]}, "default": ["a"]},
        },
    }
    data.update(extra)
    return parse_query(data, default_name="sample")


# --- loading ------------------------------------------------------------------------------------


def test_built_in_queries_load_without_problems(catalogue: Catalogue) -> None:
    assert BUILT_IN <= set(catalogue.names())
    assert catalogue.problems == []
    for query in catalogue:
        assert query.title and query.description, query.name
        assert query.source in ("analytics", "cases")
        assert query.columns, f"{query.name} should title its columns"


def test_default_caveat_is_the_published_wording(catalogue: Catalogue) -> None:
    assert "un-audited snapshot of un-published data" in DEFAULT_CAVEAT
    assert catalogue.get("offences-by-group").caveat == DEFAULT_CAVEAT


def test_group_choice_expands_to_the_seven_seed_offences(catalogue: Catalogue) -> None:
    query = catalogue.get("offences-by-group")
    values = parse_params(query, ["from=2016-01-01", "to=2018-01-31"], today=TODAY)
    assert values["group"] == "indecent-images"
    binds = query.bind_values(values)
    assert len(binds["group"]) == 7  # type: ignore[arg-type]
    assert "Harassment-Disclose Private Sexual Photographs" in binds["group"]  # type: ignore[operator]
    assert query.param("group").expanding  # type: ignore[union-attr]


BROKEN_FILES = {
    "not-toml.toml": ("title = 'x\nsource=", "not valid TOML"),
    "no-sql.toml": ('title = "x"\nsource = "analytics"\n', "missing or empty 'sql'"),
    "writes.toml": ('title = "x"\nsource = "analytics"\nsql = "INSERT INTO crime_records (offence) VALUES (1)"\n',
                    "single SELECT or WITH statement, not INSERT"),
    "two-statements.toml": ('title = "x"\nsource = "analytics"\nsql = "SELECT 1; DELETE FROM crime_records"\n',
                            "single statement"),
    "cte-delete.toml": ('title = "x"\nsource = "analytics"\n'
                        'sql = "WITH gone AS (DELETE FROM crime_records RETURNING *) SELECT * FROM gone"\n',
                        "DELETE is not allowed"),
    "undeclared.toml": ('title = "x"\nsource = "analytics"\nsql = "SELECT 1 WHERE 1 = :n"\n', "no such parameter is declared"),
    "unused.toml": ('title = "x"\nsource = "analytics"\nsql = "SELECT 1"\n[params.n]\ntype = "integer"\n',
                    "declared but not used"),
    "bad-type.toml": ('title = "x"\nsource = "analytics"\nsql = "SELECT :n"\n[params.n]\ntype = "number"\n',
                      "type 'number' is not one of"),
    "bad-default.toml": ('title = "x"\nsource = "analytics"\nsql = "SELECT :d"\n[params.d]\ntype = "date"\ndefault = "soon"\n',
                         "bad default"),
    "typo.toml": ('title = "x"\nsource = "analytics"\nsql = "SELECT :d"\n[params.d]\ntype = "date"\ndefualt = "today"\n',
                  "unknown key(s) defualt"),
    "bad-source.toml": ('title = "x"\nsource = "excel"\nsql = "SELECT 1"\n', "source 'excel'"),
    "no-choices.toml": ('title = "x"\nsource = "analytics"\nsql = "SELECT :c"\n[params.c]\ntype = "choice"\n', "needs choices"),
    "bad-title.toml": ('title = "x {nope}"\nsource = "analytics"\nsql = "SELECT 1"\n', "placeholder {nope}"),
    "pivot-unknown.toml": ('title = "x"\nsource = "analytics"\nsql = "SELECT 1 AS a, 2 AS b, 3 AS n"\n'
                           '[[columns]]\nname = "a"\n[[columns]]\nname = "n"\n'
                           '[pivot]\nrows = "a"\ncolumns = "b"\nvalues = "n"\n', "pivot.columns must name one of"),
    "categories-table.toml": ('title = "x"\nsource = "analytics"\nsql = "SELECT 1"\n'
                              '[categories]\ntable = "cases"\nfield = "x"\nvalues = ["a"]\n',
                              "categories.table must be one of"),
    "categories-field.toml": ('title = "x"\nsource = "analytics"\nsql = "SELECT 1"\n'
                              '[categories]\ntable = "policeuk_outcomes"\nfield = "x; DROP"\nvalues = ["a"]\n',
                              "categories.field must be a column name"),
    "coverage-cases.toml": ('title = "x"\nsource = "cases"\ncoverage = "street"\nsql = "SELECT 1"\n',
                            "coverage 'street' must be one of"),
    "labels-unknown.toml": ('title = "x"\nsource = "analytics"\nsql = "SELECT :c"\n[params.c]\ntype = "choice"\n'
                            'choices = ["a"]\nlabels = "klingon"\n', "labels 'klingon' is not one of"),
}


def test_broken_files_are_reported_by_name_and_skipped(tmp_path: Path) -> None:
    for name, (body, _reason) in BROKEN_FILES.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    (tmp_path / "fine.toml").write_text(GOOD, encoding="utf-8")
    catalogue = load_catalogue([tmp_path])
    assert catalogue.names() == ["fine"]
    problems = dict(catalogue.problems)
    assert set(problems) == set(BROKEN_FILES)
    for name, (_body, reason) in BROKEN_FILES.items():
        assert reason in problems[name], (name, problems[name])


def test_later_directory_overrides_and_adds(tmp_path: Path) -> None:
    (tmp_path / "offences-by-group.toml").write_text(GOOD.replace("Test {kind}", "Local {kind}"), encoding="utf-8")
    (tmp_path / "local-extra.toml").write_text(GOOD, encoding="utf-8")
    catalogue = load_catalogue(query_dirs(tmp_path))
    assert catalogue.get("offences-by-group").title == "Local {kind}"
    assert "local-extra" in catalogue and "outcome-by-offence" in catalogue
    assert catalogue.problems == []


def test_missing_query_dir_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    catalogue = load_catalogue(query_dirs(tmp_path / "nope"))
    assert catalogue.problems == [(str(tmp_path / "nope"), "query directory not found")]
    assert "offences-by-group" in catalogue


def test_unknown_query_suggests_close_names(catalogue: Catalogue) -> None:
    assert catalogue.suggest("outcome-by-ofence")[0] == "outcome-by-offence"
    with pytest.raises(UnknownQueryError) as err:
        catalogue.get("outcome-by-ofence")
    assert "no statistics query named 'outcome-by-ofence'" in str(err.value)
    assert "did you mean outcome-by-offence" in str(err.value)
    assert catalogue.get(" Outcome-By-Offence ").name == "outcome-by-offence"


# --- SQL validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 'a;b' AS x WHERE :p = 1",
        "SELECT 1 AS x -- a comment; with DELETE in it\n WHERE :p = 1",
        "/* INSERT; */ SELECT 'delete from x' AS x WHERE :p = 1;",
        "WITH t AS (SELECT 1 AS n) SELECT n FROM t WHERE n = :p",
        "SELECT CAST('2016-01-01' AS date)::text AS d WHERE :p = 1",
        "SELECT replace('a', 'b', 'c') AS r WHERE :p = 1",
    ],
)
def test_valid_sql_passes(sql: str) -> None:
    check_sql(sql, ["p"])


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE crime_records SET outcome = 21", "not UPDATE"),
        ("SELECT 1; SELECT 2", "single statement"),
        ("SELECT 1;; ", "single statement"),
        ("SELECT * INTO copy FROM crime_records", "INTO is not allowed"),
        ("PRAGMA query_only=OFF", "not PRAGMA"),
        ("SELECT set_config('statement_timeout', '0', true)", "set_config() is not allowed"),
        ("SELECT 1 FROM x; ATTACH DATABASE 'y' AS y", "single statement"),
        ("WITH x AS (SELECT 1) INSERT INTO y SELECT * FROM x", "INSERT is not allowed"),
        ("", "empty"),
    ],
)
def test_writing_or_multi_statement_sql_is_rejected(sql: str, reason: str) -> None:
    with pytest.raises(QueryFileError) as err:
        check_sql(sql, [])
    assert reason in str(err.value)


def test_postgres_cast_is_not_a_parameter() -> None:
    check_sql("SELECT x::date FROM t WHERE y = :p", ["p"])
    with pytest.raises(QueryFileError, match="declared but not used"):
        check_sql("SELECT x::date FROM t", ["date"])


# --- parameters ---------------------------------------------------------------------------------


def test_values_are_typed_and_defaults_applied() -> None:
    query = sample_query()
    values = parse_params(query, ["d=2016-01-31", "n=10", "C=Green", "l=b,g"], today=TODAY)
    assert values == {"d": date(2016, 1, 31), "m": "2021-01", "n": 10, "c": "green", "l": ["b", "g"]}
    assert query.bind_values(values)["l"] == ["B", "G1", "G2"]
    assert query.shown_params(values) == (("d", "2016-01-31"), ("m", "2021-01"), ("n", "10"), ("c", "green"), ("l", "b,g"))
    assert parse_params(query, ["d=31/01/2016", "m=2021-3"], today=TODAY)["d"] == date(2016, 1, 31)
    assert parse_params(query, ["d=31/01/2016", "m=2021-3"], today=TODAY)["m"] == "2021-03"


def test_relative_date_defaults(catalogue: Catalogue) -> None:
    query = catalogue.get("caseload")
    values = parse_params(query, [], today=date(2024, 3, 31))
    assert values == {"from": date(2023, 3, 31), "to": date(2024, 3, 31), "as_of": date(2024, 3, 31)}


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["x=1", "d=2016-01-01"], ["unknown parameter 'x'", "Parameters: d, m, n, c, l"]),
        (["dd=2016-01-01"], ["unknown parameter 'dd'", "did you mean d?"]),
        (["d"], ["'d' is not key=value", "parameters of sample: d, m, n, c, l"]),
        (["d=2016-01-01", "d=2016-01-02"], ["parameter 'd' given twice"]),
        (["d=2016-02-30"], ["parameter 'd': '2016-02-30' is not a date", "allowed: a date as YYYY-MM-DD"]),
        (["d=yesterday"], ["parameter 'd': 'yesterday' is not a date"]),
        (["d="], ["parameter 'd': no value given", "allowed: a date"]),
        (["d=2016-01-01", "m=2021-13"], ["parameter 'm': '2021-13' is not a month", "allowed: a month as YYYY-MM"]),
        (["d=2016-01-01", "n=ten"], ["parameter 'n': 'ten' is not a whole number", "allowed: a whole number from 1 to 22"]),
        (["d=2016-01-01", "n=23"], ["parameter 'n': 23 is out of range", "from 1 to 22"]),
        (["d=2016-01-01", "c=blue"], ["parameter 'c': 'blue' is not one of the allowed values", "allowed: one of red, green"]),
        (["d=2016-01-01", "c=gren"], ["(did you mean green?)"]),
        (["d=2016-01-01", "l=a,zz"], ["parameter 'l': 'zz' is not one of the allowed values", "one or more of a, b, g"]),
        ([], ["missing required parameter 'd'", "a date as YYYY-MM-DD", "a day"]),
    ],
)
def test_every_bad_parameter_says_which_what_and_allowed(words: list[str], expected: list[str]) -> None:
    with pytest.raises(QueryParamError) as err:
        parse_params(sample_query(), words, today=TODAY)
    for fragment in expected:
        assert fragment in str(err.value), (fragment, str(err.value))


def test_from_after_to_is_refused(catalogue: Catalogue) -> None:
    with pytest.raises(QueryParamError) as err:
        parse_params(catalogue.get("offences-by-group"), ["from=2018-01-31", "to=2016-01-01"], today=TODAY)
    assert str(err.value) == "from (2018-01-31) is after to (2016-01-01); allowed: from on or before to"
    assert err.value.param == "from"


def test_seed_parameters_parse(catalogue: Catalogue) -> None:
    query = catalogue.get("outcome-by-offence")
    values = parse_params(query, ["outcome=21", "from=2016-01-01", "to=2018-01-31", "group=indecent-images"], today=TODAY)
    assert values == {"outcome": 21, "group": "indecent-images", "from": date(2016, 1, 1), "to": date(2018, 1, 31)}
    assert query.display_title(values) == "Crimes by offence, indecent photos of children, Home Office Outcome 21, 1 January 2016 to 31 January 2018"


@given(st.text(max_size=30))
def test_any_text_is_either_a_typed_value_or_a_clear_error(value: str) -> None:
    query = sample_query()
    for key in ("d", "m", "n", "c", "l"):
        words = [f"{key}={value}"] + ([] if key == "d" else ["d=2016-01-01"])
        try:
            parsed = parse_params(query, words, today=TODAY)
        except QueryParamError as exc:
            assert f"'{key}'" in str(exc) or "after to" in str(exc)
            continue
        result = parsed[key]
        expected_type = {"d": date, "m": str, "n": int, "c": str, "l": list}[key]
        assert isinstance(result, expected_type)
        if key == "n":
            assert 1 <= result <= 22  # type: ignore[operator]
        if key == "c":
            assert result in ("red", "green")
