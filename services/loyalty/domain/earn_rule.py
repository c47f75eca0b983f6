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
