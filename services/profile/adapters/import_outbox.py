"""The events of imported customers, staged per batch in a small collection before the customers are written.

FerretDB rewrites a whole collection scan for every update, so clearing the
outbox of each of 100k imported documents one by one would take hours. A batch
instead stages all its CustomerRegistered events in one `import_outbox`
document, inserts the customers (with empty outboxes), publishes the events and
deletes the staging document. After a crash, `recover` publishes the staged
events of the customers that exist (never of rows that were not written) and
removes the stage: no event is lost, some may be published twice, which
consumers absorb by event id.
"""

from __future__ import annotations

import logging
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from c360.kafka.publisher import KafkaPublisher
from c360.outbox import OutboxRecord

log = logging.getLogger(__name__)
Document = dict[str, Any]


class ImportOutbox:
    def __init__(
        self, database: AsyncDatabase[Document], customers: AsyncCollection[Document], publisher: KafkaPublisher
    ) -> None:
        self._stages = database["import_outbox"]
        self._customers = customers
        self._publisher = publisher

    async def stage(self, batch_id: str, events: list[OutboxRecord]) -> None:
        await self._stages.insert_one({"_id": batch_id, "events": [e.to_document() for e in events]})

    async def release(self, batch_id: str, events: list[OutboxRecord]) -> None:
        """Publishes a written batch's events (queued at once, the producer batches them), then drops the stage."""
        await self._publisher.publish_in_order([(e.topic, e.key, e.value, e.correlation_headers()) for e in events])
        await self._stages.delete_one({"_id": batch_id})

    async def recover(self) -> None:
        """Finishes the batches a crash interrupted: publishes the events of the customers that were written."""
        async for stage in self._stages.find({}):
            events = [OutboxRecord.from_document(d) for d in stage["events"]]
            keys = list({e.key for e in events})
            written = {d["_id"] async for d in self._customers.find({"_id": {"$in": keys}}, {"_id": 1})}
            log.warning("publishing %d events of an interrupted import batch", len(written))
            await self.release(stage["_id"], [e for e in events if e.key in written])
