"""Building and reading the internal event envelope shared by every service."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from customer360.events.v1 import events_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from c360.logging import correlation_id
from c360.outbox import OutboxRecord


def new_envelope(customer_id: str, producer: str, occurred_at: datetime | None = None) -> events_pb2.EventEnvelope:
    stamp = Timestamp()
    stamp.FromDatetime(occurred_at or datetime.now(UTC))
    return events_pb2.EventEnvelope(
        event_id=uuid.uuid4().hex,
        occurred_at=stamp,
        customer_id=customer_id,
        correlation_id=correlation_id(),
        producer=producer,
    )


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
