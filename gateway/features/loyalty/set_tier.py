"""setTier: a manual tier override with a remark."""

from __future__ import annotations

import strawberry
from customer360.loyalty.v1 import loyalty_pb2

from gateway.context import GatewayInfo
from gateway.features.loyalty.payloads import PointsPayload
from gateway.mutations import call_backend


async def set_tier(info: GatewayInfo, customer_id: strawberry.ID, tier: str, remark: str) -> PointsPayload:
    context = info.context
    request = loyalty_pb2.SetTierRequest(customer_id=str(customer_id), tier=tier, remark=remark, actor=context.actor())
    reply = await call_backend(context.backends.loyalty.SetTier(request, timeout=context.timeout()), "loyalty", [])
    return PointsPayload.of(reply)
