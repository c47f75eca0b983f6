"""Inputs and payloads of the coupons mutations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from gateway.features.common import UserError
from gateway.features.coupons.bulk_types import CouponBulkJob
from gateway.features.coupons.campaign_types import Campaign
from gateway.features.coupons.types import Coupon


@strawberry.input
class IssueCouponInput:
    customer_id: strawberry.ID
    campaign_id: strawberry.ID
    idempotency_key: str


@strawberry.type
class CouponPayload:
    coupon: Coupon | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="A coupon definition. Give validDays, a window (validFrom/validUntil), or both.")
class CreateCampaignInput:
    name: str
    discount_type: str = strawberry.field(description="PERCENT, AMOUNT or FREE_ITEM.")
    discount_value: Decimal
    code_prefix: str = strawberry.field(description="2 to 12 letters or digits; codes read PREFIX-XXXXXXXXXX.")
    description: str | None = None
    valid_days: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    total_limit: int | None = None
    per_customer_limit: int | None = None
    active: bool = True
    reinstate_on_return: bool = False


@strawberry.type
class CampaignPayload:
    campaign: Campaign | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="Issues one campaign to a static customer list, or to the given customer ids.")
class BulkIssueCouponsInput:
    campaign_id: strawberry.ID
    list_id: strawberry.ID | None = None
    customer_ids: list[strawberry.ID] | None = None


@strawberry.type
class CouponBulkJobPayload:
    job: CouponBulkJob | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
