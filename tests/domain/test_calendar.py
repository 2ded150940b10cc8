"""Working-day calendars: which days count under FOIA/EIR (whole UK), FOISA (Scotland) and SAR (E&W),
and that the precomputed counting agrees with a plain walk over the days."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.rules.calendar import (
    CALENDAR_NAMES,
    DEFAULT_OVERRIDES_PATH,
    CalendarError,
    CalendarRangeError,
    build_calendar,
    calendar_for,
    load_overrides,
)

UK = calendar_for("uk")
SCOTLAND = calendar_for("scotland")
ENGLAND_WALES = calendar_for("england-wales")
NORTHERN_IRELAND = calendar_for("northern-ireland")

COVERED = st.dates(min_value=date(2007, 1, 1), max_value=date(2030, 12, 31))


# -- which days are holidays -----------------------------------------------------------------------


ONE_OFFS = [
    (date(2011, 4, 29), "Wedding of William and Catherine"),
    (date(2012, 6, 4), "Spring Bank Holiday"),
    (date(2012, 6, 5), "Diamond Jubilee of Elizabeth II"),
    (date(2022, 6, 2), "Spring Bank Holiday"),
    (date(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
    (date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
    (date(2023, 5, 8), "Coronation of Charles III"),
]


@pytest.mark.parametrize(("day", "name"), ONE_OFFS)
@pytest.mark.parametrize("calendar_name", CALENDAR_NAMES)
def test_uk_wide_one_off_bank_holidays_are_not_working_days_anywhere(
    calendar_name: str, day: date, name: str
) -> None:
    calendar = calendar_for(calendar_name)
    assert not calendar.is_working_day(day)
    assert calendar.name_of(day) == name


def test_the_moved_spring_bank_holidays_left_their_usual_mondays_as_working_days() -> None:
    assert UK.is_working_day(date(2012, 5, 28))
    assert UK.is_working_day(date(2022, 5, 30))
    # VE Day 75: the early May bank holiday moved to Friday 8 May 2020.
    assert UK.is_working_day(date(2020, 5, 4))
    assert not UK.is_working_day(date(2020, 5, 8))


def test_scotland_15_june_2026_counts_for_foia_and_foisa_but_not_in_england_or_northern_ireland() -> None:
    day = date(2026, 6, 15)
    assert not UK.is_working_day(day)
    assert not SCOTLAND.is_working_day(day)
    assert ENGLAND_WALES.is_working_day(day)
    assert NORTHERN_IRELAND.is_working_day(day)
    assert UK.name_of(day) == "Scotland's participation in the FIFA World Cup final (Scotland)"


@pytest.mark.parametrize(
    ("day", "uk", "scotland", "england_wales", "northern_ireland"),
    [
        (date(2025, 1, 2), False, False, True, True),  # Scottish 2 January
        (date(2023, 1, 3), False, False, True, True),  # Scottish 2 January substitute
        (date(2025, 3, 17), False, True, True, False),  # St Patrick's Day
        (date(2025, 4, 18), False, False, False, False),  # Good Friday
        (date(2025, 4, 21), False, True, False, False),  # Easter Monday is a Scottish working day
        (date(2025, 7, 14), False, True, True, False),  # Battle of the Boyne substitute (12th a Saturday)
        (date(2025, 8, 4), False, False, True, True),  # Scottish summer bank holiday
        (date(2025, 8, 25), False, True, False, False),  # late summer bank holiday (not Scotland)
        (date(2025, 12, 1), False, False, True, True),  # St Andrew's Day substitute
        (date(2025, 12, 25), False, False, False, False),
        (date(2025, 12, 29), True, True, True, True),
    ],
)
def test_each_calendar_draws_on_the_right_parts_of_the_uk(
    day: date, uk: bool, scotland: bool, england_wales: bool, northern_ireland: bool
) -> None:
    assert UK.is_working_day(day) is uk
    assert SCOTLAND.is_working_day(day) is scotland
    assert ENGLAND_WALES.is_working_day(day) is england_wales
    assert NORTHERN_IRELAND.is_working_day(day) is northern_ireland


def test_st_andrews_day_became_a_bank_holiday_in_2007_not_2006() -> None:
    # St Andrew's Day Bank Holiday (Scotland) Act 2007; the package starts it a year early (override row).
    assert SCOTLAND.is_working_day(date(2006, 11, 30))
    assert not SCOTLAND.is_working_day(date(2007, 11, 30))


# Weekday bank holidays a year: E&W 8, Scotland 9 (2 Jan, first Monday of August and St Andrew's Day, no
# Easter Monday or late August), NI 10 (17 March and 12 July), the UK union 13; plus the one-off days.
EXTRA = {2011: 1, 2012: 1, 2022: 2, 2023: 1}


@pytest.mark.parametrize("year", range(2007, 2031))
def test_every_year_2007_to_2030_has_the_expected_number_of_weekday_holidays(year: int) -> None:
    def count(calendar_name: str) -> int:
        return len(calendar_for(calendar_name).holidays_between(date(year, 1, 1), date(year, 12, 31)))

    extra = EXTRA.get(year, 0)
    scottish_extra = 1 if year == 2026 else 0
    assert count("england-wales") == 8 + extra
    assert count("scotland") == 9 + extra + scottish_extra
    assert count("northern-ireland") == 10 + extra
    assert count("uk") == 13 + extra + scottish_extra


@pytest.mark.parametrize("year", range(2007, 2031))
def test_christmas_day_and_good_friday_are_never_working_days(year: int) -> None:
    from dateutil.easter import easter

    for calendar_name in CALENDAR_NAMES:
        calendar = calendar_for(calendar_name)
        assert not calendar.is_working_day(date(year, 12, 25))
        assert not calendar.is_working_day(easter(year) - timedelta(days=2))


def test_the_uk_calendar_is_exactly_the_union_of_the_four_parts_from_2007_to_2030() -> None:
    years = range(2007, 2031)
    union: set[date] = set()
    for subdivision in ("ENG", "WLS", "SCT", "NIR"):
        union |= set(holidays.country_holidays("GB", subdiv=subdivision, years=years))
    day = date(2007, 1, 1)
    while day <= date(2030, 12, 31):
        expected = day.weekday() < 5 and day not in union
        assert UK.is_working_day(day) is expected, day
        day += timedelta(days=1)


def test_holiday_names_say_where_a_holiday_is_kept_when_not_in_england() -> None:
    assert UK.holidays_between(date(2024, 12, 23), date(2025, 1, 3)) == [
        (date(2024, 12, 25), "Christmas Day"),
        (date(2024, 12, 26), "Boxing Day"),
        (date(2025, 1, 1), "New Year's Day"),
        (date(2025, 1, 2), "New Year Holiday (Scotland)"),
    ]
    assert UK.name_of(date(2025, 7, 14)) == "Battle of the Boyne (observed, Northern Ireland)"
    assert UK.name_of(date(2025, 4, 21)) == "Easter Monday"
    assert SCOTLAND.name_of(date(2025, 1, 2)) == "New Year Holiday"
    assert UK.name_of(date(2025, 7, 15)) is None


def test_holidays_between_lists_weekend_holidays_only_when_asked() -> None:
    weekdays = NORTHERN_IRELAND.holidays_between(date(2025, 7, 1), date(2025, 7, 31))
    everything = NORTHERN_IRELAND.holidays_between(date(2025, 7, 1), date(2025, 7, 31), weekdays_only=False)
    assert weekdays == [(date(2025, 7, 14), "Battle of the Boyne (observed)")]
    assert everything == [
        (date(2025, 7, 12), "Battle of the Boyne"),
        (date(2025, 7, 14), "Battle of the Boyne (observed)"),
    ]


# -- counting ------------------------------------------------------------------------------------------


def test_add_working_days_counts_from_day_zero() -> None:
    assert UK.add_working_days(date(2018, 2, 9), 1) == date(2018, 2, 12)
    assert UK.add_working_days(date(2018, 2, 9), 20) == date(2018, 3, 9)
    assert UK.add_working_days(date(2018, 2, 9), 0) == date(2018, 2, 9)
    assert UK.add_working_days(date(2018, 3, 9), -20) == date(2018, 2, 9)
    # From a non-working day: the next working day is day 1.
    assert UK.add_working_days(date(2025, 4, 18), 1) == date(2025, 4, 22)
    assert UK.add_working_days(date(2025, 4, 21), -1) == date(2025, 4, 17)


def test_next_working_day_after_and_on_or_after_differ_only_on_working_days() -> None:
    assert UK.next_working_day_after(date(2025, 4, 17)) == date(2025, 4, 22)
    assert UK.working_day_on_or_after(date(2025, 4, 17)) == date(2025, 4, 17)
    assert UK.next_working_day_after(date(2025, 4, 18)) == date(2025, 4, 22)
    assert UK.working_day_on_or_after(date(2025, 4, 18)) == date(2025, 4, 22)
    assert UK.working_day_on_or_before(date(2025, 4, 21)) == date(2025, 4, 17)


def test_working_days_between_is_signed_and_working_days_in_is_inclusive() -> None:
    assert UK.working_days_between(date(2018, 2, 9), date(2018, 3, 9)) == 20
    assert UK.working_days_between(date(2018, 3, 9), date(2018, 2, 9)) == -20
    assert UK.working_days_between(date(2025, 6, 2), date(2025, 6, 2)) == 0
    assert UK.working_days_in(date(2025, 6, 9), date(2025, 6, 20)) == 10
    assert UK.working_days_in(date(2025, 6, 20), date(2025, 6, 9)) == 0


def _walk(calendar_is_working, start: date, n: int) -> date:  # type: ignore[no-untyped-def]
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if calendar_is_working(day):
            counted += 1
    return day


@settings(max_examples=300, deadline=None)
@given(start=COVERED, n=st.integers(min_value=0, max_value=80), name=st.sampled_from(CALENDAR_NAMES))
def test_precomputed_counting_agrees_with_walking_day_by_day(start: date, n: int, name: str) -> None:
    calendar = calendar_for(name)
    end = calendar.add_working_days(start, n)
    assert end == _walk(calendar.is_working_day, start, n)
    assert calendar.working_days_between(start, end) == n
    if n:
        assert calendar.is_working_day(end)


@settings(max_examples=200, deadline=None)
@given(a=COVERED, b=COVERED)
def test_working_days_between_is_antisymmetric(a: date, b: date) -> None:
    assert UK.working_days_between(a, b) == -UK.working_days_between(b, a)


# -- range, version and overrides ------------------------------------------------------------------------


def test_dates_outside_the_calendar_are_refused_not_guessed() -> None:
    with pytest.raises(CalendarRangeError, match="outside the uk working-day calendar"):
        UK.is_working_day(date(1999, 12, 31))
    with pytest.raises(CalendarRangeError):
        UK.add_working_days(date(2041, 12, 20), 20)
    assert UK.covers(date(2000, 1, 1)) and UK.covers(date(2040, 12, 31))


def test_calendar_version_names_the_package_and_the_override_file() -> None:
    assert UK.version.startswith(f"holidays-{holidays.__version__}+overrides-")
    assert len(UK.version.rsplit("-", 1)[1]) == 8
    assert {calendar_for(n).version for n in CALENDAR_NAMES} == {UK.version}


def test_calendar_for_is_built_once() -> None:
    assert calendar_for("uk") is calendar_for("uk")
    with pytest.raises(CalendarError, match="unknown calendar"):
        calendar_for("wales-only")


def test_every_override_row_has_a_source_and_still_changes_something() -> None:
    """An override the package has caught up with is dead weight: remove it when this fails."""
    rows = load_overrides(DEFAULT_OVERRIDES_PATH)
    assert rows
    for row in rows:
        assert row.source
        subdivisions = [t for t in row.targets if t in ("ENG", "WLS", "SCT", "NIR")]
        for subdivision in subdivisions:
            in_package = row.day in holidays.country_holidays("GB", subdiv=subdivision, years=row.day.year)
            assert in_package is (row.action == "remove"), row


def test_an_override_file_changes_the_calendar_and_its_version(tmp_path: Path) -> None:
    path = tmp_path / "overrides.csv"
    path.write_text(
        "date,subdivisions,action,name,source\n"
        "2031-05-09,ALL,add,Imaginary Proclamation,test fixture\n"
        "2025-12-26,uk,remove,Boxing Day,test fixture\n",
        encoding="utf-8",
    )
    calendar = build_calendar("uk", overrides_path=path)
    assert not calendar.is_working_day(date(2031, 5, 9))
    assert calendar.name_of(date(2031, 5, 9)) == "Imaginary Proclamation"
    assert calendar.is_working_day(date(2025, 12, 26))
    assert calendar.version != UK.version
    assert UK.is_working_day(date(2031, 5, 9))


def test_an_override_row_without_a_source_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "overrides.csv"
    path.write_text("date,subdivisions,action,name,source\n2031-05-09,SCT,add,Something,\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="needs a name and a source"):
        load_overrides(path)
    path.write_text(
        "date,subdivisions,action,name,source\n2031-05-09,XXX,add,Something,src\n", encoding="utf-8"
    )
    with pytest.raises(CalendarError, match="unknown subdivision"):
        load_overrides(path)
