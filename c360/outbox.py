"""Transactional outbox without transactions: events ride inside the document they describe.

A write that changes an aggregate pushes its events onto the same document's
`outbox` array in the same atomic update, and sets `outbox_pending`. The relay
then publishes them and pulls each one out, so a crash between the write and
the publish loses nothing (the sweep finds the document again) and a race
between relays publishes twice at worst, which the consumers' event-id dedupe
absorbs.

Every relay write filters on `_id` alone: FerretDB 1.24 pushes down only such
filters and scans the whole collection for any other, so the hot path (publish
after a write) stays constant-time there too. Only the periodic sweep clears
`outbox_pending`, with one guarded update for all the documents it visited.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from c360 import metrics, tracing
from c360.idle_backoff import IdleBackoff
from c360.kafka.publisher import KafkaPublisher

log = logging.getLogger(__name__)

Document = dict[str, Any]


@dataclass(frozen=True)
class OutboxRecord:
    event_id: str
    topic: str
    key: str
    value: bytes
    correlation_id: str = ""
    # The trace of the request that caused the event, so its consumers continue that trace.
    trace_headers: dict[str, str] = field(default_factory=tracing.current_trace_headers)

    def correlation_headers(self) -> list[tuple[str, bytes]]:
        """The Kafka headers that carry the request's correlation id to the consumers' logs."""
        return [("x-correlation-id", self.correlation_id.encode())] if self.correlation_id else []

    def to_document(self) -> Document:
        return {
            "event_id": self.event_id,
            "topic": self.topic,
            "key": self.key,
            "value": self.value,
            "correlation_id": self.correlation_id,
            "trace": self.trace_headers,
        }

    @classmethod
    def from_document(cls, doc: Document) -> OutboxRecord:
        return cls(
            doc["event_id"],
            doc["topic"],
            doc["key"],
            bytes(doc["value"]),
            doc.get("correlation_id", ""),
            dict(doc.get("trace") or {}),
        )


def outbox_push(records: list[OutboxRecord]) -> Document:
    """The update operators that enqueue events beside an aggregate change."""
    return {
        "$push": {"outbox": {"$each": [r.to_document() for r in records]}},
        "$set": {"outbox_pending": True},
    }


def outbox_fields(records: list[OutboxRecord]) -> Document:
    """The fields of a new document that carry its first events."""
    return {"outbox": [r.to_document() for r in records], "outbox_pending": bool(records)}


async def pause_after_failure(stop: asyncio.Event, seconds: float) -> None:
    """A relay's wait before it retries a failed round, cut short by `stop`."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


IDLE_SWEEP_SECONDS = 60.0  # the longest wait between sweeps that find nothing
RETRY_SECONDS = 1.0  # the wait before a relay retries a failed round (a broker or store outage)
WAKE_SECONDS = 1.0  # the longest a relay sleeps without looking at its nudges and at `stop`


def sweep_backoff(interval_seconds: float) -> IdleBackoff:
    """The pace of a relay's sweeps: every `interval_seconds` while they find events, slowing to once a
    minute while they find none. Nudges publish what this process writes, and a failed publish is retried
    as a nudge, so a sweep only finds what a crashed process left behind; on FerretDB each one reads the
    whole collection, which at once every second or five took most of the store's CPU under load (measured)."""
    return IdleBackoff(interval_seconds, max_factor=max(1.0, IDLE_SWEEP_SECONDS / interval_seconds))


class OutboxRelay:
    def __init__(
        self,
        collection: AsyncCollection[Document],
        publisher: KafkaPublisher,
        sweep_interval_seconds: float = 1.0,
    ) -> None:
        self._collection = collection
        self._publisher = publisher
        self._sweep_interval = sweep_interval_seconds
        self._wakeup = asyncio.Event()
        self._nudged: set[Any] = set()

    @staticmethod
    async def ensure_indexes(collection: AsyncCollection[Document]) -> None:
        await collection.create_index("outbox_pending", name="outbox_pending")

    def nudge(self, doc_id: Any) -> None:
        """Asks for a prompt publish of one document's events (the fast path after a write)."""
        self._nudged.add(doc_id)
        self._wakeup.set()

    def retry_soon(self, doc_ids: list[Any]) -> None:
        """Nudges again what failed to publish (a broker outage), so it does not wait for a sweep."""
        self._nudged.update(doc_ids)
        self._wakeup.set()

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()
        backoff = sweep_backoff(self._sweep_interval)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                wait = min(WAKE_SECONDS, max(0.0, next_sweep - loop.time()))  # and see `stop` soon
                await asyncio.wait_for(self._wakeup.wait(), timeout=wait)
            self._wakeup.clear()
            try:
                nudged, self._nudged = list(self._nudged), set()
                for position, doc_id in enumerate(nudged):
                    try:
                        await self.flush(doc_id)
                    except Exception:
                        self.retry_soon(nudged[position:])
                        raise
                if loop.time() >= next_sweep:
                    # Sweeps find what a crash or another instance left behind; nudges do the prompt work.
                    next_sweep = loop.time() + self._sweep_interval  # also the pace after a failed sweep
                    found = await self.sweep()
                    next_sweep = loop.time() + backoff.next_wait(found > 0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; will retry")
                await pause_after_failure(stop, RETRY_SECONDS)
        await self.sweep()

    async def sweep(self, limit: int = 200) -> int:
        """Publishes every pending document's events, then clears the flags of those left empty."""
        found = [doc async for doc in self._collection.find({"outbox_pending": True}, {"outbox": 1}).limit(limit)]
        ids = [doc["_id"] for doc in found]
        # Documents with events still to publish (a flag outlives its events until this sweep clears it);
        # set before publishing, so that a Kafka outage shows as a standing backlog.
        waiting = sum(1 for doc in found if doc.get("outbox"))
        backlog = waiting if len(found) < limit else await self.backlog()  # past the limit: flags, an upper bound
        metrics.OUTBOX_BACKLOG.labels(self._collection.full_name).set(backlog)
        published = 0
        for doc_id in ids:
            published += await self.flush(doc_id)
        if ids:
            await self.clear_flags(ids)
        return published

    async def backlog(self) -> int:
        return await self._collection.count_documents({"outbox_pending": True})

    async def clear_flags(self, doc_ids: list[Any]) -> None:
        """Marks drained documents done; the `$size` guard keeps a flag whose document got new events meanwhile."""
        await self._collection.update_many(
            {"_id": {"$in": doc_ids}, "outbox": {"$size": 0}}, {"$set": {"outbox_pending": False}}
        )

    async def flush(self, doc_id: Any) -> int:
        doc = await self._collection.find_one({"_id": doc_id}, {"outbox": 1})
        stored = list((doc or {}).get("outbox") or [])
        for element in stored:
            record = OutboxRecord.from_document(element)
            headers = record.correlation_headers()
            with tracing.span_from_headers(f"publish {record.topic}", record.trace_headers, tracing.SpanKind.PRODUCER):
                headers += [(k, v.encode()) for k, v in tracing.current_trace_headers().items()]
                await self._publisher.publish(record.topic, record.key, record.value, headers)
            metrics.OUTBOX_PUBLISHED.labels(self._collection.full_name).inc()
            # The element exactly as stored: a no-op when another relay pulled it first.
            await self._collection.update_one({"_id": doc_id}, {"$pull": {"outbox": element}})
        return len(stored)
