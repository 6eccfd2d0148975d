"""Import throughput: 100,000 posts through the metric import path (the `import_metrics` command)."""

from __future__ import annotations

from .measure import Measurement

IMPORT_POSTS = 100_000


def measure_import(*, scale: int, dsn: str, runs: int) -> Measurement:
    measurement = Measurement(name="import:posts", scale=scale, group="import")
    try:
        from influencers.management.commands import import_metrics  # noqa: F401
    except ImportError:
        measurement.available = False
        measurement.detail = {"reason": "the import_metrics command does not exist yet"}
        return measurement
    raise NotImplementedError
