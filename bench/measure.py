"""What one benchmark line is, and how it is timed: warm-up, then p50/p95 over repeated runs."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Measurement:
    """One line of bench/results/latest.json and of the table in docs/benchmarks.md."""

    name: str
    scale: int
    group: str
    p50_ms: float | None = None
    p95_ms: float | None = None
    floor_ms: float | None = None  # the same SQL straight through psycopg (p50)
    floor_p95_ms: float | None = None
    ratio: float | None = None  # p50 / floor
    queries: int | None = None
    runs: int = 0
    available: bool = True
    target: str = ""
    met: bool | None = None  # against the target, judged only at the target's scale
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): with 20 runs, p95 is the 19th fastest."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def time_ms(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def repeat_ms(
    function: Callable[[], Any],
    *,
    warmup: int,
    runs: int,
    before_each: Callable[[], Any] | None = None,
) -> list[float]:
    """Wall-clock milliseconds of `runs` calls after `warmup` untimed ones.

    `before_each` runs untimed before every call (e.g. to add the new posts an incremental
    recompute should find).
    """
    samples = []
    for index in range(warmup + runs):
        if before_each is not None:
            before_each()
        elapsed, _ = time_ms(function)
        if index >= warmup:
            samples.append(elapsed)
    return samples


def summarize(measurement: Measurement, samples: list[float]) -> Measurement:
    measurement.p50_ms = round(percentile(samples, 50), 2)
    measurement.p95_ms = round(percentile(samples, 95), 2)
    measurement.runs = len(samples)
    return measurement


def with_floor(measurement: Measurement, floor_samples: list[float]) -> Measurement:
    measurement.floor_ms = round(percentile(floor_samples, 50), 2)
    measurement.floor_p95_ms = round(percentile(floor_samples, 95), 2)
    if measurement.p50_ms is not None and measurement.floor_ms > 0:
        measurement.ratio = round(measurement.p50_ms / measurement.floor_ms, 2)
    return measurement
