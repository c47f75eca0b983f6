"""adjustPoints: a manager's + or - correction, with a remark, once per idempotency key."""

from __future__ import annotations

from customer360.loyalty.v1 import loyalty_pb2

from gateway.context import GatewayInfo
from gateway.features.loyalty.payloads import AdjustPointsInput, PointsPayload
from gateway.mutations import call_backend


async def adjust_points(info: GatewayInfo, input: AdjustPointsInput) -> PointsPayload:
    context = info.context
    request = loyalty_pb2.AdjustPointsRequest(
        customer_id=str(input.customer_id),
        points=input.points,
        remark=input.remark,
        idempotency_key=input.idempotency_key,
        actor=context.actor(),
    )
    reply = await call_backend(
        context.backends.loyalty.AdjustPoints(request, timeout=context.timeout()), "loyalty", ["input"]
    )
    return PointsPayload.of(reply)
