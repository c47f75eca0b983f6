"""One Kafka reader per gateway process fanning timeline entries out to the open subscriptions.

Every gateway instance must see every entry (its subscribers may follow any
customer), so instead of joining a consumer group it reads all partitions
itself, starting at their ends: no offsets are committed, nothing old is
replayed. A subscription registers only after the reader is positioned, so
every entry written after `subscribe` returns reaches it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer
from customer360.events.v1 import profile_events_pb2
from customer360.profile.v1 import profile_pb2
from google.protobuf.message import DecodeError

from c360.events import parse_envelope, unpack
from c360.kafka.topics import ensure_topics

log = logging.getLogger(__name__)
QUEUE_SIZE = 100
ASSIGNMENT_SECONDS = 30


class TimelineHub:
    def __init__(self, bootstrap: str, topic: str, partitions: int) -> None:
        self._bootstrap = bootstrap
        self._topic = topic
        self._partitions = partitions
        self._subscribers: dict[str, set[asyncio.Queue[profile_pb2.TimelineEntry]]] = {}
        self._started = asyncio.Lock()
        self._consumer: AIOKafkaConsumer | None = None
        self._pump: asyncio.Task[None] | None = None

    async def _ensure_started(self) -> None:
        async with self._started:
            if self._consumer is not None:
                return
            await ensure_topics(self._bootstrap, [self._topic], self._partitions)
            # Without a group id, a subscribed consumer is assigned every partition of the topic.
            consumer = AIOKafkaConsumer(
                self._topic, bootstrap_servers=self._bootstrap, enable_auto_commit=False, auto_offset_reset="latest"
            )
            await consumer.start()
            async with asyncio.timeout(ASSIGNMENT_SECONDS):
                while not consumer.assignment():  # noqa: ASYNC110 - aiokafka offers no event for it
                    await asyncio.sleep(0.05)
            assigned = sorted(consumer.assignment())
            await consumer.seek_to_end(*assigned)
            for partition in assigned:  # resolve the end offsets now, before anyone subscribes
                await consumer.position(partition)
            self._consumer = consumer
            self._pump = asyncio.create_task(self._run(consumer))

    async def _run(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            try:
                batches = await consumer.getmany(timeout_ms=500)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("timeline reader failed; retrying")
                await asyncio.sleep(1)
                continue
            for records in batches.values():
                for record in records:
                    self._deliver(record.value or b"")

    def _deliver(self, value: bytes) -> None:
        try:
            added = unpack(parse_envelope(value), profile_events_pb2.TimelineEntryAdded)
        except DecodeError:
            return
        if added is None:
            return
        for queue in self._subscribers.get(added.entry.customer_id, set()):
            if queue.full():  # a subscriber that stopped reading loses its oldest entries, not the hub
                queue.get_nowait()
            queue.put_nowait(added.entry)

    @contextlib.asynccontextmanager
    async def subscribe(self, customer_id: str) -> AsyncIterator[asyncio.Queue[profile_pb2.TimelineEntry]]:
        await self._ensure_started()
        queue: asyncio.Queue[profile_pb2.TimelineEntry] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._subscribers.setdefault(customer_id, set()).add(queue)
        try:
            yield queue
        finally:
            waiting = self._subscribers.get(customer_id, set())
            waiting.discard(queue)
            if not waiting:
                self._subscribers.pop(customer_id, None)

    async def close(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
        if self._consumer is not None:
            await self._consumer.stop()
