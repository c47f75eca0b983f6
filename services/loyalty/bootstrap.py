"""Wires the loyalty service: every client is built here and nowhere else."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from typing import Any

import jsonschema_rs
from customer360.loyalty.v1 import loyalty_pb2, loyalty_pb2_grpc
from jsonschema import Draft202012Validator

from c360.kafka import topics
from c360.kafka.consumer import ConsumerLoop
from c360.kafka.publisher import KafkaPublisher
from c360.mongo import connect
from c360.runtime import Worker, run_service
from c360.settings import InfraSettings
from services.loyalty.adapters.batch_relay import BatchOutboxRelay
from services.loyalty.adapters.loyalty_events import DirectEvents
from services.loyalty.adapters.mongo_accounts import MongoAccountRepository
from services.loyalty.adapters.mongo_customers import MongoCustomerProjection
from services.loyalty.adapters.mongo_ledger import MongoLedgerRepository
from services.loyalty.adapters.mongo_otps import MongoOtpRepository
from services.loyalty.adapters.mongo_purchases import MongoPurchaseRepository
from services.loyalty.adapters.mongo_rfm import MongoRfmBreaks
from services.loyalty.adapters.profile_directory import ProfileDirectory
from services.loyalty.app.adjust_points import AdjustPoints
from services.loyalty.app.apply_changes import ApplyChanges
from services.loyalty.app.customer_checks import CustomerChecks
from services.loyalty.app.expire_points import ExpirePoints
from services.loyalty.app.post_points import PostPoints
from services.loyalty.app.post_purchase_changes import PostPurchaseChanges
from services.loyalty.app.purchase_points import PricePurchases
from services.loyalty.app.queries import LoyaltyQueries
from services.loyalty.app.reconcile import Reconciler
from services.loyalty.app.record_purchases import RecordPurchases
from services.loyalty.app.redeem_points import RedeemPoints
from services.loyalty.app.request_otp import RequestRedemptionOtp
from services.loyalty.app.resolve_customers import ResolveCustomers
from services.loyalty.app.rfm_job import RecomputeRfm
from services.loyalty.app.set_tier import SetTier
from services.loyalty.app.transfer_purchase import TransferPurchase
from services.loyalty.domain.earn_rule import EarnRule
from services.loyalty.domain.expiry import ExpiryPolicy
from services.loyalty.domain.tiers import TierPolicy
from services.loyalty.ports.event_consumers import ProfileEventsConsumer, PurchaseBatchConsumer
from services.loyalty.ports.grpc_servicer import Commands, LoyaltyServicer
from services.loyalty.settings import LoyaltySettings

SERVICE_NAME = loyalty_pb2.DESCRIPTOR.services_by_name["LoyaltyService"].full_name


def purchase_schema_check() -> Any:
    """Compiles the partner contract once; returns a function listing an event's violations.

    A compiled validator (jsonschema-rs) answers whether an event is valid: 0.8 ms for 500 events against
    80 ms (measured), which was 18 % of loyalty's CPU while ingesting. Only an event it refuses is described,
    by jsonschema, which stays the judge: the reasons partners see are unchanged, and an event only the fast
    check refused passes."""
    text = resources.files("services.loyalty.contracts").joinpath("purchase-event.schema.json").read_text()
    schema = json.loads(text)
    fast = jsonschema_rs.validator_for(schema)
    validator = Draft202012Validator(schema)

    def errors(data: Any) -> list[str]:
        if fast.is_valid(data):
            return []
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(data)]

    return errors


@dataclass
class LoyaltyService:
    infra: InfraSettings
    settings: LoyaltySettings
    repositories: list[Any]
    publisher: KafkaPublisher
    profile: ProfileDirectory
    workers: list[Worker]
    servicer: LoyaltyServicer

    async def start(self) -> None:
        infra = self.infra
        await topics.ensure_topics(
            infra.kafka_bootstrap,
            [infra.topic(t) for t in (topics.LOYALTY_EVENTS, topics.PURCHASES, topics.PURCHASES_DLQ)]
            + [infra.topic(topics.PROFILE_EVENTS), infra.topic(topics.dead_letter_topic(topics.PROFILE_EVENTS))],
            infra.topic_partitions,
        )
        for repository in self.repositories:
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
            workers=self.workers,
            close=self.close,
        )


def bootstrap(infra: InfraSettings, settings: LoyaltySettings) -> LoyaltyService:
    database = connect(infra.mongodb_uri, "loyalty")[infra.database("loyalty")]
    events_topic = infra.topic(topics.LOYALTY_EVENTS)
    publisher = KafkaPublisher(infra.kafka_bootstrap, client_id="loyalty")
    tiers = TierPolicy(dict(settings.tier_thresholds), settings.tier_window_days)
    expiry = ExpiryPolicy.parse(settings.points_expiry)
    accounts = MongoAccountRepository(database, tiers, events_topic)
    ledger = MongoLedgerRepository(database, events_topic)
    purchases = MongoPurchaseRepository(database, events_topic)
    otps = MongoOtpRepository(database, events_topic)
    customers = MongoCustomerProjection(database)
    rfm = MongoRfmBreaks(database)
    # Accounts and OTPs are written after their events; their outboxes are cleared under a guard and a lock.
    relays = [
        BatchOutboxRelay(ledger.collection, publisher, guarded=False),
        BatchOutboxRelay(otps.collection, publisher, guarded=True, locks=otps.locks),
        BatchOutboxRelay(accounts.collection, publisher, guarded=True, locks=accounts.locks),
    ]
    ledger.attach_relay(relays[0])
    otps.relay, accounts.relay = relays[1], relays[2]
    profile = ProfileDirectory(settings.profile_address)
    post_points = PostPoints(accounts, ledger)
    apply_changes = ApplyChanges(accounts, ledger)
    checks = CustomerChecks(accounts, customers, profile)
    record_purchases = RecordPurchases(
        purchases=purchases,
        customers=customers,
        resolve=ResolveCustomers(customers, profile, settings.default_region),
        price=PricePurchases(purchases, EarnRule(settings.spend_per_point, dict(settings.spend_per_point_by_currency))),
        post_changes=PostPurchaseChanges(accounts, ledger),
        events=DirectEvents(publisher, events_topic),
        expiry=expiry,
        referral_points=settings.referral_points,
        total_tolerance=settings.total_tolerance,
    )
    transfer = TransferPurchase(checks, purchases, apply_changes, expiry)
    group = infra.consumer_group("loyalty")
    profile_events = ProfileEventsConsumer(accounts, customers, otps)
    consumers = [
        ConsumerLoop(
            bootstrap=infra.kafka_bootstrap,
            group_id=group,
            topics=[infra.topic(topics.PURCHASES)],
            batch_handler=PurchaseBatchConsumer(record_purchases, purchase_schema_check()),
            dead_letters=publisher,
        ),
        ConsumerLoop(
            bootstrap=infra.kafka_bootstrap,
            group_id=f"{group}.profile-events",
            topics=[infra.topic(topics.PROFILE_EVENTS)],
            handler=profile_events,
            prelude=profile_events.prelude,
            key_parallelism=infra.consumer_key_parallelism,
            dead_letters=publisher,
        ),
    ]
    jobs: list[Reconciler | ExpirePoints | RecomputeRfm] = [
        Reconciler(
            ledger,
            purchases,
            post_points,
            transfer,
            timedelta(seconds=settings.reconcile_after_seconds),
            settings.reconcile_interval_seconds,
        ),
        ExpirePoints(accounts, post_points, settings.expiry_interval_seconds),
        RecomputeRfm(rfm, settings.rfm_interval_seconds),
    ]
    commands = Commands(
        adjust_points=AdjustPoints(checks, accounts, ledger, post_points, expiry, settings.max_adjustment),
        set_tier=SetTier(checks, accounts, tiers),
        transfer_purchase=transfer,
        request_otp=RequestRedemptionOtp(checks, otps, settings.otp_pepper, settings.max_adjustment),
        redeem_points=RedeemPoints(
            checks, accounts, ledger, otps, post_points, settings.otp_pepper, settings.max_adjustment
        ),
    )
    servicer = LoyaltyServicer(LoyaltyQueries(accounts, customers, purchases, ledger, otps, rfm), commands)
    workers: list[Worker] = [
        *(relay.run for relay in relays),
        *(consumer.run for consumer in consumers),
        *(job.run for job in jobs),
    ]
    return LoyaltyService(
        infra,
        settings,
        [accounts, ledger, purchases, otps, customers],
        publisher,
        profile,
        workers,
        servicer,
    )
