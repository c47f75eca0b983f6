"""issueCoupon: a quick coupon from a campaign; the same idempotency key returns the same coupon."""

from __future__ import annotations

from customer360.coupons.v1 import coupons_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.coupons.payloads import CouponPayload, IssueCouponInput
from gateway.features.coupons.types import Coupon
from gateway.mutations import call_backend


async def issue_coupon(info: GatewayInfo, input: IssueCouponInput) -> CouponPayload:
    context = info.context
    request = coupons_pb2.IssueCouponRequest(
        customer_id=str(input.customer_id),
        campaign_id=str(input.campaign_id),
        idempotency_key=input.idempotency_key,
        actor=context.actor(),
    )
    reply = await call_backend(
        context.backends.coupons.IssueCoupon(request, timeout=context.timeout()), "coupons", ["input"]
    )
    if isinstance(reply, UserError):
        return CouponPayload(user_errors=[reply])
    return CouponPayload(coupon=Coupon(record=reply))
