"""requestRedemptionOtp and redeemPoints: points leave only against a code the customer received."""

from __future__ import annotations

import strawberry
from customer360.loyalty.v1 import loyalty_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.loyalty.payloads import OtpPayload, PointsPayload
from gateway.features.loyalty.types import OtpRecord
from gateway.mutations import call_backend


async def request_redemption_otp(info: GatewayInfo, customer_id: strawberry.ID, points: int) -> OtpPayload:
    context = info.context
    request = loyalty_pb2.RequestRedemptionOtpRequest(
        customer_id=str(customer_id), points=points, actor=context.actor()
    )
    reply = await call_backend(
        context.backends.loyalty.RequestRedemptionOtp(request, timeout=context.timeout()), "loyalty", []
    )
    if isinstance(reply, UserError):
        return OtpPayload(user_errors=[reply])
    return OtpPayload(otp=OtpRecord.of(reply))


async def redeem_points(
    info: GatewayInfo, customer_id: strawberry.ID, points: int, otp: str, idempotency_key: str
) -> PointsPayload:
    context = info.context
    request = loyalty_pb2.RedeemPointsRequest(
        customer_id=str(customer_id), points=points, otp=otp, idempotency_key=idempotency_key, actor=context.actor()
    )
    reply = await call_backend(context.backends.loyalty.RedeemPoints(request, timeout=context.timeout()), "loyalty", [])
    return PointsPayload.of(reply)
