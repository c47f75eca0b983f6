"""The local projection of customer status, fed by profile events (and a profile look-up on a miss).

ERASED is final: no later event or look-up brings an erased customer back.
"""

from __future__ import annotations

import contextlib
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.mongo import insert_new
from services.coupons.domain.customer_status import CustomerStatus

Document = dict[str, Any]


class MongoCustomerStatuses:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["customers"]

    async def ensure_indexes(self) -> None:
        """The _id index is all the projection needs."""

    async def status_of(self, customer_id: str) -> CustomerStatus | None:
        doc = await self.collection.find_one({"_id": customer_id})
        return CustomerStatus(doc["status"]) if doc else None

    async def remember(self, customer_id: str, status: CustomerStatus) -> None:
        """First knowledge of a customer (registration, or a look-up): never overrides what events said."""
        with contextlib.suppress(DuplicateKeyError):
            await self.collection.update_one(
                {"_id": customer_id}, {"$setOnInsert": {"status": status.value}}, upsert=True
            )

    async def remember_many(self, customer_ids: list[str], status: CustomerStatus) -> None:
        """`remember` for many at once: one bulk insert; the customers known already stay as they are."""
        await insert_new(self.collection, [{"_id": i, "status": status.value} for i in dict.fromkeys(customer_ids)])

    async def change(self, customer_id: str, status: CustomerStatus) -> None:
        """Suspension or reactivation; an erased customer stays erased."""
        with contextlib.suppress(DuplicateKeyError):  # the document exists and is ERASED
            await self.collection.update_one(
                {"_id": customer_id, "status": {"$ne": CustomerStatus.ERASED.value}},
                {"$set": {"status": status.value}},
                upsert=True,
            )

    async def erase(self, customer_id: str) -> None:
        await self.collection.update_one(
            {"_id": customer_id}, {"$set": {"status": CustomerStatus.ERASED.value}}, upsert=True
        )
