"""Ledger entries in MongoDB; each posted entry carries its PointsChanged event in its outbox."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.by_id import find_by_ids, update_by_ids
from c360.mongo import insert_new
from c360.newest_index import newest_items
from c360.outbox import OutboxRelay, outbox_push
from services.loyalty.adapters.ledger_documents import from_document, to_document
from services.loyalty.adapters.loyalty_events import points_changed
from services.loyalty.adapters.newest_lists import LEDGER, ledger_listing, newest_lists
from services.loyalty.adapters.paging import Page, page_filter, page_of, parse_cursor
from services.loyalty.app.ports import AppliedOperation
from services.loyalty.domain.ledger import EntryStatus, LedgerEntry

Document = dict[str, Any]


class MongoLedgerRepository:
    def __init__(self, database: AsyncDatabase[Document], events_topic: str, relay: OutboxRelay | None = None) -> None:
        self.collection: AsyncCollection[Document] = database["ledger"]
        self.newest = newest_lists(database).index(LEDGER)
        self._events_topic = events_topic
        self._relay = relay

    def attach_relay(self, relay: OutboxRelay) -> None:
        self._relay = relay

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customer_id", ASCENDING), ("created_at", DESCENDING)], name="by_customer")
        await self.collection.create_index([("status", ASCENDING), ("created_at", ASCENDING)], name="by_status")
        await OutboxRelay.ensure_indexes(self.collection)
        await self.newest.backfill(self.collection, "customer_id", "created_at")

    async def get(self, entry_id: str) -> LedgerEntry | None:
        doc = await self.collection.find_one({"_id": entry_id}, {"outbox": 0})
        return from_document(doc) if doc else None

    async def get_many(self, entry_ids: list[str]) -> dict[str, LedgerEntry]:
        return {doc["_id"]: from_document(doc) for doc in await find_by_ids(self.collection, entry_ids, {"outbox": 0})}

    async def add_pending(self, entry: LedgerEntry) -> LedgerEntry:
        await self._index([entry])
        try:
            await self.collection.insert_one(to_document(entry))
            return entry
        except DuplicateKeyError:
            stored = await self.get(entry.id)
            assert stored is not None
            return stored

    async def add_pending_many(self, entries: list[LedgerEntry]) -> None:
        """Stores the entries not stored yet (one round trip; existing ids are left as they are)."""
        if not entries:
            return
        await self._index(entries)
        await insert_new(self.collection, [to_document(e) for e in entries])

    async def insert_posted(
        self, postings: list[tuple[LedgerEntry, AppliedOperation]], listed: Collection[str] = frozenset()
    ) -> None:
        """Stores entries already applied to their accounts, in one round trip; their events are
        published by the caller. Existing ids are left as they are. `listed`: ids of entries already
        in their customers' newest lists (a purchase batch lists them with the purchases)."""
        docs = [
            to_document(
                replace(e, status=EntryStatus.POSTED, balance_after=a.balance_after, points=a.points, spend=None)
            )
            for e, a in postings
        ]
        if not docs:
            return
        await self._index([e for e, _ in postings if e.id not in listed])
        await insert_new(self.collection, docs)

    async def mark_posted(self, entry: LedgerEntry, applied: AppliedOperation) -> None:
        await self.mark_posted_many([(entry, applied)])

    async def mark_posted_many(self, postings: list[tuple[LedgerEntry, AppliedOperation]]) -> None:
        if not postings:
            return
        # By `_id` alone (see by_id.py): postings only ever come from entries the account just applied or
        # recognised, so re-marking one repeats the same values (and at worst a duplicate PointsChanged).
        await update_by_ids(self.collection, [(e.id, self._posting(e, a)) for e, a in postings])
        if self._relay is not None:
            for entry, _ in postings:
                self._relay.nudge(entry.id)

    async def mark_rejected(self, entry: LedgerEntry) -> None:
        await self.collection.update_one(
            {"_id": entry.id, "status": EntryStatus.PENDING.value}, {"$set": {"status": EntryStatus.REJECTED.value}}
        )

    async def pending_before(self, moment: datetime, limit: int) -> list[LedgerEntry]:
        query = {"status": EntryStatus.PENDING.value, "created_at": {"$lt": moment}}
        return [from_document(doc) async for doc in self.collection.find(query, {"outbox": 0}).limit(limit)]

    async def page(self, customer_id: str, first: int, after: str, entry_type: str) -> Page[LedgerEntry]:
        docs = await newest_items(
            self.newest,
            self.collection,
            customer_id,
            first + 1,
            accept=lambda d: (
                d.get("customer_id") == customer_id
                and d.get("status") == EntryStatus.POSTED.value
                and (not entry_type or d.get("type") == entry_type)
            ),
            position_of=lambda d: d["created_at"],
            before=parse_cursor(after) if after else None,
            projection={"outbox": 0, "spend": 0},
        )
        if docs is not None:
            return page_of([from_document(d) for d in docs], docs, "created_at", first)
        query: Document = {"customer_id": customer_id, "status": EntryStatus.POSTED.value}
        if entry_type:
            query["type"] = entry_type
        query = page_filter(query, "created_at", after)
        cursor = self.collection.find(query, {"outbox": 0, "spend": 0})
        docs = [doc async for doc in cursor.sort([("created_at", DESCENDING), ("_id", DESCENDING)]).limit(first + 1)]
        return page_of([from_document(d) for d in docs], docs, "created_at", first)

    async def posted_sum(self, customer_id: str) -> int:
        """The ledger's own total, which must always equal the account balance."""
        pipeline: list[Document] = [
            {"$match": {"customer_id": customer_id, "status": EntryStatus.POSTED.value}},
            {"$group": {"_id": None, "total": {"$sum": "$points"}}},
        ]
        async for row in await self.collection.aggregate(pipeline):
            return int(row["total"])
        return 0

    async def _index(self, entries: list[LedgerEntry]) -> None:
        """Before the entries are stored, so the newest index never misses one."""
        if entries:
            await self.newest.add_many(ledger_listing(e) for e in entries)

    def _posting(self, entry: LedgerEntry, applied: AppliedOperation) -> Document:
        update = outbox_push([points_changed(entry, applied, self._events_topic)])
        update["$set"].update(
            {"status": EntryStatus.POSTED.value, "balance_after": applied.balance_after, "points": applied.points}
        )
        return update
