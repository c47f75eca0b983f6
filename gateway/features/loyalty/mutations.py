"""Loyalty mutations, as fields of the root Mutation type."""

from __future__ import annotations

import strawberry

from gateway.features.loyalty.adjust_points import adjust_points
from gateway.features.loyalty.redemption import redeem_points, request_redemption_otp
from gateway.features.loyalty.set_tier import set_tier
from gateway.features.loyalty.transfer_purchase import transfer_purchase
from gateway.permissions import Role, requires


@strawberry.type
class LoyaltyMutations:
    adjust_points = strawberry.mutation(resolver=adjust_points, permission_classes=[requires(Role.MANAGER)])
    set_tier = strawberry.mutation(resolver=set_tier, permission_classes=[requires(Role.MANAGER)])
    transfer_purchase = strawberry.mutation(resolver=transfer_purchase, permission_classes=[requires(Role.MANAGER)])
    request_redemption_otp = strawberry.mutation(
        resolver=request_redemption_otp, permission_classes=[requires(Role.AGENT)]
    )
    redeem_points = strawberry.mutation(resolver=redeem_points, permission_classes=[requires(Role.AGENT)])
