"""The shared consume loop on the real broker: with key parallelism, customers run side by side while each
customer's records keep their order, and everything handled is committed."""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from collections.abc import AsyncIterator
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from c360.kafka.consumer import ConsumerLoop, Record
from c360.kafka.publisher import KafkaPublisher
from c360.kafka.topics import ensure_topics
from tests.integration.conftest import eventually

KEYS = 12
PER_KEY = 25


async def test_records_of_one_key_keep_their_order_while_keys_run_side_by_side(infra: Any) -> None:
    bootstrap = infra.kafka_bootstrap
    topic = f"consumer-loop-{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic], partitions=3)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for seq in range(PER_KEY):
            for key in range(KEYS):
                await producer.send(topic, key=f"customer-{key}".encode(), value=str(seq).encode())
        await producer.flush()
    finally:
        await producer.stop()

    seen: dict[str, list[int]] = {}
    running = 0
    most_at_once = 0

    async def handle(record: Record) -> None:
        nonlocal running, most_at_once
        running += 1
        most_at_once = max(most_at_once, running)
        await asyncio.sleep(random.uniform(0, 0.003))  # a round trip to a store, of varying length
        seen.setdefault(record.key.decode(), []).append(int(record.value))
        running -= 1

    async def all_handled() -> bool:
        return sum(len(values) for values in seen.values()) == KEYS * PER_KEY

    group = f"{topic}.group"
    async with _consuming(bootstrap, group, topic, handler=handle, key_parallelism=8):
        await eventually(all_handled, within_seconds=60)

    assert seen == {f"customer-{key}": list(range(PER_KEY)) for key in range(KEYS)}
    assert most_at_once > 1  # keys really ran side by side
    assert await _committed(bootstrap, group) == KEYS * PER_KEY


async def test_records_published_in_order_without_waiting_for_each_arrive_in_that_order(infra: Any) -> None:
    """KafkaPublisher.publish_in_order queues a key's records without a round trip each; order must hold."""
    bootstrap = infra.kafka_bootstrap
    topic = f"publish-order-{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic], partitions=3)
    publisher = KafkaPublisher(bootstrap, "publish-order-test")
    await publisher.start()
    try:
        chains = [[(topic, f"customer-{k}", str(seq).encode(), []) for seq in range(200)] for k in range(4)]
        await asyncio.gather(*(publisher.publish_in_order(chain) for chain in chains))  # type: ignore[arg-type]
    finally:
        await publisher.stop()

    seen: dict[str, list[int]] = {}

    async def handle(record: Record) -> None:
        seen.setdefault(record.key.decode(), []).append(int(record.value))

    dead_letters = KafkaPublisher(bootstrap, "publish-order-dlq")
    await dead_letters.start()
    loop = ConsumerLoop(
        bootstrap=bootstrap,
        group_id=f"publish-order-{uuid.uuid4().hex[:6]}",
        topics=[topic],
        handler=handle,
        dead_letters=dead_letters,
    )
    stop = asyncio.Event()
    consuming = asyncio.create_task(loop.run(stop))
    try:
        await eventually(lambda: _count(seen, 800), within_seconds=60)
    finally:
        stop.set()
        await consuming
        await dead_letters.stop()
    assert seen == {f"customer-{k}": list(range(200)) for k in range(4)}


async def _count(seen: dict[str, list[int]], wanted: int) -> bool:
    return sum(len(values) for values in seen.values()) >= wanted


async def test_a_prelude_handles_what_it_can_in_bulk_the_handler_the_rest_and_a_failed_prelude_skips_nothing(
    infra: Any,
) -> None:
    bootstrap = infra.kafka_bootstrap
    topic = f"consumer-prelude-{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic], partitions=2)
    first = [f"{'bulk' if n % 3 else 'one'}-{n}" for n in range(60)]
    second = [f"bulk-again-{n}" for n in range(10)]  # while the prelude fails: every one goes one by one
    in_bulk: list[str] = []
    one_by_one: list[str] = []
    failing = False

    async def prelude(records: list[Record]) -> set[int]:
        if failing:
            raise RuntimeError("the bulk write failed")
        fetched = [record.value.decode() for record in records]
        in_bulk.extend(v for v in fetched if v.startswith("bulk"))
        return {position for position, v in enumerate(fetched) if v.startswith("bulk")}

    async def handle(record: Record) -> None:
        one_by_one.append(record.value.decode())

    group = f"{topic}.group"
    async with _consuming(bootstrap, group, topic, handler=handle, prelude=prelude, key_parallelism=4):
        await _publish(bootstrap, topic, first)
        await eventually(lambda: _handled_at_least(in_bulk, one_by_one, len(first)), within_seconds=60)
        assert sorted(in_bulk) == sorted(v for v in first if v.startswith("bulk"))
        assert sorted(one_by_one) == sorted(v for v in first if v.startswith("one"))  # none handled twice

        failing = True
        await _publish(bootstrap, topic, second)
        await eventually(lambda: _handled_at_least(in_bulk, one_by_one, len(first) + len(second)), within_seconds=60)
        assert sorted(one_by_one[-len(second) :]) == sorted(second)

    assert await _committed(bootstrap, group) == len(first) + len(second)


@contextlib.asynccontextmanager
async def _consuming(bootstrap: str, group: str, topic: str, **options: Any) -> AsyncIterator[None]:
    """A ConsumerLoop running on `topic` for the block's duration."""
    dead_letters = KafkaPublisher(bootstrap, f"{group}-test")
    await dead_letters.start()
    stop = asyncio.Event()
    loop = ConsumerLoop(bootstrap=bootstrap, group_id=group, topics=[topic], dead_letters=dead_letters, **options)
    consuming = asyncio.create_task(loop.run(stop))
    try:
        yield
    finally:
        stop.set()
        await consuming
        await dead_letters.stop()


async def _committed(bootstrap: str, group: str) -> int:
    """The group's committed offsets, summed over its partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return sum(meta.offset for meta in committed.values())


async def _publish(bootstrap: str, topic: str, values: list[str]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for n, value in enumerate(values):
            await producer.send(topic, key=f"customer-{n % 5}".encode(), value=value.encode())
        await producer.flush()
    finally:
        await producer.stop()


async def _handled_at_least(in_bulk: list[str], one_by_one: list[str], expected: int) -> bool:
    return len(in_bulk) + len(one_by_one) >= expected
