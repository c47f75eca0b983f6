"""The loyalty fields of Customer360: points (`loyalty`), `metrics` and `purchases`."""

from __future__ import annotations

from typing import Any

import strawberry
from customer360.loyalty.v1 import loyalty_pb2

from gateway.context import GatewayInfo
from gateway.features.loyalty.loaders import accounts_by_customer, purchase_pages
from gateway.features.loyalty.metrics_types import CustomerMetrics, PurchaseConnection
from gateway.features.loyalty.paging import page_size
from gateway.features.loyalty.prefetch import start_loyalty_lists
from gateway.features.loyalty.types import Loyalty
from gateway.features.prefetching import selections_of


def purchases_key(customer_id: str, first: int | None, after: str | None, search: str | None) -> tuple[Any, ...]:
    return (customer_id, page_size(first), after or "", (search or "").strip())


async def _account(info: GatewayInfo, customer_id: str) -> loyalty_pb2.Account:
    account = await info.context.loaders.get(accounts_by_customer).load(customer_id)
    # No account yet means the registration event is still on its way: no points so far.
    return account or loyalty_pb2.Account(customer_id=customer_id)


@strawberry.type
class LoyaltySection:
    id: strawberry.ID

    @strawberry.field
    async def loyalty(self, info: GatewayInfo) -> Loyalty | None:
        start_loyalty_lists(info.context.loaders, selections_of(info), str(self.id))
        return Loyalty(account=await _account(info, str(self.id)))

    @strawberry.field(description="Spend metrics, current within a second of a purchase.")
    async def metrics(self, info: GatewayInfo) -> CustomerMetrics | None:
        return CustomerMetrics(metrics=(await _account(info, str(self.id))).metrics)

    @strawberry.field(description="Purchases, newest first; `search` matches a receipt id or transaction id.")
    async def purchases(
        self, info: GatewayInfo, first: int | None = 20, after: str | None = None, search: str | None = None
    ) -> PurchaseConnection | None:
        key = purchases_key(str(self.id), first, after, search)
        return PurchaseConnection.of(await info.context.loaders.get(purchase_pages).load(key))
