"""MessagingService over gRPC."""

from __future__ import annotations

from typing import Any

import grpc
from customer360.messaging.v1 import messaging_pb2, messaging_pb2_grpc

from c360.errors import InvalidInput
from c360.events import timestamp
from services.messaging.adapters.mongo_messages import Document, MongoMessageRepository

Context = grpc.aio.ServicerContext[Any, Any]
MAX_PAGE = 200


def message_to_proto(doc: Document) -> messaging_pb2.Message:
    message = messaging_pb2.Message(
        id=doc["_id"],
        customer_id=doc["customer_id"],
        channel=messaging_pb2.Channel.Value(f"CHANNEL_{doc['channel']}"),
        body=doc.get("body", ""),
        status=doc["status"],
        failure_reason=doc.get("failure_reason") or "",
        sent_by=doc.get("sent_by") or "",
        created_at=timestamp(doc["created_at"]),
    )
    if doc.get("sent_at"):
        message.sent_at.CopyFrom(timestamp(doc["sent_at"]))
    return message


class MessagingServicer(messaging_pb2_grpc.MessagingServiceServicer):
    def __init__(self, messages: MongoMessageRepository) -> None:
        self._messages = messages

    async def ListMessages(
        self, request: messaging_pb2.ListMessagesRequest, context: Context
    ) -> messaging_pb2.ListMessagesResponse:
        size = request.page_size or 20
        if not 0 < size <= MAX_PAGE:
            raise InvalidInput("INVALID_PAGE_SIZE", f"Page size must be 1 to {MAX_PAGE}.", "first")
        channel = None
        if request.channel != messaging_pb2.CHANNEL_UNSPECIFIED:
            channel = messaging_pb2.Channel.Name(request.channel).removeprefix("CHANNEL_")
        docs = await self._messages.page(request.customer_id, channel, request.page_token or None, size + 1)
        more = len(docs) > size
        docs = docs[:size]
        return messaging_pb2.ListMessagesResponse(
            messages=[message_to_proto(d) for d in docs],
            next_page_token=docs[-1]["_id"] if more and docs else "",
        )
