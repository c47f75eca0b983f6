"""The outbox relays on the real store and broker: what a process writes is published through its nudges, a
failed publish is retried as a nudge rather than left to the (rare) sweep, and an idle relay reads nothing."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient, monitoring

from c360.kafka.publisher import Headers, KafkaPublisher
from c360.kafka.topics import ensure_topics
from c360.outbox import OutboxRecord, OutboxRelay, outbox_fields
from deploy.local.stack import Stack
from services.loyalty.adapters.batch_relay import BatchOutboxRelay
from services.messaging.adapters.read_only_relay import ReadOnlyRelay, events_fields
from tests.integration.conftest import eventually

SLOW_SWEEPS = 120.0  # sweep pace of these relays: nothing here may be left to a sweep


class FailingFirst(KafkaPublisher):
    """A real publisher whose first `failures` publishes fail, as in a broker outage."""

    def __init__(self, bootstrap: str, failures: int) -> None:
        super().__init__(bootstrap, "relay-tests")
        self.failures = failures

    def _fail_once(self) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("broker unreachable (injected)")

    async def publish(self, topic: str, key: str, value: bytes, headers: Headers | None = None) -> None:
        self._fail_once()
        await super().publish(topic, key, value, headers)

    async def publish_in_order(self, records: Any) -> None:
        self._fail_once()
        await super().publish_in_order(records)


class FindCounter(monitoring.CommandListener):
    """Counts the `find` commands sent to each collection."""

    def __init__(self) -> None:
        self.finds: dict[str, int] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            name = str(event.command.get("find"))
            self.finds[name] = self.finds.get(name, 0) + 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@contextlib.asynccontextmanager
async def running(relay: Any) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


@contextlib.asynccontextmanager
async def topic_reader(bootstrap: str, topic: str) -> AsyncIterator[list[bytes]]:
    """The values published on `topic`, as they arrive."""
    await ensure_topics(bootstrap, [topic], partitions=1)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    values: list[bytes] = []

    async def read() -> None:
        async for record in consumer:
            values.append(record.value or b"")

    reader = asyncio.create_task(read())
    try:
        yield values
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        await consumer.stop()


def record(topic: str, value: bytes) -> OutboxRecord:
    return OutboxRecord(uuid.uuid4().hex, topic, "c1", value)


async def test_a_nudged_document_whose_publish_failed_is_published_at_the_next_wake_up(
    mongo: AsyncMongoClient[dict[str, Any]], stack: Stack
) -> None:
    bootstrap = stack.config.kafka_bootstrap
    topic = f"relay-retry-{uuid.uuid4().hex[:8]}"
    database = mongo[f"{stack.config.database_prefix}relay_{uuid.uuid4().hex[:6]}"]
    try:
        for kind in ("shared", "batch"):
            publisher = FailingFirst(bootstrap, failures=1)
            await publisher.start()
            collection = database[f"docs_{kind}"]
            relay: OutboxRelay = (
                OutboxRelay(collection, publisher, sweep_interval_seconds=SLOW_SWEEPS)
                if kind == "shared"
                else BatchOutboxRelay(collection, publisher, guarded=False, sweep_seconds=SLOW_SWEEPS)
            )
            value = f"{kind}-event".encode()
            async with topic_reader(bootstrap, topic) as seen, running(relay):
                await asyncio.sleep(0.5)  # the relay's first sweep has run (and found nothing)
                await collection.insert_one({"_id": f"doc-{kind}", **outbox_fields([record(topic, value)])})
                relay.nudge(f"doc-{kind}")

                async def published(v: bytes = value, s: list[bytes] = seen) -> bool:
                    return v in s

                await eventually(published, within_seconds=30)
            await publisher.stop()
            assert publisher.failures == 0  # the first attempt did fail
            stored = await collection.find_one({"_id": f"doc-{kind}"})
            assert stored is not None
            assert stored["outbox"] == []
    finally:
        await mongo.drop_database(database.name)


async def test_an_idle_read_only_relay_reads_none_of_its_collections(stack: Stack) -> None:
    counter = FindCounter()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.config.mongodb_uri, event_listeners=[counter])
    bootstrap = stack.config.kafka_bootstrap
    topic = f"relay-idle-{uuid.uuid4().hex[:8]}"
    database = client[f"{stack.config.database_prefix}relay_{uuid.uuid4().hex[:6]}"]
    publisher = KafkaPublisher(bootstrap, "relay-tests")
    await publisher.start()
    try:
        messages, recipients = database["messages"], database["recipients"]
        await recipients.insert_many([{"_id": f"r{i}", **events_fields([])} for i in range(20)])
        relay = ReadOnlyRelay(database, [messages, recipients], publisher, sweep_interval_seconds=SLOW_SWEEPS)
        async with topic_reader(bootstrap, topic) as seen, running(relay):
            await asyncio.sleep(1.5)  # past the first sweep
            before = dict(counter.finds)
            await asyncio.sleep(2.5)  # two wake-ups and more, with nothing nudged
            assert counter.finds == before  # on FerretDB, any read but one by _id reads the whole collection

            await messages.insert_one({"_id": "m1", **events_fields([record(topic, b"sent")])})
            relay.nudge("m1")

            async def published() -> bool:
                return b"sent" in seen

            await eventually(published, within_seconds=30)
    finally:
        await publisher.stop()
        await client.drop_database(database.name)
        await client.close()
