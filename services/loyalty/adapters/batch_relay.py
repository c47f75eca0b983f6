"""An outbox relay that publishes many documents' events per round trip (purchases come in thousands).

Same guarantees as c360.outbox.OutboxRelay: a document's outbox is cleared only if it
still holds exactly the events that were published (guarded by its size and last
event id), so a concurrent write's new events are kept for the next sweep, and a crash
after publishing publishes again at worst (consumers dedupe by event id). Events of one
key are sent in order; different keys are sent concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from c360.by_id import bounded, find_by_ids, update_by_ids
from c360.kafka.publisher import KafkaPublisher
from c360.outbox import RETRY_SECONDS, WAKE_SECONDS, OutboxRecord, OutboxRelay, pause_after_failure, sweep_backoff
from services.loyalty.adapters.document_locks import DocumentLocks

log = logging.getLogger(__name__)
Document = dict[str, Any]
BATCH = 500
SWEEP_SECONDS = 5.0  # the sweeps' pace while they find events (sweep_backoff slows it while they find none)
CLEARED: Document = {"$set": {"outbox": [], "outbox_pending": False}}


class BatchOutboxRelay(OutboxRelay):
    def __init__(
        self,
        collection: AsyncCollection[Document],
        publisher: KafkaPublisher,
        guarded: bool,
        locks: DocumentLocks | None = None,
        sweep_seconds: float = SWEEP_SECONDS,
    ) -> None:
        """`guarded=False` for collections whose events are written once (at insert or at posting): the
        outbox is then cleared by `_id` alone, which FerretDB answers without scanning (see by_id.py)."""
        super().__init__(collection, publisher, sweep_seconds)
        self._guarded = guarded
        self._locks = locks
        self._docs = collection
        self._kafka = publisher

    async def run(self, stop: asyncio.Event) -> None:
        """Nudged documents are published at once (read by `_id`); a full sweep, which FerretDB answers
        by scanning, runs at start and then at the pace of `sweep_backoff`, to catch what a crash left."""
        next_sweep = 0.0
        backoff = sweep_backoff(self._sweep_interval)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=WAKE_SECONDS)  # and see `stop` soon
            self._wakeup.clear()
            nudged, self._nudged = list(self._nudged), set()
            try:
                for start in range(0, len(nudged), BATCH):
                    try:
                        await self._publish(await find_by_ids(self._docs, nudged[start : start + BATCH], {"outbox": 1}))
                    except Exception:
                        self.retry_soon(nudged[start:])
                        raise
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + self._sweep_interval  # also the pace after a failed sweep
                    found = swept = await self.sweep()
                    while swept >= BATCH and not stop.is_set():
                        swept = await self.sweep()
                        found += swept
                    next_sweep = time.monotonic() + backoff.next_wait(found > 0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; will retry")
                await pause_after_failure(stop, RETRY_SECONDS)
        await self.sweep()

    async def sweep(self, limit: int = BATCH) -> int:
        docs = [doc async for doc in self._docs.find({"outbox_pending": True}, {"outbox": 1}).limit(limit)]
        await self._publish(docs)
        return len(docs)

    async def _publish(self, docs: list[Document]) -> None:
        docs = [doc for doc in docs if doc.get("outbox")]
        by_key: dict[str, list[OutboxRecord]] = {}
        for doc in docs:
            for record in (OutboxRecord.from_document(d) for d in doc["outbox"]):
                by_key.setdefault(record.key, []).append(record)
        await asyncio.gather(*(self._publish_in_order(records) for records in by_key.values()))
        if self._guarded:
            await bounded([lambda d=d: self._clear_guarded(d) for d in docs])  # type: ignore[misc]
        else:
            await update_by_ids(self._docs, [(doc["_id"], CLEARED) for doc in docs])

    async def _clear_guarded(self, doc: Document) -> None:
        if self._locks is None:
            await self._docs.update_one(_guard(doc), CLEARED)
            return
        async with self._locks.of(doc["_id"]):  # FerretDB: a clear racing a write could undo the write
            await self._docs.update_one(_guard(doc), CLEARED)

    async def _publish_in_order(self, records: list[OutboxRecord]) -> None:
        await self._kafka.publish_in_order([(r.topic, r.key, r.value, r.correlation_headers()) for r in records])


def _guard(doc: Document) -> Document:
    """Matches the document only while its outbox is exactly what was published."""
    outbox = doc.get("outbox") or []
    guard: Document = {"_id": doc["_id"], "outbox": {"$size": len(outbox)}}
    if outbox:
        guard[f"outbox.{len(outbox) - 1}.event_id"] = outbox[-1]["event_id"]
    return guard
