"""markInboxRead: the app inbox item becomes READ (once; expired items stay EXPIRED)."""

from __future__ import annotations

import strawberry
from customer360.messaging.v1 import messaging_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.messaging.payloads import InboxPayload
from gateway.features.messaging.types import InboxMessage
from gateway.mutations import call_backend


async def mark_inbox_read(info: GatewayInfo, customer_id: strawberry.ID, message_id: strawberry.ID) -> InboxPayload:
    context = info.context
    request = messaging_pb2.MarkInboxReadRequest(customer_id=str(customer_id), message_id=str(message_id))
    reply = await call_backend(
        context.backends.messaging.MarkInboxRead(request, timeout=context.timeout()), "messaging", []
    )
    if isinstance(reply, UserError):
        return InboxPayload(user_errors=[reply])
    return InboxPayload(message=InboxMessage.of(reply))
