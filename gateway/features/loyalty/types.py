"""The loyalty section's types."""

from __future__ import annotations

import strawberry
from customer360.loyalty.v1 import loyalty_pb2


@strawberry.type
class Loyalty:
    account: strawberry.Private[loyalty_pb2.Account]

    @strawberry.field
    def points_balance(self) -> int:
        return self.account.points_balance

    @strawberry.field
    def lifetime_points(self) -> int:
        return self.account.lifetime_points

    @strawberry.field
    def redeemed_points(self) -> int:
        return self.account.redeemed_points

    @strawberry.field
    def expired_points(self) -> int:
        return self.account.expired_points

    @strawberry.field
    def tier(self) -> str:
        return self.account.tier or "BRONZE"
