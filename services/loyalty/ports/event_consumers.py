"""Kafka consumers: translate records into use-case calls; poison goes to the dead-letter topic."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from customer360.events.v1 import profile_events_pb2 as profile_events
from customer360.profile.v1 import profile_pb2
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

    async def prelude(self, records: list[Record]) -> set[int]:
        """A fetch's registrations of customers not known yet in a few bulk writes (an import floods the topic
        with them): keys, documents, then accounts, the order `__call__` writes them in."""
        registered: dict[int, profile_pb2.Customer] = {}
        for position, record in enumerate(records):
            with contextlib.suppress(DecodeError):  # the handler dead-letters it
                envelope = parse_envelope(record.value or b"")
                event = unpack(envelope, profile_events.CustomerRegistered)
                if event is not None and event.customer.id == envelope.customer_id:
                    registered[position] = event.customer
        saved = await self.customers.save_new_many(list(registered.values()))
        await self.accounts.open_many(list(saved))
        return {position for position, customer in registered.items() if customer.id in saved}

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
