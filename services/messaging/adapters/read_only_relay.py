"""Publishes the events that ride in messaging's documents without ever writing those documents.

FerretDB 1.24 applies concurrent updates of one document as read-modify-write with
the last writer winning (measured: several conditional `update_one`s on one document
all report a match, and `$inc`s are lost). The shared relay pops published events off
the document, so a status change written at the same moment (DELIVERED after SENT)
could be undone and its event dropped. This relay only reads: events still ride in
the changed document, written in the same update as the change (`events_update`),
and what was published is remembered in `published_events` (insert-only, keyed by
event id). A nudged document is published at once (a primary-key read); a sweep of
the window (a full scan on FerretDB, so rare) catches what a crash left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.asynchronous.database import AsyncDatabase

from c360.by_id import find_by_ids
from c360.kafka.publisher import KafkaPublisher
from c360.outbox import OutboxRecord, outbox_fields, outbox_push

log = logging.getLogger(__name__)
Document = dict[str, Any]


def events_update(records: list[OutboxRecord], now: datetime | None = None) -> Document:
    """The update operators that enqueue events beside a change (and date them for the sweep)."""
    update = outbox_push(records)
    update["$set"]["events_at"] = now or datetime.now(UTC)
    return update


def events_fields(records: list[OutboxRecord], now: datetime | None = None) -> Document:
    """The fields of a new document that carry its first events."""
    return {**outbox_fields(records), "events_at": (now or datetime.now(UTC)) if records else None}


class ReadOnlyRelay:
    def __init__(
        self,
        database: AsyncDatabase[Document],
        collections: list[AsyncCollection[Document]],
        publisher: KafkaPublisher,
        window: timedelta = timedelta(days=1),
        sweep_interval_seconds: float = 60.0,
    ) -> None:
        self._collections = collections
        self._published: AsyncCollection[Document] = database["published_events"]
        self._publisher = publisher
        self._window = window
        self._interval = sweep_interval_seconds
        self._wakeup = asyncio.Event()
        self._nudged: set[Any] = set()

    async def ensure_indexes(self) -> None:
        for collection in self._collections:
            await collection.create_index([("events_at", ASCENDING)], name="by_events_at")

    def nudge(self, doc_id: Any) -> None:
        """Asks for a prompt publish of one document's events (the fast path after a write)."""
        self._nudged.add(doc_id)
        self._wakeup.set()

    async def run(self, stop: asyncio.Event) -> None:
        last_sweep = 0.0
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=1.0)  # and see `stop` within a second
            self._wakeup.clear()
            try:
                nudged, self._nudged = self._nudged, set()
                try:
                    await self._publish_nudged(list(nudged))
                except Exception:
                    self._nudged |= nudged  # retried at the next wake-up, not left to the rare sweep
                    raise
                if time.monotonic() - last_sweep >= self._interval:
                    await self.sweep(self._window)
                    last_sweep = time.monotonic()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("event relay failed; will retry")

    async def _publish_nudged(self, nudged: list[Any]) -> None:
        """Reads the nudged documents by `_id` one by one: on FerretDB an `$in`, even an empty one, reads the
        whole collection, and this runs at every wake-up."""
        if not nudged:
            return
        for collection in self._collections:
            await self._publish_documents(await find_by_ids(collection, nudged, {"outbox": 1}))

    async def sweep(self, window: timedelta) -> int:
        since = datetime.now(UTC) - window
        published = 0
        for collection in self._collections:
            query = collection.find({"events_at": {"$gte": since}}, {"outbox": 1, "events_at": 1})
            published += await self._publish(query.sort("events_at", ASCENDING))
        return published

    async def _publish(self, documents: AsyncCursor[Document]) -> int:
        return await self._publish_documents([doc async for doc in documents])

    async def _publish_documents(self, documents: list[Document]) -> int:
        """Publishes the events of `documents` not yet marked published, in order."""
        records = [OutboxRecord.from_document(r) for doc in documents for r in doc.get("outbox") or []]
        if not records:
            return 0
        marked = await find_by_ids(self._published, [r.event_id for r in records], {"_id": 1})
        done = {d["_id"] for d in marked}
        published = 0
        for record in records:
            if record.event_id in done:
                continue
            headers = record.correlation_headers()
            await self._publisher.publish(record.topic, record.key, record.value, headers)
            await self._published.update_one(
                {"_id": record.event_id}, {"$setOnInsert": {"at": datetime.now(UTC)}}, upsert=True
            )
            done.add(record.event_id)
            published += 1
        return published
