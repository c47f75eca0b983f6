"""Customers in MongoDB. Uniqueness lives in unique indexes, so concurrent writers cannot both win.

Unique indexes count a missing value as a value, and FerretDB has no partial
indexes, so optional unique fields are stored through a key that is never
empty: `ext_ref_key` is the ext ref, or `~<id>` when there is none; an erased
customer's mobile becomes `~<id>` too, which frees the number.
Every change is one update guarded by the version it read (compare-and-set),
with its events pushed onto the same document's outbox.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, OperationFailure

from c360.by_id import find_by_ids
from c360.mongo import DUPLICATE_KEY, duplicate_key_fields
from c360.outbox import OutboxRecord, OutboxRelay, outbox_fields
from services.profile.adapters.customer_documents import from_document, to_document
from services.profile.adapters.document_locks import DocumentLocks
from services.profile.adapters.mobile_keys import MobileKeys
from services.profile.app.ports import DuplicateCustomer, StaleCustomer
from services.profile.domain.customer import Customer

Document = dict[str, Any]
UNIQUE_FIELDS = ("mobile", "ext_ref_key", "referral_code")
SEARCH_FIELDS = ("first_name_lc", "last_name_lc", "email", "status")
NO_OUTBOX = {"outbox": 0}


class MongoCustomerRepository:
    def __init__(self, database: AsyncDatabase[Document], locks: DocumentLocks) -> None:
        self.collection: AsyncCollection[Document] = database["customers"]
        self.locks = locks
        self.mobile_keys = MobileKeys(database, self.collection)

    async def ensure_indexes(self) -> None:
        for name in UNIQUE_FIELDS:
            await self.collection.create_index([(name, ASCENDING)], unique=True, name=f"{name}_unique")
        for name in SEARCH_FIELDS:
            await self.collection.create_index([(name, ASCENDING)], name=name)
        await OutboxRelay.ensure_indexes(self.collection)
        await self.mobile_keys.backfill()

    async def add(self, customer: Customer, events: list[OutboxRecord]) -> None:
        claimed = await self.mobile_keys.claim(customer)
        try:
            await self.collection.insert_one({**to_document(customer), **outbox_fields(events)})
        except DuplicateKeyError as error:
            raise DuplicateCustomer(await self._clashing_fields(customer, error)) from error
        if not claimed:
            await self.mobile_keys.hold(customer)

    async def save(self, customer: Customer, events: list[OutboxRecord], moved_from: str | None = None) -> Customer:
        """Writes a changed record if nobody wrote since it was read; raises StaleCustomer otherwise."""
        document = to_document(customer)
        del document["_id"]
        document["version"] = customer.version + 1
        update = {
            "$set": {**document, "outbox_pending": True},
            "$push": {"outbox": {"$each": [r.to_document() for r in events]}},
        }
        claimed = moved_from is None or await self.mobile_keys.claim(customer)
        try:
            async with self.locks.holding([customer.id]):
                result = await self.collection.update_one({"_id": customer.id, "version": customer.version}, update)
        except OperationFailure as error:
            if not is_unique_violation(error):
                raise
            raise DuplicateCustomer(await self._clashing_fields(customer, error)) from error
        if result.matched_count == 0:
            raise StaleCustomer(customer.id)
        if moved_from is not None:
            if not claimed:
                await self.mobile_keys.hold(customer)
            await self.mobile_keys.release(moved_from, customer.id)
        return from_document({"_id": customer.id, **document})

    async def get(self, customer_id: str) -> Customer | None:
        doc = await self.collection.find_one({"_id": customer_id}, NO_OUTBOX)
        return from_document(doc) if doc else None

    async def get_many(self, customer_ids: list[str]) -> list[Customer]:
        return [from_document(doc) for doc in await find_by_ids(self.collection, customer_ids, NO_OUTBOX)]

    async def find_by_mobile(self, mobile: str) -> Customer | None:
        return (await self.mobile_keys.customers([mobile])).get(mobile)

    async def find_by_ext_ref(self, ext_ref: str) -> Customer | None:
        doc = await self.collection.find_one({"ext_ref_key": ext_ref}, NO_OUTBOX)
        return from_document(doc) if doc else None

    async def find(self, criteria: Document, after: str, limit: int) -> list[Customer]:
        """Customers matching a filter, by id, after a cursor (an id)."""
        query = {"$and": [criteria, {"_id": {"$gt": after}}]} if after else criteria
        cursor = self.collection.find(query, NO_OUTBOX).sort("_id", ASCENDING).limit(limit)
        return [from_document(doc) async for doc in cursor]

    async def ids(self, criteria: Document, after: str, limit: int) -> list[str]:
        query = {"$and": [criteria, {"_id": {"$gt": after}}]} if after else criteria
        cursor = self.collection.find(query, {"_id": 1}).sort("_id", ASCENDING).limit(limit)
        return [doc["_id"] async for doc in cursor]

    async def scan(self, criteria: Document, batch_size: int) -> AsyncIterator[list[Customer]]:
        """Every match in id order, one bounded batch at a time (exports never hold the whole set)."""
        after = ""
        while True:
            batch = await self.find(criteria, after, batch_size)
            if not batch:
                return
            yield batch
            after = batch[-1].id

    async def _clashing_fields(self, customer: Customer, error: OperationFailure) -> set[str]:
        """Which unique rule refused the write; asks the store when the error does not say."""
        named = (
            {"ext_ref" if f == "ext_ref_key" else f for f in duplicate_key_fields(error)}
            if isinstance(error, DuplicateKeyError)
            else set()
        )
        if named & {"mobile", "ext_ref", "referral_code"}:
            return named
        others = {"_id": {"$ne": customer.id}}
        if await self.collection.find_one({"mobile": customer.mobile, **others}, {"_id": 1}):
            return {"mobile"}
        if customer.ext_ref and await self.collection.find_one({"ext_ref_key": customer.ext_ref, **others}, {"_id": 1}):
            return {"ext_ref"}
        return {"referral_code"}


def is_unique_violation(error: OperationFailure) -> bool:
    """MongoDB says 11000; FerretDB's updates (SQLite) report a failed UNIQUE constraint as an internal error."""
    return isinstance(error, DuplicateKeyError) or error.code == DUPLICATE_KEY or "UNIQUE constraint" in str(error)
