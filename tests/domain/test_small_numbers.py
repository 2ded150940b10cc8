"""Small-number protection: small counts hidden, and nothing hidden can be worked out from the totals."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from commands.rules.small_numbers import DisclosureRule, protect, recoverable

RULE = DisclosureRule()

# The seed table's Outcome 21 / Outcome 10 columns (FOI2018/00739): small counts beside large ones.
SEED = [
    [622, 140, 7],
    [2, 1, 0],
    [52, 6, 2],
    [9, 2, 0],
]


def test_small_counts_show_as_the_wording_and_zero_stays_zero() -> None:
    table = protect(SEED, RULE)
    assert table.cells[1][0] == "fewer than 5"
    assert table.cells[1][1] == "fewer than 5"
    assert table.cells[1][2] == 0
    assert table.cells[0][0] == 622
    assert table.protected


def test_no_hidden_figure_can_be_recovered_from_the_seed_table() -> None:
    table = protect(SEED, RULE)
    assert recoverable(table, RULE) == []
    # Without secondary suppression the third column would give its 2 away: 9 - 7 - 0 - 0 = 2.
    assert table.cells[0][2] == "fewer than 5"


def test_a_single_small_cell_in_a_row_with_a_total_takes_a_second_cell_with_it() -> None:
    table = protect([[10, 3, 20]], RULE, column_totals=False)
    assert table.cells[0][1] == "fewer than 5"
    assert table.cells[0][0] == "fewer than 5"  # the next smallest, so 33 - 20 no longer tells
    assert table.row_totals == [33]
    assert recoverable(table, RULE) == []


def test_the_wording_and_threshold_come_from_the_rule() -> None:
    rule = DisclosureRule(threshold=9, wording="fewer than 10")
    table = protect([[9, 10], [10, 50]], rule)
    assert table.cells[0][0] == "fewer than 10"
    assert "between 1 and 9" in rule.sentence and "section 40(2)" in rule.sentence


def test_a_table_with_nothing_small_is_untouched() -> None:
    table = protect([[10, 20], [30, 40]], RULE)
    assert not table.protected
    assert table.row_totals == [30, 70] and table.column_totals == [40, 60] and table.grand_total == 100


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=5), min_size=1, max_size=6),
       st.booleans(), st.booleans())
def test_no_grid_leaves_a_hidden_figure_recoverable(rows: list[list[int]], by_row: bool, by_column: bool) -> None:
    width = max(len(r) for r in rows)
    grid = [r + [0] * (width - len(r)) for r in rows]
    table = protect(grid, RULE, row_totals=by_row, column_totals=by_column)
    assert recoverable(table, RULE) == []
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if 1 <= value <= RULE.threshold:
                assert table.cells[i][j] == RULE.wording
            elif table.cells[i][j] != RULE.wording:
                assert table.cells[i][j] == value
