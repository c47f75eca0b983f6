"""The activity timeline projection: one document per source event, its id the event id (idempotent)."""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from c360.mongo import insert_new
from c360.newest_index import NewestIndex, newest_owned
from c360.outbox import OutboxRelay, outbox_fields
from services.profile.adapters.pages import before_cursor, cursor_of, cursor_position
from services.profile.domain.timeline import TimelineEntry

Document = dict[str, Any]


class MongoTimeline:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database["timeline"]
        self.newest = NewestIndex(database["timeline_newest"])

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customer_id", 1), ("occurred_at", DESCENDING)], name="customer_time")
        await OutboxRelay.ensure_indexes(self.collection)
        await self.newest.backfill(self.collection, "customer_id", "occurred_at")

    async def add_many(
        self, entries: list[TimelineEntry], new_customers: Set[str] = frozenset()
    ) -> list[TimelineEntry]:
        """The entries this call stored: those already there (a redelivery) are left out.
        `new_customers` likely have no timeline yet (just registered): their lists are created in bulk."""
        docs = [
            {
                "_id": e.id,
                "customer_id": e.customer_id,
                "type": e.type,
                "occurred_at": e.occurred_at,
                "summary": e.summary,
                **outbox_fields([]),
            }
            for e in entries
        ]
        if not docs:
            return []
        # first: see newest_index
        await self.newest.add_many(((e.customer_id, (e.occurred_at, e.id)) for e in entries), new_customers)
        present = {entries[position].id for position in await insert_new(self.collection, docs)}
        return [e for e in entries if e.id not in present]

    async def page(self, customer_id: str, size: int, after: str) -> tuple[list[TimelineEntry], str]:
        before = cursor_position(after) if after else None
        found = await newest_owned(
            self.newest, self.collection, customer_id, size + 1, "occurred_at", before, {"outbox": 0}
        )
        docs = found if found is not None else await self._scan(customer_id, size, after)
        entries = [
            TimelineEntry(d["_id"], d["customer_id"], d["type"], d["occurred_at"], d["summary"]) for d in docs[:size]
        ]
        more = len(docs) > size
        return entries, cursor_of(entries[-1].occurred_at, entries[-1].id) if more else ""

    async def _scan(self, customer_id: str, size: int, after: str) -> list[Document]:
        query: Document = {"customer_id": customer_id}
        if after:
            query = {"$and": [query, before_cursor("occurred_at", after)]}
        cursor = self.collection.find(query, {"outbox": 0}).sort([("occurred_at", DESCENDING), ("_id", DESCENDING)])
        return [doc async for doc in cursor.limit(size + 1)]
