"""The loyalty fields of Customer360: points now; metrics and purchases come with the loyalty issue."""

from __future__ import annotations

import strawberry
from customer360.loyalty.v1 import loyalty_pb2

from gateway.context import GatewayInfo
from gateway.features.loyalty.loaders import accounts_by_customer
from gateway.features.loyalty.types import Loyalty


@strawberry.type
class LoyaltySection:
    id: strawberry.ID

    @strawberry.field
    async def loyalty(self, info: GatewayInfo) -> Loyalty | None:
        account = await info.context.loaders.get(accounts_by_customer).load(str(self.id))
        # No account yet means the registration event is still on its way: no points so far.
        return Loyalty(account=account or loyalty_pb2.Account(customer_id=str(self.id)))
