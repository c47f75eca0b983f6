"""Purchases in MongoDB, unique by partner transaction (`_id`) and by event id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from c360.by_id import find_by_ids
from c360.mongo import insert_new
from c360.newest_index import newest_owned
from services.loyalty.adapters.document_locks import DocumentLocks
from services.loyalty.adapters.newest_lists import LEDGER, PURCHASES, ledger_listing, newest_lists
from services.loyalty.adapters.paging import Page, page_filter, page_of, parse_cursor
from services.loyalty.adapters.purchase_documents import from_document, to_document
from services.loyalty.domain.ledger import LedgerEntry
from services.loyalty.domain.stored_purchase import StoredPurchase, Transfer

Document = dict[str, Any]
NO_OUTBOX = {"outbox": 0}


class MongoPurchaseRepository:
    def __init__(self, database: AsyncDatabase[Document], events_topic: str) -> None:
        self.collection: AsyncCollection[Document] = database["purchases"]
        self.lists = newest_lists(database)
        self.newest = self.lists.index(PURCHASES)
        self._events_topic = events_topic
        self.locks = DocumentLocks()

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("event_id", ASCENDING)], unique=True, name="event_id_unique")
        await self.collection.create_index(
            [("customer_id", ASCENDING), ("occurred_at", DESCENDING)], name="by_customer"
        )
        await self.collection.create_index([("transaction_id", ASCENDING)], name="by_transaction")
        await self.collection.create_index([("receipt_id", ASCENDING)], name="by_receipt")
        await self.collection.create_index(
            [("partner_id", ASCENDING), ("original_transaction_id", ASCENDING)], name="by_original"
        )
        await self.collection.create_index([("transfer_started_at", ASCENDING)], name="by_transfer")
        await self.newest.backfill(self.collection, "customer_id", "occurred_at")

    async def insert_new(self, purchases: list[StoredPurchase], entries: Sequence[LedgerEntry] = ()) -> set[str]:
        """Inserts in one round trip; a purchase id or event id already stored is left as it is.
        Returns the ids of the purchases this call inserted. First the purchases are listed in their
        customers' newest lists, with `entries`, the ledger entries the caller will store for them."""
        if not purchases:
            return set()
        await self.lists.add_many(
            [(PURCHASES, p.customer_id, (p.event.occurred_at, p.purchase_id)) for p in purchases]
            + [(LEDGER, *ledger_listing(e)) for e in entries]
        )
        refused = set(await insert_new(self.collection, [to_document(p) for p in purchases]))
        return {p.purchase_id for i, p in enumerate(purchases) if i not in refused}

    async def get_many(self, purchase_ids: list[str]) -> dict[str, StoredPurchase]:
        return {doc["_id"]: from_document(doc) for doc in await find_by_ids(self.collection, purchase_ids, NO_OUTBOX)}

    async def points_reversed_for(self, partner_id: str, original_transaction_id: str) -> int:
        query = {"partner_id": partner_id, "original_transaction_id": original_transaction_id, "type": "RETURN"}
        return sum([doc.get("points_reversed", 0) async for doc in self.collection.find(query, {"points_reversed": 1})])

    async def by_transaction(self, transaction_id: str) -> list[StoredPurchase]:
        return [from_document(doc) async for doc in self.collection.find({"transaction_id": transaction_id}, NO_OUTBOX)]

    async def search(self, receipt_ids: list[str], transaction_ids: list[str], limit: int) -> list[StoredPurchase]:
        clauses: list[Document] = []
        if receipt_ids:
            clauses.append({"receipt_id": {"$in": receipt_ids}})
        if transaction_ids:
            clauses.append({"transaction_id": {"$in": transaction_ids}})
        if not clauses:
            return []
        query = clauses[0] if len(clauses) == 1 else {"$or": clauses}
        cursor = self.collection.find(query, NO_OUTBOX).sort("occurred_at", DESCENDING).limit(limit)
        return [from_document(doc) async for doc in cursor]

    async def page(self, customer_id: str, first: int, after: str, search: str) -> Page[StoredPurchase]:
        if not search:
            before = parse_cursor(after) if after else None
            docs = await newest_owned(
                self.newest, self.collection, customer_id, first + 1, "occurred_at", before, NO_OUTBOX
            )
            if docs is not None:
                return page_of([from_document(d) for d in docs], docs, "occurred_at", first)
        query: Document = {"customer_id": customer_id}
        if search:
            query = {**query, "$and": [{"$or": [{"receipt_id": search}, {"transaction_id": search}]}]}
        query = page_filter(query, "occurred_at", after)
        cursor = self.collection.find(query, NO_OUTBOX).sort([("occurred_at", DESCENDING), ("_id", DESCENDING)])
        docs = [doc async for doc in cursor.limit(first + 1)]
        return page_of([from_document(d) for d in docs], docs, "occurred_at", first)

    async def begin_transfer(self, purchase: StoredPurchase, transfer: Transfer) -> bool:
        """Claims the purchase for one transfer; False when it changed hands or another transfer holds it."""
        async with self.locks.of(purchase.purchase_id):  # FerretDB does not isolate the filter from the write
            result = await self.collection.update_one(
                {"_id": purchase.purchase_id, "customer_id": transfer.from_customer, "transfer": None},
                {"$set": {"transfer": asdict(transfer), "transfer_started_at": datetime.now(UTC)}},
            )
        return result.modified_count == 1

    async def finish_transfer(self, purchase: StoredPurchase, transfer: Transfer) -> None:
        # Listed under its new owner before it is theirs (see newest_index.py).
        await self.newest.add(transfer.to_customer, [(purchase.event.occurred_at, purchase.purchase_id)])
        async with self.locks.of(purchase.purchase_id):
            await self._finish_transfer(purchase.purchase_id, transfer)

    async def _finish_transfer(self, purchase_id: str, transfer: Transfer) -> None:
        await self.collection.update_one(
            {"_id": purchase_id, "transfer.number": transfer.number},
            {
                "$set": {"customer_id": transfer.to_customer, "transfers": transfer.number, "transfer": None},
                "$unset": {"transfer_started_at": ""},
            },
        )

    async def stalled_transfers(self, before: datetime, limit: int) -> list[StoredPurchase]:
        cursor = self.collection.find({"transfer_started_at": {"$lt": before}}, NO_OUTBOX).limit(limit)
        return [from_document(doc) async for doc in cursor]

    async def get(self, purchase_id: str) -> StoredPurchase | None:
        doc = await self.collection.find_one({"_id": purchase_id}, NO_OUTBOX)
        return from_document(doc) if doc else None
