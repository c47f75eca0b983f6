"""Wires the messaging service: every client is built here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from customer360.messaging.v1 import messaging_pb2, messaging_pb2_grpc

from c360.kafka import topics
from c360.kafka.consumer import ConsumerLoop
from c360.kafka.publisher import KafkaPublisher
from c360.mongo import connect
from c360.runtime import run_service
from c360.settings import InfraSettings
from services.messaging.adapters.mongo_delivery_reports import MongoDeliveryReports
from services.messaging.adapters.mongo_dispatch_queue import MongoDispatchQueue
from services.messaging.adapters.mongo_inbox import MongoInboxRepository
from services.messaging.adapters.mongo_messages import MongoMessageRepository
from services.messaging.adapters.mongo_recipients import MongoRecipientRepository
from services.messaging.adapters.providers.http_provider import HttpProvider
from services.messaging.adapters.providers.registry import build_providers, http_providers
from services.messaging.adapters.read_only_relay import ReadOnlyRelay
from services.messaging.app.dispatch import Dispatcher
from services.messaging.app.inbound import InboundWhatsapp, RecordDeliveryReport
from services.messaging.app.mark_inbox_read import MarkInboxRead
from services.messaging.app.notifications import Notifications
from services.messaging.app.profile_projection import ProfileProjection
from services.messaging.app.send_message import SendMessage
from services.messaging.ports.event_consumers import NotificationEventsConsumer, ProfileEventsConsumer
from services.messaging.ports.grpc_servicer import MessagingServicer, MessagingUseCases
from services.messaging.settings import MessagingSettings

SERVICE_NAME = messaging_pb2.DESCRIPTOR.services_by_name["MessagingService"].full_name
CONSUMED = (topics.PROFILE_EVENTS, topics.COUPONS_EVENTS, topics.LOYALTY_EVENTS)


@dataclass
class MessagingService:
    infra: InfraSettings
    settings: MessagingSettings
    messages: MongoMessageRepository
    reports: MongoDeliveryReports
    recipients: MongoRecipientRepository
    inbox: MongoInboxRepository
    publisher: KafkaPublisher
    relay: ReadOnlyRelay
    http: list[HttpProvider]
    dispatcher: Dispatcher
    consumers: list[ConsumerLoop]
    servicer: MessagingServicer

    async def start(self) -> None:
        infra = self.infra
        names = [topics.MESSAGING_EVENTS, *CONSUMED, *(topics.dead_letter_topic(t) for t in CONSUMED)]
        await topics.ensure_topics(infra.kafka_bootstrap, [infra.topic(t) for t in names], infra.topic_partitions)
        for repository in (self.messages, self.reports, self.recipients, self.inbox, self.relay):
            await repository.ensure_indexes()
        await self.publisher.start()
        for provider in self.http:
            await provider.open()

    async def close(self) -> None:
        for provider in self.http:
            await provider.close()
        await self.publisher.stop()

    async def run(self) -> None:
        await run_service(
            address=self.settings.grpc_address,
            registrars=[
                lambda server: messaging_pb2_grpc.add_MessagingServiceServicer_to_server(self.servicer, server)
            ],
            service_names=[SERVICE_NAME],
            start=self.start,
            workers=[
                self.dispatcher.run,
                self.relay.run,
                *(consumer.run for consumer in self.consumers),
            ],
            close=self.close,
        )


def bootstrap(infra: InfraSettings, settings: MessagingSettings) -> MessagingService:
    database = connect(infra.mongodb_uri, "messaging")[infra.database("messaging")]
    events_topic = infra.topic(topics.MESSAGING_EVENTS)
    publisher = KafkaPublisher(infra.kafka_bootstrap, client_id="messaging")
    messages = MongoMessageRepository(database, events_topic)
    recipients = MongoRecipientRepository(database)
    inbox = MongoInboxRepository(database)
    message_relay = ReadOnlyRelay(database, [messages.collection, recipients.collection], publisher)
    messages.attach_relay(message_relay)
    recipients.attach_relay(message_relay)
    reports = MongoDeliveryReports(database, messages.collection, events_topic, message_relay)
    queue = MongoDispatchQueue(messages.collection, events_topic, message_relay, reports, messages.campaigns_newest)
    providers = build_providers(settings)
    dispatcher = Dispatcher(
        queue,
        providers,
        lease_seconds=settings.dispatch_lease_seconds,
        retry_base_seconds=settings.retry_base_seconds,
        poll_seconds=settings.dispatch_poll_seconds,
        workers=settings.dispatch_workers,
    )
    send = SendMessage(
        recipients,
        messages,
        inbox,
        settings.quiet(),
        ZoneInfo(settings.default_time_zone),
        settings.inbox_days,
        on_queued=dispatcher.nudge,
    )
    projection = ProfileProjection(recipients, [messages, inbox])
    group = infra.consumer_group("messaging")
    profile_events = ProfileEventsConsumer(projection)
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
            group_id=f"{group}.notifications",
            topics=[infra.topic(topics.COUPONS_EVENTS), infra.topic(topics.LOYALTY_EVENTS)],
            handler=NotificationEventsConsumer(Notifications(recipients, send, inbox)),
            key_parallelism=infra.consumer_key_parallelism,
            dead_letters=publisher,
        ),
    ]
    use_cases = MessagingUseCases(
        send, MarkInboxRead(inbox), InboundWhatsapp(recipients, events_topic), RecordDeliveryReport(reports)
    )
    servicer = MessagingServicer(messages, inbox, recipients, use_cases)
    return MessagingService(
        infra,
        settings,
        messages,
        reports,
        recipients,
        inbox,
        publisher,
        message_relay,
        http_providers(providers),
        dispatcher,
        consumers,
        servicer,
    )
