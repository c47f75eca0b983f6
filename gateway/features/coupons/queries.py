"""Coupons queries, as fields of the root Query type."""

from __future__ import annotations

import strawberry

from gateway.features.coupons.campaigns import campaigns
from gateway.features.coupons.coupon_bulk_job import coupon_bulk_job
from gateway.permissions import Role, requires


@strawberry.type
class CouponsQueries:
    campaigns = strawberry.field(
        resolver=campaigns, description="Coupon campaigns to issue from.", permission_classes=[requires(Role.VIEWER)]
    )
    coupon_bulk_job = strawberry.field(resolver=coupon_bulk_job, permission_classes=[requires(Role.VIEWER)])
