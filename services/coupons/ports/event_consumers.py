"""Kafka consumers: profile events feed the status projection, loyalty's purchases apply coupons."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC

from customer360.events.v1 import events_pb2
from customer360.events.v1.loyalty_events_pb2 import PurchaseRecorded
from customer360.events.v1.profile_events_pb2 import (
    CustomerErased,
    CustomerReactivated,
    CustomerRegistered,
    CustomerSuspended,
)
from google.protobuf.message import DecodeError

from c360.events import parse_envelope, unpack
from c360.kafka.consumer import PoisonMessage, Record
from services.coupons.app.apply_purchase import ApplyPurchase, PurchaseSeen
from services.coupons.app.customer_events import CustomerEvents


def _envelope(record: Record) -> events_pb2.EventEnvelope:
    try:
        envelope = parse_envelope(record.value or b"")
    except DecodeError as error:
        raise PoisonMessage(f"not an event envelope: {error}") from error
    if not envelope.customer_id:
        raise PoisonMessage("event without a customer id")
    return envelope


@dataclass
class ProfileEventsConsumer:
    customers: CustomerEvents

    async def prelude(self, records: list[Record]) -> set[int]:
        """A fetch's registrations in one write (an import floods this topic with them)."""
        registered: dict[int, str] = {}
        for position, record in enumerate(records):
            with contextlib.suppress(PoisonMessage):  # the handler dead-letters it
                envelope = _envelope(record)
                if unpack(envelope, CustomerRegistered) is not None:
                    registered[position] = envelope.customer_id
        await self.customers.registered_many(list(registered.values()))
        return set(registered)

    async def __call__(self, record: Record) -> None:
        envelope = _envelope(record)
        customer_id = envelope.customer_id
        if unpack(envelope, CustomerRegistered) is not None:
            await self.customers.registered(customer_id)
        elif unpack(envelope, CustomerSuspended) is not None:
            await self.customers.suspended(customer_id)
        elif unpack(envelope, CustomerReactivated) is not None:
            await self.customers.reactivated(customer_id)
        elif unpack(envelope, CustomerErased) is not None:
            await self.customers.erased(customer_id)


@dataclass
class LoyaltyEventsConsumer:
    apply_purchase: ApplyPurchase

    async def __call__(self, record: Record) -> None:
        envelope = _envelope(record)
        purchase = unpack(envelope, PurchaseRecorded)
        if purchase is None or not purchase.transaction_id:
            return
        await self.apply_purchase(
            PurchaseSeen(
                customer_id=envelope.customer_id,
                transaction_id=purchase.transaction_id,
                kind=purchase.kind or "SALE",
                original_transaction_id=purchase.original_transaction_id,
                coupon_codes=list(purchase.coupon_codes),
                occurred_at=purchase.occurred_at.ToDatetime(tzinfo=UTC) if purchase.HasField("occurred_at") else None,
                actor=envelope.actor or "system",
            )
        )
