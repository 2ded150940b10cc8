"""The police.uk queries an FOI team is asked most, on the shared Hertfordshire files, each figure checked
against a count made here with the csv module; and the honesty checks: coverage, absent categories, ASB,
titles and labels in words, attribution."""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict

import pytest
from sqlalchemy.engine import Engine

from commands.rules.query_catalogue import Catalogue
from commands.rules.result_table import grid_of, render_table, to_csv
from tests.stats.test_stats_policeuk import ASB, UNKNOWN, read_rows

MONTHS = ("2021-01", "2021-02", "2021-03")
ATTRIBUTION = "Open Government Licence v3.0"


def run(engine: Engine, catalogue: Catalogue, name: str, *words: str):  # type: ignore[no-untyped-def]
    from tests.stats.conftest import run as run_query

    return run_query(engine, catalogue, name, *words)


def crime_types() -> dict[str, str]:
    types: dict[str, str] = {}
    for r in read_rows("street"):
        if r["Crime ID"]:
            types[r["Crime ID"]] = min(types.get(r["Crime ID"], r["Crime type"]), r["Crime type"])
    return types


def final_outcomes(start: str, end: str) -> dict[str, tuple[str, str]]:
    """Each crime's last outcome month in the period and, in that month, the first outcome alphabetically."""
    by_crime: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in read_rows("outcomes"):
        if start <= r["Month"] <= end:
            by_crime[r["Crime ID"]].append((r["Month"], r["Outcome type"]))
    out = {}
    for crime, events in by_crime.items():
        last = max(m for m, _o in events)
        out[crime] = (last, min(o for m, o in events if m == last))
    return out


def area(lsoa_name: str) -> str:
    return lsoa_name[:-5]


# --- the outcome distribution ---------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), [("2021-01", "2021-03"), ("2021-02", "2021-02")])
def test_outcome_distribution_counts_each_crime_once(policeuk_engine: Engine, catalogue: Catalogue, start: str, end: str) -> None:
    result = run(policeuk_engine, catalogue, "outcomes-by-crime-type", f"from={start}", f"to={end}")
    types = crime_types()
    finals = final_outcomes(start, end)
    expected = Counter((types.get(crime, UNKNOWN), outcome) for crime, (_m, outcome) in finals.items())
    assert sorted(result.rows) == sorted((t, o, n) for (t, o), n in expected.items())
    grid = grid_of(result)
    assert grid.totals is not None and grid.totals[0] == "Total crimes" and grid.totals[-1] == len(finals)
    assert "Unable to prosecute suspect (Home Office Outcomes 15 and 16)" in grid.header
    assert "Further investigation is not in the public interest (Home Office Outcome 21)" in grid.header


def test_outcome_distribution_says_which_categories_never_appear(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    present = {r["Outcome type"] for r in read_rows("outcomes")}
    assert "Offender given penalty notice" not in present
    result = run(policeuk_engine, catalogue, "outcomes-by-crime-type", "from=2021-01", "to=2021-03")
    [warning] = [w for w in result.warnings if w.startswith("Not recorded")]
    assert "Offender given penalty notice (Home Office Outcome 6)" in warning
    assert "Suspect charged" not in warning  # present in the files


def test_an_outcome_never_recorded_is_said_not_shown_as_zero(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "outcome-by-crime-type", "outcome=penalty-notice-issued", "from=2021-01", "to=2021-03")
    assert result.rows == ()
    assert result.warnings == [
        "“Offender given penalty notice (Home Office Outcome 6)” is not recorded in the loaded police.uk outcomes "
        "data: the table is empty because the category does not appear in the data, not because the count is zero."
    ]
    assert "not because the count is zero" in render_table(result)
    present = run(policeuk_engine, catalogue, "outcome-by-crime-type", "outcome=charged", "from=2021-01", "to=2021-03")
    assert present.warnings == []


def test_outcome_words_and_title(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "outcome-by-crime-type",
                 "outcome=further-investigation-not-in-public-interest", "from=2021-01", "to=2021-03")
    assert result.title == "Crimes given one police.uk outcome, by crime type, Hertfordshire, January–March 2021"
    assert "Outcome: Further investigation is not in the public interest (Home Office Outcome 21)" in result.params_words
    text = render_table(result)
    assert "further-investigation-not-in-public-interest" not in text.splitlines()[:3]


# --- coverage, ASB, labels, attribution -----------------------------------------------------------


def test_a_period_beyond_the_loaded_months_says_so(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "crime-type-by-month", "from=2021-01", "to=2021-06")
    sentence = ("The police.uk street-level crime data loaded covers 2021-01 to 2021-03; "
                "April to June 2021 are not included.")
    assert result.warnings == [sentence]
    assert sentence in render_table(result)
    beyond = run(policeuk_engine, catalogue, "crime-type-by-month", "from=2021-04", "to=2021-06")
    assert beyond.rows == () and "not a count of zero" in beyond.warnings[0]
    inside = run(policeuk_engine, catalogue, "crime-type-by-month", "from=2021-01", "to=2021-03")
    assert inside.warnings == []


def test_titles_and_parameters_read_as_words(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "crime-type-by-month", "from=2021-01", "to=2021-03")
    assert result.title == "Crimes by type and month, Hertfordshire, January–March 2021"
    assert result.params_words == ("Period: January–March 2021", "Crime type: all crime types",
                                   "Anti-social behaviour: left out (incidents, not crimes)")
    head = "\n".join(render_table(result).splitlines()[:3])
    assert "- all" not in head and not re.search(r"\b\w+=\w", head)


@pytest.mark.parametrize("name", ["crime-type-by-month", "outcomes-by-crime-type", "crimes-by-area", "time-to-outcome"])
def test_police_uk_attribution_on_every_table(policeuk_engine: Engine, catalogue: Catalogue, name: str) -> None:
    result = run(policeuk_engine, catalogue, name, "from=2021-01", "to=2021-03")
    assert ATTRIBUTION in render_table(result)
    assert ATTRIBUTION in to_csv(result).decode("utf-8-sig").splitlines()[-1]


def test_no_crime_total_includes_asb(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    crimes = sum(1 for r in read_rows("street") if r["Crime type"] != ASB)
    for name, words in [("crime-type-by-month", ("include_asb=yes",)), ("crimes-by-area", ()),
                        ("crime-type-by-month", ())]:
        result = run(policeuk_engine, catalogue, name, "from=2021-01", "to=2021-03", *words)
        grid = grid_of(result)
        assert grid.totals is not None and grid.totals[-1] == crimes, name


# --- places -----------------------------------------------------------------------------------------


def test_crimes_by_area_and_month(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "crimes-by-area", "from=2021-01", "to=2021-03")
    counts = Counter((area(r["LSOA name"]) if r["LSOA name"] else "No location recorded", r["Month"])
                     for r in read_rows("street") if r["Crime type"] != ASB)
    assert sorted(result.rows) == sorted((a, m, n) for (a, m), n in counts.items())
    grid = grid_of(result)
    assert grid.body[0][0] == max({a for a, _m in counts}, key=lambda a: sum(n for (x, _m), n in counts.items() if x == a))


def test_crimes_in_a_named_area_by_type(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    stevenage = [r for r in read_rows("street") if r["LSOA name"] and area(r["LSOA name"]) == "Stevenage"]
    result = run(policeuk_engine, catalogue, "crimes-in-area", "place=Stevenage", "from=2021-01", "to=2021-03")
    expected = Counter((r["Crime type"], r["Month"]) for r in stevenage if r["Crime type"] != ASB)
    assert sorted(result.rows) == sorted((t, m, n) for (t, m), n in expected.items())
    assert result.title == "Crimes in Stevenage by type and month, January–March 2021"
    with_asb = run(policeuk_engine, catalogue, "crimes-in-area", "place=stevenage", "from=2021-01", "to=2021-03",
                   "include_asb=yes")
    [apart] = grid_of(with_asb).apart
    assert apart[-1] == sum(1 for r in stevenage if r["Crime type"] == ASB)
    by_lsoa = run(policeuk_engine, catalogue, "crimes-by-area", "place=stevenage", "from=2021-01", "to=2021-03")
    lsoas = Counter((r["LSOA name"], r["Month"]) for r in stevenage if r["Crime type"] != ASB)
    assert sorted(by_lsoa.rows) == sorted((a, m, n) for (a, m), n in lsoas.items())


def test_an_unknown_area_is_said_with_suggestions(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "crimes-in-area", "place=stevnage", "from=2021-01", "to=2021-03")
    assert result.rows == ()
    assert result.warnings == [
        "No area called “Stevnage” in the loaded police.uk street-level crime data: the table is empty because the "
        "name matches no LSOA, not because the count is zero; did you mean Stevenage?"
    ]
    assert run(policeuk_engine, catalogue, "crimes-by-area", "from=2021-01", "to=2021-03").warnings == []
    assert run(policeuk_engine, catalogue, "crimes-in-area", "place=stevenage", "from=2021-01", "to=2021-03").warnings == []


def test_two_word_area_names(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "crimes-in-area", "place=welwyn hatfield", "from=2021-01", "to=2021-01")
    expected = sum(1 for r in read_rows("street") if r["LSOA name"].startswith("Welwyn Hatfield ")
                   and r["Month"] == "2021-01" and r["Crime type"] != ASB)
    assert expected > 0 and result.totals is not None and result.totals[-1] == expected
    assert result.title.startswith("Crimes in Welwyn Hatfield by type")


# --- how long investigations take ---------------------------------------------------------------


def nearest_rank(values: list[int], p: float) -> int:
    return values[math.ceil(p * len(values)) - 1]


def test_time_from_crime_to_outcome_by_crime_type(policeuk_engine: Engine, catalogue: Catalogue) -> None:
    result = run(policeuk_engine, catalogue, "time-to-outcome", "from=2021-01", "to=2021-03")
    reported: dict[str, tuple[str, str]] = {}
    for r in read_rows("street"):
        if r["Crime ID"]:
            month, ctype = reported.get(r["Crime ID"], (r["Month"], r["Crime type"]))
            reported[r["Crime ID"]] = (min(month, r["Month"]), min(ctype, r["Crime type"]))
    lags: dict[str, list[int]] = defaultdict(list)
    for crime, (month, _o) in final_outcomes("2021-01", "2021-03").items():
        if crime in reported:
            start, ctype = reported[crime]
            lag = (int(month[:4]) * 12 + int(month[5:])) - (int(start[:4]) * 12 + int(start[5:]))
            if lag >= 0:
                lags[ctype].append(lag)
    expected = []
    for ctype, values in sorted(lags.items()):
        values.sort()
        expected.append((ctype, len(values), nearest_rank(values, 0.25), statistics.median(values),
                         nearest_rank(values, 0.75), max(values)))
    assert [r[0] for r in result.rows] == [e[0] for e in expected]
    for got, want in zip(result.rows, expected, strict=True):
        assert got[:3] == want[:3] and got[4:] == want[4:]
        assert got[3] == pytest.approx(want[3])
    assert "understate how long investigations take" in result.caveat
