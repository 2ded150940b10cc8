"""Small-number protection (statistical disclosure control) for figures that leave the building.

A count of one or two offences in a small category can identify a victim or an offender, so tables marked
for disclosure show counts from 1 to the profile's threshold as a band ("fewer than 5") instead of the
figure; the letter then explains why, citing FOIA s.40(2) (personal data of third parties). Hiding the
small cells is not enough when the table also shows totals: a single hidden cell in a row whose total is
shown can be recovered by subtraction. So each line (a row or a column, counting its total) that hides
exactly one cell also hides its next smallest cell ("secondary suppression"); when a line has no other
cell to hide, its total is hidden as well. The same rule serves letters and statistics, so the figures a
requester reads in a letter and in its spreadsheet annex agree.

Pure functions over plain lists: no Slack, no storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

#: The sentence a letter or a disclosed table carries when any cell was protected.
S40_SENTENCE = (
    "Where a figure is between 1 and {threshold}, it is shown as \"{wording}\". Disclosing such small numbers "
    "could, with other information available, identify the individuals concerned, and that would be a disclosure "
    "of personal data contrary to the data protection principles; the information is therefore exempt under "
    "section 40(2) of the Freedom of Information Act 2000. Where hiding one figure would let it be worked out "
    "from a total, a second figure or the total is also shown in this way."
)

#: The same sentence under each regime's own personal-data provision: EIR letters say "excepted" under
#: regulation 13, FOISA letters cite section 38(1)(b).
_PROVISIONS = {
    "foia": "exempt under section 40(2) of the Freedom of Information Act 2000",
    "eir": "excepted from disclosure under regulation 13 of the Environmental Information Regulations 2004",
    "foisa": "exempt under section 38(1)(b) of the Freedom of Information (Scotland) Act 2002",
}


@dataclass(frozen=True)
class DisclosureRule:
    """Counts from 1 to ``threshold`` are shown as ``wording``; 0 is shown as 0 (it identifies nobody)."""

    threshold: int = 4
    wording: str = "fewer than 5"

    def is_small(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= self.threshold

    @property
    def sentence(self) -> str:
        return S40_SENTENCE.format(threshold=self.threshold, wording=self.wording)

    def sentence_for(self, regime: str) -> str:
        """The sentence citing the regime's own personal-data provision (FOIA s.40(2), EIR reg 13, FOISA
        s.38(1)(b)); subject access has none, so it gets the FOIA wording's reasoning without a citation."""
        provision = _PROVISIONS.get(regime, _PROVISIONS["foia"])
        return self.sentence.replace(_PROVISIONS["foia"], provision)


@dataclass
class ProtectedTable:
    """The grid with protected cells replaced by the rule's wording, and where they were.

    ``cells`` is row-major, like the input; ``row_totals``/``column_totals``/``grand_total`` hold the totals
    to show (the wording where a total had to be hidden; None where the table shows no such total).
    ``primary`` lists cells hidden for being small, ``secondary`` those hidden to stop back-calculation.
    """

    cells: list[list[object]]
    row_totals: list[object] | None
    column_totals: list[object] | None
    grand_total: object | None
    primary: set[tuple[int, int]] = field(default_factory=set)
    secondary: set[tuple[int, int]] = field(default_factory=set)

    @property
    def protected(self) -> bool:
        return bool(self.primary or self.secondary)


def protect(values: Sequence[Sequence[int | None]], rule: DisclosureRule, *, row_totals: bool = True,
            column_totals: bool = True) -> ProtectedTable:
    """Protect a grid of counts shown with its row totals, column totals, or both (and then a grand total).

    The table and its totals form lines (each row with its total, each column with its total, and the
    row or column of totals with the grand total) in which the total is the sum of the rest, so a line
    with exactly one hidden entry gives it away. Small entries (cells or totals) are hidden first; then,
    until no line has exactly one hidden entry, the smallest other positive entry of such a line is hidden
    too, cells before totals and the grand total last. ``None`` cells (not applicable) are left alone.
    Positions in ``primary``/``secondary`` are (row, column), with ``len(rows)`` / ``len(columns)`` standing
    for the totals.
    """
    grid = [list(row) for row in values]
    n = len(grid)
    m = max((len(row) for row in grid), default=0)
    for row in grid:
        row.extend([None] * (m - len(row)))
    # The augmented grid: row n holds the column totals, column m the row totals, (n, m) the grand total.
    full: dict[tuple[int, int], int] = {(i, j): int(grid[i][j]) for i in range(n) for j in range(m)  # type: ignore[arg-type]
                                        if grid[i][j] is not None}
    if row_totals:
        for i in range(n):
            full[(i, m)] = sum(v for (r, _c), v in full.items() if r == i and _c < m)
    if column_totals:
        for j in range(m):
            full[(n, j)] = sum(v for (_r, c), v in full.items() if c == j and _r < n)
    if row_totals or column_totals:
        full[(n, m)] = sum(v for (r, c), v in full.items() if r < n and c < m)
    lines: list[list[tuple[int, int]]] = []
    if row_totals:
        lines += [[p for p in full if p[0] == i] for i in range(n + (1 if column_totals else 0))]
    if column_totals:
        lines += [[p for p in full if p[1] == j] for j in range(m + (1 if row_totals else 0))]
    lines = [line for line in lines if len(line) > 1]

    def order(p: tuple[int, int]) -> tuple[int, int, tuple[int, int]]:
        kind = 2 if p == (n, m) else (1 if p[0] == n or p[1] == m else 0)
        return (kind, full[p], p)

    hidden = {p for p, v in full.items() if rule.is_small(v)}
    primary = {p for p in hidden if p[0] < n and p[1] < m}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for p in line if p in hidden) != 1:
                continue
            candidates = sorted((p for p in line if p not in hidden and full[p] > 0), key=order)
            if candidates:
                hidden.add(candidates[0])
                changed = True

    def shown(p: tuple[int, int]) -> object:
        return rule.wording if p in hidden else full[p]

    return ProtectedTable(
        cells=[[shown((i, j)) if (i, j) in full else None for j in range(m)] for i in range(n)],
        row_totals=[shown((i, m)) for i in range(n)] if row_totals else None,
        column_totals=[shown((n, j)) for j in range(m)] if column_totals else None,
        grand_total=shown((n, m)) if (row_totals or column_totals) else None,
        primary=primary,
        secondary={p for p in hidden if p not in primary},
    )


def recoverable(table: ProtectedTable, rule: DisclosureRule) -> list[str]:
    """The lines from which a hidden figure can be worked out by subtraction (none, when protected right).

    Checks the published table only, as a requester would: a row or column (with its shown total) holding
    exactly one hidden entry.
    """
    n = len(table.cells)
    m = len(table.cells[0]) if n else 0
    rows = [list(r) for r in table.cells]
    if table.row_totals is not None:
        for i in range(n):
            rows[i].append(table.row_totals[i])
    if table.column_totals is not None:
        rows.append(list(table.column_totals) + ([table.grand_total] if table.row_totals is not None else []))
    found = []
    if table.row_totals is not None:
        for i, row in enumerate(rows):
            present = [v for v in row if v is not None]
            if len(present) > 1 and sum(1 for v in present if v == rule.wording) == 1:
                found.append(f"row {i + 1}")
    if table.column_totals is not None:
        for j in range(m + (1 if table.row_totals is not None else 0)):
            column = [row[j] for row in rows if j < len(row) and row[j] is not None]
            if len(column) > 1 and sum(1 for v in column if v == rule.wording) == 1:
                found.append(f"column {j + 1}")
    return found
