"""Building and reading the internal event envelope shared by every service."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TypeVar

from customer360.events.v1 import events_pb2
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from c360.logging import correlation_id
from c360.outbox import OutboxRecord

PayloadT = TypeVar("PayloadT", bound=Message)


def new_envelope(
    customer_id: str,
    producer: str,
    payload: Message,
    actor: str = "",
    occurred_at: datetime | None = None,
    event_id: str = "",
) -> events_pb2.EventEnvelope:
    """`event_id`: only to rebuild an event already promised under that id (a new event draws one)."""
    envelope = events_pb2.EventEnvelope(
        event_id=event_id or uuid.uuid4().hex,
        occurred_at=timestamp(occurred_at or datetime.now(UTC)),
        customer_id=customer_id,
        correlation_id=correlation_id(),
        producer=producer,
        actor=actor,
    )
    envelope.payload.Pack(payload)
    return envelope


def unpack(envelope: events_pb2.EventEnvelope, payload_type: type[PayloadT]) -> PayloadT | None:
    """The payload if it is of `payload_type`, else None (consumers skip events they do not use)."""
    if envelope.payload.TypeName() != payload_type.DESCRIPTOR.full_name:
        return None
    payload = payload_type()
    envelope.payload.Unpack(payload)
    return payload


def event_type(envelope: events_pb2.EventEnvelope) -> str:
    """The payload's short name, e.g. `CustomerRegistered` (for logs and the timeline)."""
    return envelope.payload.TypeName().rpartition(".")[2]


def to_outbox(envelope: events_pb2.EventEnvelope, topic: str) -> OutboxRecord:
    return OutboxRecord(
        event_id=envelope.event_id,
        topic=topic,
        key=envelope.customer_id,
        value=envelope.SerializeToString(),
        correlation_id=envelope.correlation_id,
    )


def parse_envelope(value: bytes) -> events_pb2.EventEnvelope:
    envelope = events_pb2.EventEnvelope()
    envelope.ParseFromString(value)
    return envelope


def timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp
