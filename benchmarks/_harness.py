"""Timing helpers and the row type shared by the benchmark modules."""

import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Row:
    """One measured comparison: ``ours`` against ``reference``; ``ratio`` = ours / reference.

    ``goal`` is the human-readable target (e.g. "≤ 1.5×"), ``met`` whether the ratio meets it, and
    ``value``/``unit`` carry a figure that is not a ratio (a bandwidth, a memory size).
    """

    group: str
    name: str
    ours_s: float | None = None
    reference: str = ""
    reference_s: float | None = None
    goal: str = ""
    met: bool | None = None
    value: float | None = None
    unit: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self):
        if self.ours_s is None or not self.reference_s:
            return None
        return self.ours_s / self.reference_s


def best_time(fn, *, repeat=7, number=None, min_time=0.2):
    """The median over ``repeat`` runs of the time per call of ``fn`` (seconds).

    ``number`` calls make one run; by default it is chosen so that one run takes about ``min_time``.
    """
    fn()  # warm up (allocations, tracing, caches)
    if number is None:
        number, elapsed = 1, 0.0
        while True:
            start = time.perf_counter()
            for _ in range(number):
                fn()
            elapsed = time.perf_counter() - start
            if elapsed >= min_time or number >= 1_000_000:
                break
            number *= 2
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - start) / number)
    return float(np.median(runs))
