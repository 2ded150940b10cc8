"""Words for readers: periods, outcome categories, force areas (pure functions)."""

from __future__ import annotations

from datetime import date

import pytest

from commands.rules.stat_labels import (
    area_from_batch,
    ho_outcome_label,
    month_runs,
    period_words,
    policeuk_outcome_label,
)


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("2021-01", "2021-03", "January–March 2021"),
        ("2021-03", "2021-03", "March 2021"),
        ("2020-11", "2021-02", "November 2020–February 2021"),
        (date(2016, 1, 1), date(2018, 1, 31), "1 January 2016 to 31 January 2018"),
    ],
)
def test_period_words(start: object, end: object, words: str) -> None:
    assert period_words(start, end) == words


def test_outcome_labels_carry_the_home_office_number() -> None:
    assert policeuk_outcome_label("Further investigation is not in the public interest") == (
        "Further investigation is not in the public interest (Home Office Outcome 21)")
    assert policeuk_outcome_label("Offender given a caution") == "Offender given a caution (Home Office Outcomes 2 and 3)"
    assert policeuk_outcome_label("Awaiting court outcome") == "Awaiting court outcome"  # a court result: no number
    assert ho_outcome_label(21).startswith("21 (Further investigation to support formal action")


def test_area_names_and_month_runs() -> None:
    assert area_from_batch("2021-01-hertfordshire") == "Hertfordshire"
    assert area_from_batch("2021-01-avon-and-somerset") == "Avon and Somerset"
    assert area_from_batch("2021-01-city-of-london") == "City of London"
    assert month_runs(["2021-05", "2021-04", "2021-07", "2021-12", "2022-01"]) == [
        ("2021-04", "2021-05"), ("2021-07", "2021-07"), ("2021-12", "2022-01")]
