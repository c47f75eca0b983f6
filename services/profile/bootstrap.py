"""Wires the profile service: every client is built here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from c360.kafka import topics
from c360.kafka.publisher import KafkaPublisher
from c360.mongo import connect
from c360.outbox import OutboxRelay
from c360.runtime import run_service
from c360.settings import InfraSettings
from services.profile.adapters.mongo_catalog import MongoAttributeCatalog, MongoListCatalog
from services.profile.adapters.mongo_customers import MongoCustomerRepository
from services.profile.adapters.search_filters import search_filter
from services.profile.app.catalog import Catalog
from services.profile.app.changes import CustomerChanges
from services.profile.app.details import RecordDetails
from services.profile.app.edit_customer import EditCustomer
from services.profile.app.queries import CustomerQueries
from services.profile.app.register_customer import RegisterCustomer
from services.profile.app.status_changes import StatusChanges
from services.profile.domain.customer import ProfileRules
from services.profile.ports.grpc_servicer import ProfileServicer
from services.profile.ports.use_cases import UseCases
from services.profile.settings import ProfileSettings

SERVICE_NAME = profile_pb2.DESCRIPTOR.services_by_name["ProfileService"].full_name


@dataclass
class ProfileService:
    infra: InfraSettings
    settings: ProfileSettings
    customers: MongoCustomerRepository
    lists: MongoListCatalog
    publisher: KafkaPublisher
    relay: OutboxRelay
    servicer: ProfileServicer

    async def start(self) -> None:
        await ensure_profile_topics(self.infra)
        await self.customers.ensure_indexes()
        await self.lists.ensure_indexes()
        await self.publisher.start()

    async def close(self) -> None:
        await self.publisher.stop()

    async def run(self) -> None:
        await run_service(
            address=self.settings.grpc_address,
            registrars=[lambda server: profile_pb2_grpc.add_ProfileServiceServicer_to_server(self.servicer, server)],
            service_names=[SERVICE_NAME],
            start=self.start,
            workers=[self.relay.run],
            close=self.close,
        )


async def ensure_profile_topics(infra: InfraSettings) -> None:
    await topics.ensure_topics(infra.kafka_bootstrap, [infra.topic(topics.PROFILE_EVENTS)], infra.topic_partitions)


def bootstrap(infra: InfraSettings, settings: ProfileSettings) -> ProfileService:
    database = connect(infra.mongodb_uri, "profile")[infra.database("profile")]
    customers = MongoCustomerRepository(database)
    publisher = KafkaPublisher(infra.kafka_bootstrap, client_id="profile")
    relay = OutboxRelay(customers.collection, publisher)
    rules = ProfileRules(
        default_region=settings.default_region,
        customer_types=tuple(t.upper() for t in settings.customer_types),
        default_customer_type=settings.default_customer_type.upper(),
    )
    events_topic = infra.topic(topics.PROFILE_EVENTS)
    changes = CustomerChanges(customers, relay, events_topic)
    attributes, lists = MongoAttributeCatalog(database), MongoListCatalog(database)
    use_cases = UseCases(
        register=RegisterCustomer(customers, relay, rules, events_topic),
        queries=CustomerQueries(customers, rules, search_filter),
        edit=EditCustomer(changes, rules),
        status=StatusChanges(changes),
        details=RecordDetails(changes, attributes, lists),
        catalog=Catalog(attributes, lists, customers),
    )
    servicer = ProfileServicer(use_cases)  # type: ignore[abstract]  # TODO notes, timeline, import
    return ProfileService(infra, settings, customers, lists, publisher, relay, servicer)
