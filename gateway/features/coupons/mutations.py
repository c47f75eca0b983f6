"""Coupons mutations, as fields of the root Mutation type."""

from __future__ import annotations

import strawberry

from gateway.features.coupons.bulk_issue_coupons import bulk_issue_coupons
from gateway.features.coupons.create_campaign import create_campaign
from gateway.features.coupons.issue_coupon import issue_coupon
from gateway.features.coupons.remove_coupon import remove_coupon
from gateway.permissions import Role, requires


@strawberry.type
class CouponsMutations:
    issue_coupon = strawberry.mutation(
        resolver=issue_coupon, description="Quick coupon.", permission_classes=[requires(Role.AGENT)]
    )
    remove_coupon = strawberry.mutation(resolver=remove_coupon, permission_classes=[requires(Role.AGENT)])
    create_campaign = strawberry.mutation(resolver=create_campaign, permission_classes=[requires(Role.ADMIN)])
    bulk_issue_coupons = strawberry.mutation(resolver=bulk_issue_coupons, permission_classes=[requires(Role.ADMIN)])
