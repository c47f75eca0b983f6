"""How an outgoing message is stored, and the events its status changes publish."""

from __future__ import annotations

from typing import Any

from customer360.events.v1 import messaging_events_pb2

from c360.events import new_envelope, to_outbox
from c360.outbox import OutboxRecord
from services.messaging.domain.channels import Channel, MessageStatus
from services.messaging.domain.message import OutgoingMessage

Document = dict[str, Any]
PRODUCER = "messaging"


def to_document(message: OutgoingMessage) -> Document:
    return {
        "_id": message.id,
        "customer_id": message.customer_id,
        "idempotency_key": message.idempotency_key,
        "channel": message.channel.value,
        "address": message.address,
        "body": message.body,
        "send_text": message.send_text,
        "template_params": message.template_params,
        "title": message.title,
        "template_id": message.template_id,
        "campaign": message.campaign,
        "sent_by": message.sent_by,
        "urgent": message.urgent,
        "created_at": message.created_at,
        "not_before": message.not_before,
        "lease_until": None,
        "status": message.status.value,
        "failure_reason": message.failure_reason,
        "attempts": message.attempts,
        "sent_at": message.sent_at,
        "provider_message_id": message.provider_message_id,
    }


def from_document(doc: Document) -> OutgoingMessage:
    return OutgoingMessage(
        id=doc["_id"],
        customer_id=doc["customer_id"],
        idempotency_key=doc["idempotency_key"],
        channel=Channel(doc["channel"]),
        address=doc.get("address") or "",
        body=doc.get("body") or "",
        send_text=doc.get("send_text") or "",
        template_params=list(doc.get("template_params") or []),
        title=doc.get("title") or "",
        template_id=doc.get("template_id") or "",
        campaign=doc.get("campaign") or "",
        sent_by=doc.get("sent_by") or "",
        urgent=bool(doc.get("urgent")),
        created_at=doc["created_at"],
        not_before=doc["not_before"],
        status=MessageStatus(doc["status"]),
        failure_reason=doc.get("failure_reason") or "",
        attempts=int(doc.get("attempts") or 0),
        sent_at=doc.get("sent_at"),
        provider_message_id=doc.get("provider_message_id") or "",
    )


def sent_event(doc: Document, topic: str) -> OutboxRecord:
    payload = messaging_events_pb2.MessageSent(
        message_id=doc["_id"], channel=doc["channel"], campaign=doc.get("campaign") or "", status="SENT"
    )
    return to_outbox(new_envelope(doc["customer_id"], PRODUCER, payload, actor=doc.get("sent_by") or "system"), topic)


def status_event(doc: Document, status: MessageStatus, reason: str, topic: str) -> OutboxRecord:
    payload = messaging_events_pb2.MessageStatusChanged(
        message_id=doc["_id"], channel=doc["channel"], status=status.value, reason=reason
    )
    return to_outbox(new_envelope(doc["customer_id"], PRODUCER, payload, actor="system"), topic)
