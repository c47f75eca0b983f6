"""Waiting until every consumer of the run has caught up, so a scenario does not share the store with the last one.

A run's consumer groups and topics share its prefix. A group has caught up when, on every partition of each
topic it has committed on, its committed offset is the end offset (a partition it never committed counts from 0).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from deploy.local.stack import Stack

POLL_SECONDS = 0.5


class GroupLag:
    """One consumer group's uncommitted records on one topic, asked of the broker alone (no store read)."""

    def __init__(self, bootstrap: str, group: str, topic: str) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        self._ends = AIOKafkaConsumer(bootstrap_servers=bootstrap)
        self._group = group
        self._topic = topic

    async def __aenter__(self) -> GroupLag:
        await self._admin.start()
        await self._ends.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._ends.stop()
        await self._admin.close()

    async def records(self) -> int:
        if not self._partitions():
            await self._ends.topics()  # refreshes the metadata the partitions come from
        partitions = self._partitions()
        committed = await self._admin.list_consumer_group_offsets(self._group, partitions=partitions)
        end = await self._ends.end_offsets(partitions) if partitions else {}
        return _uncommitted(partitions, end, committed)

    def _partitions(self) -> list[TopicPartition]:
        return [TopicPartition(self._topic, p) for p in self._ends.partitions_for_topic(self._topic) or ()]


def _uncommitted(partitions: list[TopicPartition], end: dict[TopicPartition, int], committed: dict[Any, Any]) -> int:
    """Records past each partition's committed offset (a partition never committed counts from 0)."""
    return sum(max(0, end[tp] - (committed[tp].offset if tp in committed else 0)) for tp in partitions)


async def consumer_lag(bootstrap: str, prefix: str) -> int:
    """Records not yet committed, summed over the run's consumer groups."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    ends = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await admin.start()
    await ends.start()
    try:
        groups = [g[0] for g in await admin.list_consumer_groups() if str(g[0]).startswith(prefix)]
        lag = 0
        for group in groups:
            committed = await admin.list_consumer_group_offsets(group)
            topics = sorted({tp.topic for tp in committed})
            described = await admin.describe_topics(topics) if topics else []
            partitions = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
            end = await ends.end_offsets(partitions) if partitions else {}
            lag += _uncommitted(partitions, end, committed)
        return lag
    finally:
        await ends.stop()
        await admin.close()


async def wait_until_quiet(stack: Stack, limit: float = 600.0) -> float:
    """Seconds until no consumer of the run has a record left to handle (or `limit` passed)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if await consumer_lag(stack.config.kafka_bootstrap, stack.config.topic_prefix) == 0:
            break
        await asyncio.sleep(POLL_SECONDS)
    return time.perf_counter() - started
