"""Kafka consumers: translate records into use-case calls; poison goes to the dead-letter topic."""

from __future__ import annotations

from dataclasses import dataclass

from customer360.events.v1 import profile_events_pb2 as profile_events
from google.protobuf.message import DecodeError

from c360.events import parse_envelope, unpack
from c360.kafka.consumer import PoisonMessage, Record
from services.loyalty.adapters.mongo_customers import MongoCustomerProjection
from services.loyalty.adapters.mongo_otps import MongoOtpRepository
from services.loyalty.app.ports import AccountRepository
from services.loyalty.app.record_purchases import RecordPurchases
from services.loyalty.domain.customer import ACTIVE, SUSPENDED
from services.loyalty.domain.purchase import InvalidPurchase, PurchaseEvent, SchemaCheck, parse_purchase


@dataclass
class PurchaseBatchConsumer:
    """The partner `purchases` topic (JSON in the published contract), a whole fetched batch at a time."""

    record_purchases: RecordPurchases
    schema_errors: SchemaCheck

    async def __call__(self, records: list[Record]) -> dict[int, str]:
        poison: dict[int, str] = {}
        parsed: list[tuple[int, PurchaseEvent]] = []
        for position, record in enumerate(records):
            try:
                parsed.append((position, parse_purchase(record.value or b"", self.schema_errors)))
            except InvalidPurchase as invalid:
                poison[position] = str(invalid)
        refused = await self.record_purchases([purchase for _, purchase in parsed])
        for index, reason in refused.items():
            poison[parsed[index][0]] = reason
        return poison


@dataclass
class ProfileEventsConsumer:
    """Opens accounts and keeps the customer projection (status, identifiers, referral codes) current.

    Every step sets state rather than adding to it, so a redelivered event changes nothing.
    """

    accounts: AccountRepository
    customers: MongoCustomerProjection
    otps: MongoOtpRepository

    async def __call__(self, record: Record) -> None:
        try:
            envelope = parse_envelope(record.value or b"")
        except DecodeError as error:
            raise PoisonMessage(f"not an event envelope: {error}") from error
        customer_id = envelope.customer_id
        if (registered := unpack(envelope, profile_events.CustomerRegistered)) is not None:
            await self.customers.save(registered.customer)
            await self.accounts.open(customer_id)
        elif (updated := unpack(envelope, profile_events.CustomerUpdated)) is not None:
            await self.customers.save(updated.customer)
        elif unpack(envelope, profile_events.CustomerSuspended) is not None:
            await self.customers.set_status(customer_id, SUSPENDED)
        elif unpack(envelope, profile_events.CustomerReactivated) is not None:
            await self.customers.set_status(customer_id, ACTIVE)
        elif unpack(envelope, profile_events.CustomerErased) is not None:
            await self.customers.erase(customer_id)
            await self.otps.erase(customer_id)
