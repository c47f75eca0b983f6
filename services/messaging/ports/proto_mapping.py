"""Between stored messages / inbox items and their protobuf shapes."""

from __future__ import annotations

from datetime import datetime

from customer360.messaging.v1 import messaging_pb2

from c360.errors import InvalidInput
from c360.events import timestamp
from services.messaging.adapters.message_documents import Document
from services.messaging.domain.channels import Channel, MessageStatus
from services.messaging.domain.inbox import InboxItem
from services.messaging.domain.message import OutgoingMessage


def channel_from_proto(value: int, field: str = "channel") -> Channel:
    if value == messaging_pb2.CHANNEL_UNSPECIFIED or value not in messaging_pb2.Channel.values():
        raise InvalidInput("INVALID_CHANNEL", "Choose SMS, WHATSAPP, EMAIL or PUSH.", field)
    return Channel(messaging_pb2.Channel.Name(value).removeprefix("CHANNEL_"))  # type: ignore[arg-type]


def channel_to_proto(channel: str) -> messaging_pb2.Channel.ValueType:
    return messaging_pb2.Channel.Value(f"CHANNEL_{channel}")


def message_to_proto(doc: Document) -> messaging_pb2.Message:
    message = messaging_pb2.Message(
        id=doc["_id"],
        customer_id=doc["customer_id"],
        channel=channel_to_proto(doc["channel"]),
        body=doc.get("body", ""),
        status=MessageStatus(doc["status"]).public.value,
        failure_reason=doc.get("failure_reason") or "",
        sent_by=doc.get("sent_by") or "",
        created_at=timestamp(doc["created_at"]),
        campaign=doc.get("campaign") or "",
        template_id=doc.get("template_id") or "",
    )
    if doc.get("sent_at"):
        message.sent_at.CopyFrom(timestamp(doc["sent_at"]))
    return message


def outgoing_to_proto(message: OutgoingMessage) -> messaging_pb2.Message:
    return message_to_proto(
        {
            "_id": message.id,
            "customer_id": message.customer_id,
            "channel": message.channel.value,
            "body": message.body,
            "status": message.status.value,
            "failure_reason": message.failure_reason,
            "sent_by": message.sent_by,
            "created_at": message.created_at,
            "campaign": message.campaign,
            "template_id": message.template_id,
            "sent_at": message.sent_at,
        }
    )


def inbox_to_proto(item: InboxItem, now: datetime) -> messaging_pb2.InboxMessage:
    proto = messaging_pb2.InboxMessage(
        id=item.id,
        customer_id=item.customer_id,
        title=item.title,
        short_description=item.short_description,
        distributed_at=timestamp(item.distributed_at),
        status=item.status(now).value,
    )
    if item.expires_at is not None:
        proto.expires_at.CopyFrom(timestamp(item.expires_at))
    return proto


def campaign_to_proto(doc: Document) -> messaging_pb2.CampaignReceived:
    return messaging_pb2.CampaignReceived(
        id=doc["_id"],
        campaign=doc.get("campaign") or "",
        channel=channel_to_proto(doc["channel"]),
        received_at=timestamp(doc.get("sent_at") or doc["created_at"]),
    )
