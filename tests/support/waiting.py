"""Waiting for what happens after the acknowledgement, on a condition with a generous ceiling.

The ceiling only bounds a test that is going to fail anyway; a passing test returns as soon as the
condition holds, so a busy machine makes tests slower, never red.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: Default ceiling (seconds). Generous on purpose: see above.
CEILING = 60.0


def wait_until(predicate: Callable[[], T], timeout: float = CEILING, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout:g} s")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.2)
