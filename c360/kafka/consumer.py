"""The consume loop every service uses: at-least-once, commit after success, dead-letter poison.

A handler raises `PoisonMessage` for a record that can never be processed (bad
JSON, schema violation): the record goes to `<topic>.dlq` with the reason in a
header and the loop moves on. Any other exception is treated as transient (the
store is down, a dependency is slow): the same record is retried with backoff
and nothing after it is committed, so no event is lost and, since handlers are
idempotent, none is applied twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import CommitFailedError

from c360 import metrics, tracing
from c360.kafka.publisher import KafkaPublisher
from c360.kafka.topics import dead_letter_topic
from c360.logging import set_correlation_id

log = logging.getLogger(__name__)

Record: TypeAlias = Any  # aiokafka's ConsumerRecord[bytes, bytes]; aiokafka ships no type hints
RecordHandler = Callable[[Record], Awaitable[None]]
# Handles a partition's fetched records at once (bulk writes); returns the positions of poison records with reasons.
BatchHandler = Callable[[list[Record]], Awaitable[dict[int, str]]]
# Before a record handler: handles in bulk what it can of a fetch (a flood of registrations: one insert, not
# one write per record); returns the positions it fully handled, which the handler then skips.
Prelude = Callable[[list[Record]], Awaitable[set[int]]]

REASON_HEADER = "dlq-reason"
CORRELATION_HEADER = "x-correlation-id"


class PoisonMessage(Exception):
    """A record that no retry will fix; it belongs in the dead-letter topic."""


def header(record: Record, name: str) -> str | None:
    for key, value in record.headers or ():
        if key == name:
            return bytes(value).decode(errors="replace")
    return None


class ConsumerLoop:
    def __init__(
        self,
        *,
        bootstrap: str,
        group_id: str,
        topics: list[str],
        dead_letters: KafkaPublisher,
        handler: RecordHandler | None = None,
        batch_handler: BatchHandler | None = None,
        max_batch: int = 500,
        max_backoff_seconds: float = 5.0,
        key_parallelism: int = 1,
        prelude: Prelude | None = None,
    ) -> None:
        """`key_parallelism` > 1: a fetch's records of different keys (customers) are handled side by side,
        each key's in order, and committed together; for handlers whose work per record is a round trip.
        `prelude`: with a record handler, a shortcut taken first for each fetch; it must leave the store as
        handling its records one by one would, since a failed prelude only means nothing is skipped."""
        if (handler is None) == (batch_handler is None):
            raise ValueError("a consumer takes records one at a time (handler) or in batches (batch_handler)")
        if prelude is not None and handler is None:
            raise ValueError("a prelude goes before a record handler")
        self._prelude = prelude
        self._done: set[int] = set()  # ids of the fetch's records the prelude handled
        self._topics = topics
        self._handler = handler
        self._batch_handler = batch_handler
        self._dead_letters = dead_letters
        self._max_batch = max_batch
        self._max_backoff = max_backoff_seconds
        self._key_parallelism = key_parallelism
        self._bootstrap = bootstrap
        self._group_id = group_id
        self._stopping = asyncio.Event()
        self._committed: dict[str, int] = {}

    async def run(self, stop: asyncio.Event) -> None:
        """Consumes until `stop` is set; the record in hand is finished and committed first."""
        self._stopping = stop
        self._consumer = AIOKafkaConsumer(
            *self._topics,
            bootstrap_servers=self._bootstrap,
            group_id=self._group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=5_000,
        )
        await self._consumer.start()
        try:
            while not self._stopping.is_set():
                batches = await self._consumer.getmany(timeout_ms=200, max_records=self._max_batch)
                self._done = await self._run_prelude(batches) if self._prelude is not None and batches else set()
                if self._batch_handler is not None and batches:
                    await self._process_fetch(batches)
                    continue
                if self._key_parallelism > 1 and batches:
                    await self._process_by_key(batches)
                    continue
                for partition, records in batches.items():
                    await self._process_partition(partition, records)
        finally:
            await self._consumer.stop()
            # What a drained instance handed over: its successor resumes exactly after these offsets.
            log.info("consumer stopped", extra={"fields": {"group": self._group_id, "committed": self._committed}})

    async def _process_partition(self, partition: TopicPartition, records: list[Record]) -> None:
        """Commits once per batch: a crash mid-batch redelivers records the idempotent handler skips."""
        next_offset = None
        if records:
            self._report_lag(partition, records[0].offset)  # visible while a stuck record is retried
        if self._batch_handler is not None and records:
            await self._process_batch_with_retry(records)
            next_offset = records[-1].offset + 1
        for record in records if self._batch_handler is None else ():
            if self._stopping.is_set():
                break
            await self._process_with_retry(record)
            next_offset = record.offset + 1
        if next_offset is not None:
            await self._commit({partition: next_offset})

    async def _process_by_key(self, batches: dict[TopicPartition, list[Record]]) -> None:
        """One key's records stay in order (a key lives in one partition); keys run side by side."""
        by_key: dict[bytes | None, list[Record]] = {}
        for chunk in batches.values():
            for record in chunk:
                by_key.setdefault(record.key, []).append(record)
        gate = asyncio.Semaphore(self._key_parallelism)

        async def in_order(records: list[Record]) -> None:
            async with gate:
                for record in records:
                    await self._process_with_retry(record)

        await asyncio.gather(*(in_order(records) for records in by_key.values()))
        await self._commit({tp: chunk[-1].offset + 1 for tp, chunk in batches.items() if chunk})

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        """After a rebalance took a partition away its commit is refused: the new owner redelivers, harmlessly."""
        try:
            await self._consumer.commit(offsets)
        except CommitFailedError as refused:
            log.warning("offsets not committed (partitions reassigned)", extra={"fields": {"reason": str(refused)}})
            return
        for partition, offset in offsets.items():
            self._committed[f"{partition.topic}/{partition.partition}"] = offset
            self._report_lag(partition, offset)

    def _report_lag(self, partition: TopicPartition, position: int) -> None:
        if partition not in self._consumer.assignment():
            return  # revoked by a rebalance; its new owner reports it
        highwater = self._consumer.highwater(partition)
        if highwater is not None:
            lag = metrics.CONSUMER_LAG.labels(self._group_id, partition.topic, str(partition.partition))
            lag.set(max(0, highwater - position))

    async def _process_fetch(self, batches: dict[TopicPartition, list[Record]]) -> None:
        """Batch mode: everything one fetch returned, across partitions, in one handler call; then commit."""
        records = [record for chunk in batches.values() for record in chunk]
        if records:
            await self._process_batch_with_retry(records)
            await self._commit({tp: chunk[-1].offset + 1 for tp, chunk in batches.items() if chunk})

    async def _process_batch_with_retry(self, records: list[Record]) -> None:
        """The batch handler must be idempotent too: a failed batch is retried whole."""
        assert self._batch_handler is not None
        backoff = 0.1
        while True:
            set_correlation_id(header(records[0], CORRELATION_HEADER))
            try:
                with tracing.span_for_batch(
                    f"process {records[0].topic} batch",
                    [tracing.kafka_trace_headers(record.headers) for record in records],
                    tracing.SpanKind.CONSUMER,
                ):
                    poison = await self._batch_handler(records)
                break
            except asyncio.CancelledError:
                raise
            except Exception:
                metrics.CONSUMER_RETRIES.labels(self._group_id, records[0].topic).inc()
                log.exception(
                    "transient failure of a batch, retrying",
                    extra={"fields": {"topic": records[0].topic, "offset": records[0].offset, "size": len(records)}},
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
        for position, reason in sorted(poison.items()):
            await self._dead_letter(records[position], reason)
        metrics.CONSUMER_PROCESSED.labels(self._group_id, records[0].topic).inc(len(records) - len(poison))
        metrics.CONSUMER_DEAD_LETTERED.labels(self._group_id, records[0].topic).inc(len(poison))

    async def _run_prelude(self, batches: dict[TopicPartition, list[Record]]) -> set[int]:
        assert self._prelude is not None
        records = [record for chunk in batches.values() for record in chunk]
        try:
            with tracing.span_for_batch(
                f"process {records[0].topic} batch",  # as a batch handler's: one trace shows either
                [tracing.kafka_trace_headers(record.headers) for record in records],
                tracing.SpanKind.CONSUMER,
            ):
                handled = await self._prelude(records)
        except asyncio.CancelledError:
            raise
        except Exception:  # a shortcut only: the records are then handled one by one
            log.exception("bulk prelude failed; handling the fetch record by record")
            return set()
        return {id(records[position]) for position in handled}

    async def _process_with_retry(self, record: Record) -> None:
        if id(record) in self._done:
            metrics.CONSUMER_PROCESSED.labels(self._group_id, record.topic).inc()
            return
        backoff = 0.1
        while True:
            set_correlation_id(header(record, CORRELATION_HEADER))
            try:
                trace_parent = tracing.kafka_trace_headers(record.headers)
                with tracing.span_from_headers(f"process {record.topic}", trace_parent, tracing.SpanKind.CONSUMER):
                    assert self._handler is not None
                    await self._handler(record)
                metrics.CONSUMER_PROCESSED.labels(self._group_id, record.topic).inc()
                return
            except PoisonMessage as poison:
                await self._dead_letter(record, str(poison))
                metrics.CONSUMER_DEAD_LETTERED.labels(self._group_id, record.topic).inc()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                metrics.CONSUMER_RETRIES.labels(self._group_id, record.topic).inc()
                log.exception(
                    "transient failure, retrying",
                    extra={"fields": {"topic": record.topic, "offset": record.offset}},
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)

    async def _dead_letter(self, record: Record, reason: str) -> None:
        log.warning(
            "dead-lettered a record",
            extra={"fields": {"topic": record.topic, "offset": record.offset, "reason": reason}},
        )
        headers = [
            *(record.headers or ()),
            (REASON_HEADER, reason.encode()),
            ("dlq-source", f"{record.topic}/{record.partition}/{record.offset}".encode()),
        ]
        await self._dead_letters.publish(
            dead_letter_topic(record.topic),
            key=(record.key or b"").decode(errors="replace"),
            value=record.value or b"",
            headers=headers,
        )
