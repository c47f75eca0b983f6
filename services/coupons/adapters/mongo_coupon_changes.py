"""Coupon changes as insert-only documents: the claim that serialises a change, and the events it publishes.

Why not a filter-guarded update: FerretDB 1.24 applies updates as read-modify-write
without re-checking the filter, so two concurrent guarded updates can both win
and overwrite each other. An insert under a unique `_id` cannot: the change of
coupon `C` from version `v` is the document `C@v`, and only its inserter applies
it to the coupon. The events ride in that same document's outbox (the relay only
ever writes to these documents, never to the coupon), and a change whose inserter
died before applying it is applied by `recover()`.

Issuance uses `C@issued`, inserted *held* before the coupon and released after it,
so CouponIssued is published if and only if the coupon exists.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.outbox import OutboxRecord, OutboxRelay, outbox_fields

Document = dict[str, Any]
STALE_AFTER = timedelta(seconds=10)


class MongoCouponChanges:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["coupon_changes"]
        self._coupons: AsyncCollection[Document] = database["coupons"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("applied", 1), ("at", 1)], name="unapplied")
        await self.collection.create_index("customer_id", name="by_customer")
        await OutboxRelay.ensure_indexes(self.collection)

    async def hold_issued(self, code: str, customer_id: str, events: list[OutboxRecord]) -> bool:
        """False when the code is already taken (its issuance is on record)."""
        document = {**outbox_fields(events), "outbox_pending": False}
        try:
            await self.collection.insert_one(
                {
                    "_id": f"{code}@issued",
                    "code": code,
                    "customer_id": customer_id,
                    "applied": False,
                    "at": datetime.now(UTC),
                    **document,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def release_issued(self, code: str) -> str:
        change_id = f"{code}@issued"
        await self.collection.update_one({"_id": change_id}, {"$set": {"applied": True, "outbox_pending": True}})
        return change_id

    async def drop_issued(self, code: str) -> None:
        await self.collection.delete_one({"_id": f"{code}@issued", "applied": False})

    async def claim(
        self, code: str, customer_id: str, version: int, changes: Document, events: list[OutboxRecord]
    ) -> str | None:
        """The change's id when this caller won version `version` of the coupon; None when another change did."""
        change_id = f"{code}@{version}"
        try:
            await self.collection.insert_one(
                {
                    "_id": change_id,
                    "code": code,
                    "customer_id": customer_id,
                    "version": version,
                    "changes": changes,
                    "applied": False,
                    "at": datetime.now(UTC),
                    **outbox_fields(events),
                }
            )
        except DuplicateKeyError:
            return None
        await self._apply(change_id, code, version, changes)
        return change_id

    async def _apply(self, change_id: str, code: str, version: int, changes: Document) -> None:
        await self._coupons.update_one({"_id": code, "version": version}, {"$set": {**changes, "version": version + 1}})
        await self.collection.update_one({"_id": change_id}, {"$set": {"applied": True}})

    async def recover(self) -> int:
        """Finishes changes whose writer died: applies claimed changes, and releases or drops held issuances."""
        stale = datetime.now(UTC) - STALE_AFTER
        finished = 0
        async for doc in self.collection.find({"applied": False, "at": {"$lt": stale}}, {"outbox": 0}):
            finished += 1
            if "version" in doc:
                await self._apply(doc["_id"], doc["code"], doc["version"], doc["changes"])
            elif await self._coupons.count_documents({"_id": doc["code"]}, limit=1):
                await self.release_issued(doc["code"])
            else:
                await self.drop_issued(doc["code"])
        return finished

    async def anonymise_customer(self, customer_id: str, replacement: str) -> None:
        await self.collection.update_many({"customer_id": customer_id}, {"$set": {"customer_id": replacement}})
