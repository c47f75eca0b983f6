"""Kafka consumers: translate records into use-case calls; poison goes to the dead-letter topic."""

from __future__ import annotations

from dataclasses import dataclass

from customer360.events.v1.profile_events_pb2 import CustomerRegistered
from google.protobuf.message import DecodeError

from c360.events import parse_envelope, unpack
from c360.kafka.consumer import PoisonMessage, Record
from services.loyalty.app.ports import AccountRepository
from services.loyalty.app.record_purchase import RecordPurchase
from services.loyalty.domain.purchase import InvalidPurchase, SchemaCheck, parse_purchase


@dataclass
class PurchaseConsumer:
    """The partner `purchases` topic: JSON in the published contract."""

    record_purchase: RecordPurchase
    schema_errors: SchemaCheck

    async def __call__(self, record: Record) -> None:
        try:
            purchase = parse_purchase(record.value or b"", self.schema_errors)
            await self.record_purchase(purchase)
        except InvalidPurchase as invalid:
            raise PoisonMessage(str(invalid)) from invalid


@dataclass
class ProfileEventsConsumer:
    """Opens a points account for every registered customer."""

    accounts: AccountRepository

    async def __call__(self, record: Record) -> None:
        try:
            envelope = parse_envelope(record.value or b"")
        except DecodeError as error:
            raise PoisonMessage(f"not an event envelope: {error}") from error
        if unpack(envelope, CustomerRegistered) is not None:
            await self.accounts.open(envelope.customer_id)
