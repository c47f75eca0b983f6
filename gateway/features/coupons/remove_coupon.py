"""removeCoupon: withdraws an ACTIVE coupon, recording the remark and who removed it."""

from __future__ import annotations

from typing import Annotated

import strawberry
from customer360.coupons.v1 import coupons_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.coupons.payloads import CouponPayload
from gateway.features.coupons.types import Coupon
from gateway.mutations import call_backend


async def remove_coupon(
    info: GatewayInfo,
    code: str,
    remark: str | None = None,
    customer_id: Annotated[
        strawberry.ID | None, strawberry.argument(description="When given, a code of another customer is refused.")
    ] = None,
) -> CouponPayload:
    context = info.context
    request = coupons_pb2.RemoveCouponRequest(
        code=code, remark=remark or "", actor=context.actor(), customer_id=str(customer_id or "")
    )
    reply = await call_backend(context.backends.coupons.RemoveCoupon(request, timeout=context.timeout()), "coupons", [])
    if isinstance(reply, UserError):
        return CouponPayload(user_errors=[reply])
    return CouponPayload(coupon=Coupon(record=reply))
