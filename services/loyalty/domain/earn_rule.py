"""How many points a purchase earns."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal


@dataclass(frozen=True)
class EarnRule:
    """One point per `spend_per_point` of the total, rounded down; configurable per currency."""

    spend_per_point: Decimal = Decimal(1000)
    per_currency: dict[str, Decimal] = field(default_factory=dict)

    def points_for(self, total: Decimal, currency: str) -> int:
        unit = self.per_currency.get(currency, self.spend_per_point)
        if total <= 0 or unit <= 0:
            return 0
        return int((total / unit).to_integral_value(rounding=ROUND_FLOOR))


def reversal_points(original_points: int, original_total: Decimal, returned: Decimal, already_reversed: int) -> int:
    """Points a return takes back: pro rata to the returned amount, never more than is left to reverse."""
    if original_points <= 0 or original_total <= 0:
        return 0
    share = min(abs(returned) / original_total, Decimal(1))
    due = int((original_points * share).to_integral_value(rounding=ROUND_FLOOR))
    return max(min(due, original_points - already_reversed), 0)
