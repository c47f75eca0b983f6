"""Wires the profile service: every client is built here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from c360.kafka import topics
from c360.kafka.consumer import ConsumerLoop
from c360.kafka.publisher import KafkaPublisher
from c360.mongo import connect
from c360.outbox import OutboxRelay
from c360.runtime import run_service
from c360.settings import InfraSettings
from services.profile.adapters.document_locks import DocumentLocks, LockingOutboxRelay
from services.profile.adapters.import_outbox import ImportOutbox
from services.profile.adapters.mongo_bulk_customers import MongoBulkCustomers
from services.profile.adapters.mongo_catalog import MongoAttributeCatalog, MongoListCatalog
from services.profile.adapters.mongo_customers import MongoCustomerRepository
from services.profile.adapters.mongo_import_jobs import MongoImportJobs
from services.profile.adapters.mongo_notes import MongoNotes
from services.profile.adapters.mongo_timeline import MongoTimeline
from services.profile.adapters.notes_relay import NotesOutboxRelay
from services.profile.adapters.search_filters import search_filter
from services.profile.app.catalog import Catalog
from services.profile.app.changes import CustomerChanges
from services.profile.app.details import RecordDetails
from services.profile.app.edit_customer import EditCustomer
from services.profile.app.export_customers import ExportCustomers
from services.profile.app.import_customers import ImportCustomers, registration_rebuilder
from services.profile.app.notes import Notes
from services.profile.app.queries import CustomerQueries
from services.profile.app.register_customer import RegisterCustomer
from services.profile.app.status_changes import StatusChanges
from services.profile.app.timeline import ForeignEventReactions, Timeline
from services.profile.domain.customer import ProfileRules
from services.profile.ports.event_consumers import DomainEventsConsumer
from services.profile.ports.grpc_servicer import ProfileServicer
from services.profile.ports.use_cases import UseCases
from services.profile.settings import ProfileSettings

SERVICE_NAME = profile_pb2.DESCRIPTOR.services_by_name["ProfileService"].full_name
CONSUMED_TOPICS = (topics.PROFILE_EVENTS, topics.LOYALTY_EVENTS, topics.COUPONS_EVENTS, topics.MESSAGING_EVENTS)


@dataclass
class ProfileService:
    infra: InfraSettings
    settings: ProfileSettings
    customers: MongoCustomerRepository
    lists: MongoListCatalog
    notes: MongoNotes
    timeline: MongoTimeline
    publisher: KafkaPublisher
    relays: list[OutboxRelay]
    consumer: ConsumerLoop
    servicer: ProfileServicer
    import_outbox: ImportOutbox

    async def start(self) -> None:
        await ensure_profile_topics(self.infra)
        await self.customers.ensure_indexes()
        await self.lists.ensure_indexes()
        await self.notes.ensure_indexes()
        await self.timeline.ensure_indexes()
        await self.publisher.start()
        await self.import_outbox.recover()

    async def close(self) -> None:
        await self.publisher.stop()

    async def run(self) -> None:
        await run_service(
            address=self.settings.grpc_address,
            registrars=[lambda server: profile_pb2_grpc.add_ProfileServiceServicer_to_server(self.servicer, server)],
            service_names=[SERVICE_NAME],
            start=self.start,
            workers=[*(relay.run for relay in self.relays), self.consumer.run],
            close=self.close,
        )


async def ensure_profile_topics(infra: InfraSettings) -> None:
    """Its own topics, and the ones it consumes (so it can start before their producers)."""
    names = [infra.topic(t) for t in (*CONSUMED_TOPICS, topics.PROFILE_TIMELINE)]
    await topics.ensure_topics(infra.kafka_bootstrap, names, infra.topic_partitions)


def bootstrap(infra: InfraSettings, settings: ProfileSettings) -> ProfileService:
    database = connect(infra.mongodb_uri, "profile")[infra.database("profile")]
    locks = DocumentLocks()
    customers, notes, timeline = (
        MongoCustomerRepository(database, locks),
        MongoNotes(database, locks),
        MongoTimeline(database),
    )
    publisher = KafkaPublisher(infra.kafka_bootstrap, client_id="profile")
    relay = LockingOutboxRelay(customers.collection, publisher, locks=locks)
    notes_relay = NotesOutboxRelay(notes.collection, publisher, locks=locks)
    import_outbox = ImportOutbox(
        database, customers.collection, publisher, registration_rebuilder(infra.topic(topics.PROFILE_EVENTS))
    )
    rules = ProfileRules(
        default_region=settings.default_region,
        customer_types=tuple(t.upper() for t in settings.customer_types),
        default_customer_type=settings.default_customer_type.upper(),
    )
    events_topic = infra.topic(topics.PROFILE_EVENTS)
    changes = CustomerChanges(customers, relay, events_topic)
    attributes, lists = MongoAttributeCatalog(database), MongoListCatalog(database)
    details = RecordDetails(changes, attributes, lists)
    timeline_use_case = Timeline(timeline, publisher, infra.topic(topics.PROFILE_TIMELINE))
    use_cases = UseCases(
        register=RegisterCustomer(customers, relay, rules, events_topic),
        queries=CustomerQueries(customers, rules, search_filter),
        edit=EditCustomer(changes, rules),
        status=StatusChanges(changes),
        details=details,
        catalog=Catalog(attributes, lists, customers),
        notes=Notes(notes, customers, notes_relay, events_topic),
        timeline=timeline_use_case,
        imports=ImportCustomers(
            MongoBulkCustomers(customers.collection, locks, customers.mobile_keys),
            MongoImportJobs(database),
            import_outbox,
            rules,
            events_topic,
            relay,
        ),
        export=ExportCustomers(customers),
    )
    consumer = ConsumerLoop(
        bootstrap=infra.kafka_bootstrap,
        group_id=infra.consumer_group("profile"),
        topics=[infra.topic(t) for t in CONSUMED_TOPICS],
        batch_handler=DomainEventsConsumer(timeline_use_case, ForeignEventReactions(details, notes)),
        dead_letters=publisher,
    )
    return ProfileService(
        infra,
        settings,
        customers,
        lists,
        notes,
        timeline,
        publisher,
        [relay, notes_relay],
        consumer,
        ProfileServicer(use_cases),
        import_outbox,
    )
