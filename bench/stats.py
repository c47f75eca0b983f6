"""Latency and throughput summaries of one measured run."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN where either is unknown or the denominator is zero."""
    if denominator == 0 or math.isnan(denominator) or math.isnan(numerator):
        return float("nan")
    return numerator / denominator


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


@dataclass
class Run:
    """Latencies (seconds) of the successful calls of one variant at one concurrency, over `elapsed` seconds."""

    label: str
    concurrency: int
    elapsed: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def p(self, fraction: float) -> float:
        return percentile(sorted(self.latencies), fraction)

    def row(self) -> dict[str, float | int | str]:
        return {
            "variant": self.label,
            "concurrency": self.concurrency,
            "requests": len(self.latencies),
            "errors": self.errors,
            "p50 ms": round(self.p(0.50) * 1000, 2),
            "p95 ms": round(self.p(0.95) * 1000, 2),
            "p99 ms": round(self.p(0.99) * 1000, 2),
            "req/s": round(self.throughput, 1),
        }
