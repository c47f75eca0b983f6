"""Wires the coupons service: every client is built here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from customer360.coupons.v1 import coupons_pb2, coupons_pb2_grpc

from c360.kafka import topics
from c360.kafka.consumer import ConsumerLoop
from c360.kafka.publisher import KafkaPublisher
from c360.mongo import connect
from c360.outbox import OutboxRelay
from c360.runtime import Worker, run_service
from c360.settings import InfraSettings
from services.coupons.adapters.profile_client import ProfileClient
from services.coupons.adapters.stores import Stores
from services.coupons.app.apply_purchase import ApplyPurchase
from services.coupons.app.bulk_issue import BulkIssueWorker, StartBulkIssue
from services.coupons.app.campaign_cache import CampaignCache
from services.coupons.app.change_coupon import ChangeCoupon
from services.coupons.app.create_campaign import CreateCampaign
from services.coupons.app.customer_directory import CustomerDirectory
from services.coupons.app.customer_events import CustomerEvents
from services.coupons.app.issue_coupon import IssueCoupon
from services.coupons.app.lapse_coupons import LapseCoupons, LapseSchedule
from services.coupons.app.queries import CouponQueries
from services.coupons.app.remove_coupon import RemoveCoupon
from services.coupons.domain.campaign import SEED_CAMPAIGNS
from services.coupons.ports.event_consumers import LoyaltyEventsConsumer, ProfileEventsConsumer
from services.coupons.ports.grpc_servicer import CouponsServicer, CouponsUseCases
from services.coupons.settings import CouponsSettings

SERVICE_NAME = coupons_pb2.DESCRIPTOR.services_by_name["CouponsService"].full_name


@dataclass
class CouponsService:
    infra: InfraSettings
    settings: CouponsSettings
    stores: Stores
    publisher: KafkaPublisher
    profile: ProfileClient
    workers: list[Worker]
    servicer: CouponsServicer

    async def start(self) -> None:
        infra = self.infra
        wanted = [topics.COUPONS_EVENTS, topics.PROFILE_EVENTS, topics.LOYALTY_EVENTS]
        wanted += [topics.dead_letter_topic(t) for t in (topics.PROFILE_EVENTS, topics.LOYALTY_EVENTS)]
        await topics.ensure_topics(infra.kafka_bootstrap, [infra.topic(t) for t in wanted], infra.topic_partitions)
        await self.stores.ensure_indexes()
        await self.stores.campaigns.seed(SEED_CAMPAIGNS)
        await self.publisher.start()
        await self.profile.open()

    async def close(self) -> None:
        await self.publisher.stop()
        await self.profile.close()

    async def run(self) -> None:
        await run_service(
            address=self.settings.grpc_address,
            registrars=[lambda server: coupons_pb2_grpc.add_CouponsServiceServicer_to_server(self.servicer, server)],
            service_names=[SERVICE_NAME],
            start=self.start,
            workers=self.workers,
            close=self.close,
        )


def bootstrap(infra: InfraSettings, settings: CouponsSettings) -> CouponsService:
    database = connect(infra.mongodb_uri, "coupons")[infra.database("coupons")]
    stores = Stores.open(database)
    publisher = KafkaPublisher(infra.kafka_bootstrap, client_id="coupons")
    coupon_relay = OutboxRelay(stores.changes.collection, publisher)
    rejection_relay = OutboxRelay(stores.rejections.collection, publisher)
    profile = ProfileClient(settings.profile_address)
    events_topic = infra.topic(topics.COUPONS_EVENTS)

    directory = CustomerDirectory(stores.statuses, profile)
    customer_events = CustomerEvents(
        stores.statuses, stores.coupons, stores.keys, stores.limits, stores.rejections, stores.changes
    )
    change = ChangeCoupon(stores.changes, coupon_relay, events_topic)
    issue = IssueCoupon(
        CampaignCache(stores.campaigns),
        stores.coupons,
        stores.keys,
        stores.limits,
        directory,
        stores.changes,
        coupon_relay,
        events_topic,
        customer_events,
    )
    bulk_worker = BulkIssueWorker(stores.bulk_jobs, issue, profile, timedelta(seconds=settings.bulk_lease_seconds))
    lapse = LapseCoupons(stores.coupons, change)
    apply_purchase = ApplyPurchase(
        stores.coupons, stores.campaigns, stores.rejections, change, rejection_relay, events_topic
    )
    group = infra.consumer_group("coupons")
    profile_events = ProfileEventsConsumer(customer_events)
    consumers = [
        ConsumerLoop(
            bootstrap=infra.kafka_bootstrap,
            group_id=f"{group}.profile-events",
            topics=[infra.topic(topics.PROFILE_EVENTS)],
            handler=profile_events,
            prelude=profile_events.prelude,
            key_parallelism=infra.consumer_key_parallelism,
            dead_letters=publisher,
        ),
        ConsumerLoop(
            bootstrap=infra.kafka_bootstrap,
            group_id=f"{group}.loyalty-events",
            topics=[infra.topic(topics.LOYALTY_EVENTS)],
            handler=LoyaltyEventsConsumer(apply_purchase),
            key_parallelism=infra.consumer_key_parallelism,
            dead_letters=publisher,
        ),
    ]
    use_cases = CouponsUseCases(
        campaigns=stores.campaigns,
        create_campaign=CreateCampaign(stores.campaigns),
        issue=issue,
        remove=RemoveCoupon(stores.coupons, change),
        queries=CouponQueries(stores.coupons),
        start_bulk=StartBulkIssue(stores.campaigns, stores.bulk_jobs, bulk_worker),
        bulk_jobs=stores.bulk_jobs,
        lapse=lapse,
    )
    workers: list[Worker] = [
        coupon_relay.run,
        rejection_relay.run,
        bulk_worker.run,
        LapseSchedule(lapse, stores.changes, settings.lapse_interval_seconds).run,
        *(consumer.run for consumer in consumers),
    ]
    return CouponsService(infra, settings, stores, publisher, profile, workers, CouponsServicer(use_cases))
