"""MessagingService over gRPC: proto in, use case, proto out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import grpc
from customer360.messaging.v1 import messaging_pb2, messaging_pb2_grpc

from c360.errors import InvalidInput
from c360.events import timestamp
from services.messaging.adapters.mongo_inbox import MongoInboxRepository
from services.messaging.adapters.mongo_messages import MongoMessageRepository
from services.messaging.adapters.mongo_recipients import MongoRecipientRepository
from services.messaging.app.inbound import InboundWhatsapp, RecordDeliveryReport
from services.messaging.app.mark_inbox_read import MarkInboxRead
from services.messaging.app.send_message import SendMessage
from services.messaging.domain.compose import MessageRequest
from services.messaging.ports.proto_mapping import (
    campaign_to_proto,
    channel_from_proto,
    inbox_to_proto,
    message_to_proto,
    outgoing_to_proto,
)

Context = grpc.aio.ServicerContext[Any, Any]
MAX_PAGE = 200
MAX_BATCH = 500


def page_size(requested: int) -> int:
    size = requested or 20
    if not 0 < size <= MAX_PAGE:
        raise InvalidInput("INVALID_PAGE_SIZE", f"Page size must be 1 to {MAX_PAGE}.", "first")
    return size


def check_batch(count: int) -> None:
    if count > MAX_BATCH:
        raise InvalidInput("BATCH_TOO_LARGE", f"At most {MAX_BATCH} customers per call.", "customerIds")


@dataclass
class MessagingUseCases:
    send: SendMessage
    mark_inbox_read: MarkInboxRead
    inbound_whatsapp: InboundWhatsapp
    delivery_report: RecordDeliveryReport


class MessagingServicer(messaging_pb2_grpc.MessagingServiceServicer):
    def __init__(
        self,
        messages: MongoMessageRepository,
        inbox: MongoInboxRepository,
        recipients: MongoRecipientRepository,
        use_cases: MessagingUseCases,
    ) -> None:
        self._messages, self._inbox, self._recipients, self._use = messages, inbox, recipients, use_cases

    async def ListMessages(
        self, request: messaging_pb2.ListMessagesRequest, context: Context
    ) -> messaging_pb2.ListMessagesResponse:
        size = page_size(request.page_size)
        channel = None
        if request.channel != messaging_pb2.CHANNEL_UNSPECIFIED:
            channel = channel_from_proto(request.channel).value
        docs = await self._messages.page(request.customer_id, channel, request.page_token or None, size + 1)
        return messaging_pb2.ListMessagesResponse(
            messages=[message_to_proto(d) for d in docs[:size]],
            next_page_token=docs[size - 1]["_id"] if len(docs) > size else "",
        )

    async def SendMessage(
        self, request: messaging_pb2.SendMessageRequest, context: Context
    ) -> messaging_pb2.SendMessageResponse:
        message_request = MessageRequest(
            channel=channel_from_proto(request.channel),
            body=request.body,
            template_id=request.template_id.strip(),
            variables=dict(request.variables),
            campaign=request.campaign.strip(),
        )
        message = await self._use.send(request.customer_id, message_request, request.idempotency_key, request.sent_by)
        return messaging_pb2.SendMessageResponse(message=outgoing_to_proto(message))

    async def ListInbox(
        self, request: messaging_pb2.ListInboxRequest, context: Context
    ) -> messaging_pb2.ListInboxResponse:
        size = page_size(request.page_size)
        items = await self._inbox.page(request.customer_id, request.page_token or None, size + 1)
        now = datetime.now(UTC)
        return messaging_pb2.ListInboxResponse(
            messages=[inbox_to_proto(i, now) for i in items[:size]],
            next_page_token=items[size - 1].id if len(items) > size else "",
        )

    async def MarkInboxRead(
        self, request: messaging_pb2.MarkInboxReadRequest, context: Context
    ) -> messaging_pb2.InboxMessage:
        item = await self._use.mark_inbox_read(request.customer_id, request.message_id)
        return inbox_to_proto(item, datetime.now(UTC))

    async def ListCampaignsReceived(
        self, request: messaging_pb2.ListCampaignsReceivedRequest, context: Context
    ) -> messaging_pb2.ListCampaignsReceivedResponse:
        size = page_size(request.page_size)
        docs = await self._messages.campaigns_page(request.customer_id, request.page_token or None, size + 1)
        return messaging_pb2.ListCampaignsReceivedResponse(
            campaigns=[campaign_to_proto(d) for d in docs[:size]],
            next_page_token=docs[size - 1]["_id"] if len(docs) > size else "",
        )

    async def BatchGetChannelStates(
        self, request: messaging_pb2.BatchGetChannelStatesRequest, context: Context
    ) -> messaging_pb2.BatchGetChannelStatesResponse:
        check_batch(len(request.customer_ids))
        now = datetime.now(UTC)
        states = []
        for recipient in await self._recipients.get_many(list(request.customer_ids)):
            state = messaging_pb2.ChannelState(customer_id=recipient.customer_id)
            if recipient.whatsapp_window_until is not None and recipient.whatsapp_session_open(now):
                state.whatsapp_session_open_until.CopyFrom(timestamp(recipient.whatsapp_window_until))
            states.append(state)
        return messaging_pb2.BatchGetChannelStatesResponse(states=states)

    async def RecordInboundWhatsapp(
        self, request: messaging_pb2.RecordInboundWhatsappRequest, context: Context
    ) -> messaging_pb2.RecordInboundWhatsappResponse:
        wa_id = request.wa_id.strip().removeprefix("+")
        if not wa_id.isdigit():
            raise InvalidInput("INVALID_WA_ID", "A WhatsApp id is the sender's number in digits.", "waId")
        received_at = request.received_at.ToDatetime(tzinfo=UTC) if request.HasField("received_at") else None
        now = datetime.now(UTC)  # a provider clock ahead of ours must not stretch the window
        customer_id, until = await self._use.inbound_whatsapp(wa_id, min(received_at or now, now))
        reply = messaging_pb2.RecordInboundWhatsappResponse(customer_id=customer_id)
        if until is not None:
            reply.session_open_until.CopyFrom(timestamp(until))
        return reply

    async def RecordDeliveryStatus(
        self, request: messaging_pb2.RecordDeliveryStatusRequest, context: Context
    ) -> messaging_pb2.RecordDeliveryStatusResponse:
        applied = await self._use.delivery_report(request.provider_message_id, request.status.upper(), request.reason)
        return messaging_pb2.RecordDeliveryStatusResponse(applied=applied)

    async def BatchListMessages(
        self, request: messaging_pb2.BatchListMessagesRequest, context: Context
    ) -> messaging_pb2.BatchListMessagesResponse:
        check_batch(len(request.requests))
        return messaging_pb2.BatchListMessagesResponse(
            responses=[await self.ListMessages(r, context) for r in request.requests]
        )

    async def BatchListInbox(
        self, request: messaging_pb2.BatchListInboxRequest, context: Context
    ) -> messaging_pb2.BatchListInboxResponse:
        check_batch(len(request.requests))
        return messaging_pb2.BatchListInboxResponse(
            responses=[await self.ListInbox(r, context) for r in request.requests]
        )

    async def BatchListCampaignsReceived(
        self, request: messaging_pb2.BatchListCampaignsReceivedRequest, context: Context
    ) -> messaging_pb2.BatchListCampaignsReceivedResponse:
        check_batch(len(request.requests))
        return messaging_pb2.BatchListCampaignsReceivedResponse(
            responses=[await self.ListCampaignsReceived(r, context) for r in request.requests]
        )
