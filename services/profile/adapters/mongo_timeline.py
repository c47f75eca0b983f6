"""The activity timeline projection: one document per source event, its id the event id (idempotent)."""

from __future__ import annotations

from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.outbox import OutboxRecord, OutboxRelay, outbox_fields
from services.profile.adapters.pages import before_cursor, cursor_of
from services.profile.domain.timeline import TimelineEntry

Document = dict[str, Any]


class MongoTimeline:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database["timeline"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customer_id", 1), ("occurred_at", DESCENDING)], name="customer_time")
        await OutboxRelay.ensure_indexes(self.collection)

    async def add(self, entry: TimelineEntry, events: list[OutboxRecord]) -> bool:
        """False when this event is already in the timeline (a redelivery)."""
        doc = {
            "_id": entry.id,
            "customer_id": entry.customer_id,
            "type": entry.type,
            "occurred_at": entry.occurred_at,
            "summary": entry.summary,
        }
        try:
            await self.collection.insert_one({**doc, **outbox_fields(events)})
        except DuplicateKeyError:
            return False
        return True

    async def page(self, customer_id: str, size: int, after: str) -> tuple[list[TimelineEntry], str]:
        query: Document = {"customer_id": customer_id}
        if after:
            query = {"$and": [query, before_cursor("occurred_at", after)]}
        cursor = self.collection.find(query, {"outbox": 0}).sort([("occurred_at", DESCENDING), ("_id", DESCENDING)])
        docs = [doc async for doc in cursor.limit(size + 1)]
        entries = [
            TimelineEntry(d["_id"], d["customer_id"], d["type"], d["occurred_at"], d["summary"]) for d in docs[:size]
        ]
        more = len(docs) > size
        return entries, cursor_of(entries[-1].occurred_at, entries[-1].id) if more else ""
