"""transferPurchase: moves a purchase and the points it earned to another customer."""

from __future__ import annotations

import strawberry
from customer360.loyalty.v1 import loyalty_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.loyalty.metrics_types import Purchase
from gateway.features.loyalty.payloads import PurchasePayload
from gateway.mutations import call_backend


async def transfer_purchase(
    info: GatewayInfo, transaction_id: strawberry.ID, to_customer_id: strawberry.ID, remark: str
) -> PurchasePayload:
    context = info.context
    request = loyalty_pb2.TransferPurchaseRequest(
        transaction_id=str(transaction_id), to_customer_id=str(to_customer_id), remark=remark, actor=context.actor()
    )
    reply = await call_backend(
        context.backends.loyalty.TransferPurchase(request, timeout=context.timeout()), "loyalty", []
    )
    if isinstance(reply, UserError):
        return PurchasePayload(user_errors=[reply])
    return PurchasePayload(purchase=Purchase.of(reply.purchase))
