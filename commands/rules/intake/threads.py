"""Several requests in one text: a WhatDoTheyKnow page or a pasted thread holding more than one request.

Each request is read on its own and offered as its own case, because each has its own received date,
clock and reference. A request starts at its title line above "X made this Freedom of Information request
to Y" (WhatDoTheyKnow's layout), so the authority's replies inside a thread stay with their request.
"""

from __future__ import annotations

import re

_MADE_REQUEST = re.compile(
    r"^[^\n]{1,120}\bmade\s+this\s+(?:Freedom\s+of\s+Information|Environmental\s+Information|information)\s+request\s+to\b",
    re.IGNORECASE | re.MULTILINE,
)


def split_requests(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each request in ``text``; one span covering everything when there is one."""
    starts: list[int] = []
    for match in _MADE_REQUEST.finditer(text):
        start = match.start()
        before = text[:start].rstrip("\n ")
        title_start = before.rfind("\n") + 1
        title = before[title_start:].strip()
        # The request's title sits just above the "made this request" line, after a blank line.
        if title and len(title) <= 200 and start - len(before) >= 1:
            start = title_start
        starts.append(start)
    if len(starts) < 2:
        return [(0, len(text))]
    starts[0] = 0
    return [(start, starts[index + 1] if index + 1 < len(starts) else len(text)) for index, start in enumerate(starts)]
