"""Publishes records durably (acks=all, idempotent producer), keyed so one customer stays ordered."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

Headers = list[tuple[str, bytes]]


class KafkaPublisher:
    """Built at wiring time; the producer itself is created in `start()`, inside the event loop."""

    def __init__(self, bootstrap: str, client_id: str) -> None:
        self._bootstrap = bootstrap
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap,
            client_id=self._client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=2,
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()

    async def publish(self, topic: str, key: str, value: bytes, headers: Headers | None = None) -> None:
        """Returns once the broker has the record, so callers may then forget it."""
        if self._producer is None:
            raise RuntimeError("publisher used before start()")
        await self._producer.send_and_wait(topic, value=value, key=key.encode(), headers=headers or [])

    async def publish_in_order(self, records: Sequence[tuple[str, str, bytes, Headers]]) -> None:
        """(topic, key, value, headers) records; returns once the broker has every one. Each is queued
        without waiting for the one before to be acknowledged (a wait per record made a busy customer's
        events a chain of round trips): the idempotent producer keeps a partition's records in the
        order queued, retries included."""
        if self._producer is None:
            raise RuntimeError("publisher used before start()")
        producer = self._producer
        sent = [await producer.send(t, value=v, key=k.encode(), headers=h or []) for t, k, v, h in records]
        await asyncio.gather(*sent)
