"""Tiers from points earned over a rolling window: up at once, down only when the window ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


def default_thresholds() -> dict[str, int]:
    return {"BRONZE": 0, "SILVER": 1000, "GOLD": 5000}


@dataclass(frozen=True)
class TierPolicy:
    thresholds: dict[str, int] = field(default_factory=default_thresholds)
    window_days: int = 365

    @property
    def window(self) -> timedelta:
        return timedelta(days=self.window_days)

    @property
    def lowest(self) -> str:
        return min(self.thresholds, key=lambda name: self.thresholds[name])

    def rank(self, tier: str) -> int:
        return self.thresholds.get(tier, -1)

    def tier_for(self, earned_in_window: int) -> str:
        reached = [name for name, needed in self.thresholds.items() if earned_in_window >= needed]
        return max(reached, key=lambda name: self.thresholds[name]) if reached else self.lowest

    def window_start_day(self, now: datetime) -> str:
        return (now - self.window).date().isoformat()

    def earned_in_window(self, earned_by_day: dict[str, int], now: datetime) -> int:
        start = self.window_start_day(now)
        return sum(points for day, points in earned_by_day.items() if day > start)
