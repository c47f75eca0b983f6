"""Wires the loyalty service: every client is built here and nowhere else."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from customer360.loyalty.v1 import loyalty_pb2, loyalty_pb2_grpc
from jsonschema import Draft202012Validator

from c360.kafka import topics
from c360.kafka.consumer import ConsumerLoop
from c360.kafka.publisher import KafkaPublisher
from c360.mongo import connect
from c360.outbox import OutboxRelay
from c360.runtime import run_service
from c360.settings import InfraSettings
from services.loyalty.adapters.mongo_accounts import MongoAccountRepository
from services.loyalty.adapters.mongo_ledger import MongoLedgerRepository
from services.loyalty.adapters.mongo_purchases import MongoPurchaseRepository
from services.loyalty.adapters.profile_directory import ProfileDirectory
from services.loyalty.app.post_points import PostPoints
from services.loyalty.app.queries import AccountQueries
from services.loyalty.app.record_purchase import RecordPurchase
from services.loyalty.domain.earn_rule import EarnRule
from services.loyalty.ports.event_consumers import ProfileEventsConsumer, PurchaseConsumer
from services.loyalty.ports.grpc_servicer import LoyaltyServicer
from services.loyalty.settings import LoyaltySettings

SERVICE_NAME = loyalty_pb2.DESCRIPTOR.services_by_name["LoyaltyService"].full_name


def purchase_schema_check() -> Any:
    """Compiles the partner contract once; returns a function listing an event's violations."""
    text = resources.files("services.loyalty.contracts").joinpath("purchase-event.schema.json").read_text()
    validator = Draft202012Validator(json.loads(text))

    def errors(data: Any) -> list[str]:
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(data)]

    return errors


@dataclass
class LoyaltyService:
    infra: InfraSettings
    settings: LoyaltySettings
    accounts: MongoAccountRepository
    ledger: MongoLedgerRepository
    purchases: MongoPurchaseRepository
    publisher: KafkaPublisher
    relay: OutboxRelay
    profile: ProfileDirectory
    consumers: list[ConsumerLoop]
    servicer: LoyaltyServicer

    async def start(self) -> None:
        infra = self.infra
        await topics.ensure_topics(
            infra.kafka_bootstrap,
            [infra.topic(t) for t in (topics.LOYALTY_EVENTS, topics.PURCHASES, topics.PURCHASES_DLQ)]
            + [infra.topic(topics.PROFILE_EVENTS), infra.topic(topics.dead_letter_topic(topics.PROFILE_EVENTS))],
            infra.topic_partitions,
        )
        for repository in (self.accounts, self.ledger, self.purchases):
            await repository.ensure_indexes()
        await self.publisher.start()
        await self.profile.open()

    async def close(self) -> None:
        await self.publisher.stop()
        await self.profile.close()

    async def run(self) -> None:
        await run_service(
            address=self.settings.grpc_address,
            registrars=[lambda server: loyalty_pb2_grpc.add_LoyaltyServiceServicer_to_server(self.servicer, server)],
            service_names=[SERVICE_NAME],
            start=self.start,
            workers=[self.relay.run, *(consumer.run for consumer in self.consumers)],
            close=self.close,
        )


def bootstrap(infra: InfraSettings, settings: LoyaltySettings) -> LoyaltyService:
    database = connect(infra.mongodb_uri, "loyalty")[infra.database("loyalty")]
    publisher = KafkaPublisher(infra.kafka_bootstrap, client_id="loyalty")
    accounts = MongoAccountRepository(database)
    ledger = MongoLedgerRepository(database, infra.topic(topics.LOYALTY_EVENTS))
    relay = OutboxRelay(ledger.collection, publisher)
    ledger.attach_relay(relay)
    purchases = MongoPurchaseRepository(database)
    profile = ProfileDirectory(settings.profile_address)
    earn_rule = EarnRule(settings.spend_per_point, dict(settings.spend_per_point_by_currency))
    record_purchase = RecordPurchase(purchases, profile, PostPoints(accounts, ledger), earn_rule)
    group = infra.consumer_group("loyalty")
    consumers = [
        ConsumerLoop(
            bootstrap=infra.kafka_bootstrap,
            group_id=group,
            topics=[infra.topic(topics.PURCHASES)],
            handler=PurchaseConsumer(record_purchase, purchase_schema_check()),
            dead_letters=publisher,
        ),
        ConsumerLoop(
            bootstrap=infra.kafka_bootstrap,
            group_id=f"{group}.profile-events",
            topics=[infra.topic(topics.PROFILE_EVENTS)],
            handler=ProfileEventsConsumer(accounts),
            dead_letters=publisher,
        ),
    ]
    servicer = LoyaltyServicer(AccountQueries(accounts))
    return LoyaltyService(infra, settings, accounts, ledger, purchases, publisher, relay, profile, consumers, servicer)
