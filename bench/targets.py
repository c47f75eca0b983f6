"""The issue's targets as data: each measured value, its limit, met or missed, and by how much."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    scenario: str
    goal: str
    measured: float
    limit: float
    higher_is_better: bool
    unit: str = ""

    @classmethod
    def at_most(cls, scenario: str, goal: str, measured: float, limit: float, unit: str = "") -> Target:
        return cls(scenario, goal, measured, limit, False, unit)

    @classmethod
    def at_least(cls, scenario: str, goal: str, measured: float, limit: float, unit: str = "") -> Target:
        return cls(scenario, goal, measured, limit, True, unit)

    @property
    def met(self) -> bool:
        if math.isnan(self.measured):
            return False
        return self.measured >= self.limit if self.higher_is_better else self.measured <= self.limit

    def margin(self) -> str:
        if math.isnan(self.measured):
            return "not measured"
        if math.isinf(self.measured):
            return "some never happened within the wait"
        if self.limit == 0:
            gap = abs(self.measured - self.limit)
            return "exactly" if gap == 0 else f"off by {gap:g}{self.unit}"
        if self.higher_is_better:
            share = self.measured / self.limit
            return f"{share - 1:.0%} above the limit" if self.met else f"{1 - share:.0%} short (needs {1 / share:.2f}x)"
        share = self.measured / self.limit
        return f"{1 - share:.0%} under the limit" if self.met else f"{share - 1:.0%} over (needs {share:.2f}x faster)"

    def row(self) -> dict[str, object]:
        sign = ">=" if self.higher_is_better else "<="
        return {
            "scenario": self.scenario,
            "target": self.goal,
            "measured": f"{self.measured:.3g}{self.unit}",
            "limit": f"{sign} {self.limit:g}{self.unit}",
            "result": "met" if self.met else "**missed**",
            "by how much": self.margin(),
        }


def summary(targets: Sequence[Target]) -> list[dict[str, object]]:
    return [t.row() for t in targets]
