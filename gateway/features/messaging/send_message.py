"""sendMessage: queues a message; delivery (and its status) follows in the background."""

from __future__ import annotations

from customer360.messaging.v1 import messaging_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.messaging.payloads import MessagePayload, SendMessageInput
from gateway.features.messaging.types import Message
from gateway.mutations import call_backend


def _request(data: SendMessageInput, actor: str) -> messaging_pb2.SendMessageRequest:
    return messaging_pb2.SendMessageRequest(
        customer_id=str(data.customer_id),
        channel=messaging_pb2.Channel.Value(f"CHANNEL_{data.channel.value}"),
        body=data.body or "",
        template_id=data.template_id or "",
        variables={v.name: v.value for v in data.variables or []},
        idempotency_key=data.idempotency_key,
        campaign=data.campaign or "",
        sent_by=actor,
    )


async def send_message(info: GatewayInfo, input: SendMessageInput) -> MessagePayload:
    context = info.context
    reply = await call_backend(
        context.backends.messaging.SendMessage(_request(input, context.actor()), timeout=context.timeout()),
        "messaging",
        ["input"],
    )
    if isinstance(reply, UserError):
        return MessagePayload(user_errors=[reply])
    return MessagePayload(message=Message.of(reply.message))
