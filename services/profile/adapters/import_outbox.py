"""The events of imported customers, staged per batch in a small collection before the customers are written.

Clearing the outbox of each of 100k imported documents one by one would cost an
update per customer. A batch instead stages its CustomerRegistered events in one
`import_outbox` document, inserts the customers (with empty outboxes), publishes
the events and deletes the staging document. The stage keeps only what the
events cannot be rebuilt from (their ids, actor, time, correlation and trace),
not the events themselves: a stage of ids is a fraction of the bytes the store
writes and deletes per batch. After a crash, `recover` rebuilds the staged
events of the customers that exist (never of rows that were not written) from
their stored records, under their staged ids, publishes them and removes the
stage: no event is lost, some may be published twice, which consumers absorb by
event id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from c360.by_id import find_by_ids
from c360.kafka.publisher import KafkaPublisher
from c360.outbox import OutboxRecord
from services.profile.adapters.customer_documents import from_document
from services.profile.domain.customer import Customer

log = logging.getLogger(__name__)
Document = dict[str, Any]


@dataclass(frozen=True)
class StagedEvent:
    """What a registration event of a batch is rebuilt from, with the customer's stored record."""

    event_id: str
    actor: str
    occurred_at: datetime
    correlation_id: str
    trace: dict[str, str]


Rebuild = Callable[[Customer, StagedEvent], OutboxRecord]


class ImportOutbox:
    def __init__(
        self,
        database: AsyncDatabase[Document],
        customers: AsyncCollection[Document],
        publisher: KafkaPublisher,
        rebuild: Rebuild,
    ) -> None:
        self._stages = database["import_outbox"]
        self._customers = customers
        self._publisher = publisher
        self._rebuild = rebuild

    async def stage(self, batch_id: str, events: list[OutboxRecord], actor: str, occurred_at: datetime) -> None:
        """A batch's events (one per new customer, keyed by the customer), before the customers are written."""
        first = events[0] if events else None
        await self._stages.insert_one(
            {
                "_id": batch_id,
                "actor": actor,
                "occurred_at": occurred_at,
                "correlation_id": first.correlation_id if first else "",
                "trace": first.trace_headers if first else {},
                "events": [{"e": e.event_id, "c": e.key} for e in events],
            }
        )

    async def release(self, batch_id: str, events: list[OutboxRecord]) -> None:
        """Publishes a written batch's events (queued at once, the producer batches them), then drops the stage."""
        await self._publisher.publish_in_order([(e.topic, e.key, e.value, e.correlation_headers()) for e in events])
        await self._stages.delete_one({"_id": batch_id})

    async def recover(self) -> None:
        """Finishes the batches a crash interrupted: publishes the events of the customers that were written."""
        async for stage in self._stages.find({}):
            staged = {entry["c"]: entry["e"] for entry in stage["events"]}
            written = [from_document(d) for d in await find_by_ids(self._customers, list(staged), {"outbox": 0})]
            log.warning("publishing %d events of an interrupted import batch", len(written))
            events = [
                self._rebuild(
                    customer,
                    StagedEvent(
                        staged[customer.id],
                        stage["actor"],
                        stage["occurred_at"],
                        stage.get("correlation_id", ""),
                        dict(stage.get("trace") or {}),
                    ),
                )
                for customer in written
            ]
            await self.release(stage["_id"], events)
