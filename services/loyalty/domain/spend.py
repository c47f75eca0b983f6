"""Spend metrics of one customer, kept current purchase by purchase (not by a nightly batch)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class CategoryTotal:
    category: str
    amount: Decimal
    quantity: int


@dataclass(frozen=True)
class SpendDelta:
    """What one purchase (or its undoing) changes; signed, so a transfer out is a negated sale."""

    amount: Decimal
    orders: int
    total: Decimal
    occurred_at: datetime | None  # set for sales: a candidate last transaction
    categories: tuple[CategoryTotal, ...] = ()

    def negated(self) -> SpendDelta:
        return SpendDelta(
            amount=-self.amount,
            orders=-self.orders,
            total=self.total,
            occurred_at=None,
            categories=tuple(CategoryTotal(c.category, -c.amount, -c.quantity) for c in self.categories),
        )


@dataclass(frozen=True)
class SpendMetrics:
    lifetime_spend: Decimal = Decimal(0)
    orders: int = 0
    last_value: Decimal | None = None
    last_at: datetime | None = None
    categories: tuple[CategoryTotal, ...] = ()

    @property
    def average(self) -> Decimal:
        if self.orders <= 0:
            return Decimal(0).quantize(CENT)
        return (self.lifetime_spend / self.orders).quantize(CENT)

    def top_categories(self, limit: int) -> list[CategoryTotal]:
        ranked = sorted((c for c in self.categories if c.amount > 0), key=lambda c: (-c.amount, c.category))
        return ranked[: max(limit, 0)]

    def plus(self, delta: SpendDelta) -> SpendMetrics:
        totals = {c.category: c for c in self.categories}
        for change in delta.categories:
            now = totals.get(change.category, CategoryTotal(change.category, Decimal(0), 0))
            totals[change.category] = CategoryTotal(
                change.category, now.amount + change.amount, now.quantity + change.quantity
            )
        metrics = replace(
            self,
            lifetime_spend=self.lifetime_spend + delta.amount,
            orders=max(self.orders + delta.orders, 0),
            categories=tuple(c for c in totals.values() if c.quantity > 0 or c.amount > 0),
        )
        if delta.occurred_at is not None and (self.last_at is None or delta.occurred_at >= self.last_at):
            metrics = replace(metrics, last_value=delta.total, last_at=delta.occurred_at)
        return metrics
