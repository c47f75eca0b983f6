"""CustomerMetrics and purchases, as clients see them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum

import strawberry
from customer360.loyalty.v1 import loyalty_pb2

from gateway.features.common import PageInfo
from gateway.features.loyalty.types import time_of


@strawberry.enum
class OrderSource(Enum):
    IN_STORE = "IN_STORE"
    ONLINE = "ONLINE"
    API = "API"


@strawberry.type
class Rfm:
    recency: int
    frequency: int
    monetary: int
    computed_at: datetime = strawberry.field(description="When the quintile breaks were last computed.")


@strawberry.type
class CategorySpend:
    category: str
    amount: Decimal
    quantity: int


@strawberry.type
class CustomerMetrics:
    metrics: strawberry.Private[loyalty_pb2.Metrics]

    @strawberry.field
    def lifetime_spend(self) -> Decimal:
        return Decimal(self.metrics.lifetime_spend or "0")

    @strawberry.field
    def orders(self) -> int:
        return self.metrics.orders

    @strawberry.field
    def average_transaction_value(self) -> Decimal:
        return Decimal(self.metrics.average_transaction_value or "0")

    @strawberry.field
    def last_transaction_value(self) -> Decimal | None:
        return Decimal(self.metrics.last_transaction_value) if self.metrics.last_transaction_value else None

    @strawberry.field
    def last_transaction_at(self) -> datetime | None:
        return time_of(self.metrics.last_transaction_at) if self.metrics.HasField("last_transaction_at") else None

    @strawberry.field
    def days_since_last_purchase(self) -> int | None:
        if not self.metrics.HasField("last_transaction_at"):
            return None
        return max((datetime.now(UTC) - time_of(self.metrics.last_transaction_at)).days, 0)

    @strawberry.field(description="Recency, frequency, monetary 1..5 (quintiles); null until the first purchase.")
    def rfm(self) -> Rfm | None:
        if self.metrics.orders <= 0 or not self.metrics.HasField("rfm"):
            return None
        r = self.metrics.rfm
        return Rfm(recency=r.recency, frequency=r.frequency, monetary=r.monetary, computed_at=time_of(r.computed_at))

    @strawberry.field
    def top_categories(self, limit: int | None = 10) -> list[CategorySpend]:
        chosen = list(self.metrics.top_categories)[: max(limit if limit is not None else 10, 0)]
        return [CategorySpend(category=c.category, amount=Decimal(c.amount), quantity=c.quantity) for c in chosen]


@strawberry.type
class PurchaseItem:
    sku: str
    name: str | None
    category: str | None
    quantity: int
    unit_price: Decimal


@strawberry.type
class Discount:
    description: str | None
    amount: Decimal | None


@strawberry.type
class Purchase:
    transaction_id: strawberry.ID
    receipt_id: str | None
    occurred_at: datetime
    store_id: str | None
    terminal_id: str | None
    source: OrderSource
    total: Decimal
    currency: str
    items: list[PurchaseItem]
    coupon_codes: list[str]
    points_earned: int
    points_redeemed: int
    kind: str = strawberry.field(description="SALE or RETURN.")
    partner_id: str
    discounts: list[Discount]

    @classmethod
    def of(cls, p: loyalty_pb2.Purchase) -> Purchase:
        return cls(
            transaction_id=strawberry.ID(p.transaction_id),
            receipt_id=p.receipt_id or None,
            occurred_at=time_of(p.occurred_at),
            store_id=p.store_id or None,
            terminal_id=p.terminal_id or None,
            source=OrderSource(p.source or "IN_STORE"),
            total=Decimal(p.total),
            currency=p.currency,
            items=[
                PurchaseItem(
                    sku=i.sku,
                    name=i.name or None,
                    category=i.category or None,
                    quantity=i.quantity,
                    unit_price=Decimal(i.unit_price),
                )
                for i in p.items
            ],
            coupon_codes=list(p.coupon_codes),
            points_earned=p.points_earned,
            points_redeemed=p.points_redeemed,
            kind=p.kind or "SALE",
            partner_id=p.partner_id,
            discounts=[Discount(description=d.description or None, amount=_decimal(d.amount)) for d in p.discounts],
        )


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except ArithmeticError:
        return None


@strawberry.type
class PurchaseEdge:
    cursor: str
    node: Purchase


@strawberry.type
class PurchaseConnection:
    edges: list[PurchaseEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: loyalty_pb2.PurchasePage) -> PurchaseConnection:
        edges = [PurchaseEdge(cursor=c, node=Purchase.of(p)) for c, p in zip(page.cursors, page.purchases, strict=True)]
        end = edges[-1].cursor if edges else None
        return cls(edges=edges, page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=end))
