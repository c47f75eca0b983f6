"""App inbox items in MongoDB; ids are derived from what created them, so a repeat creates nothing."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.messaging.domain.inbox import InboxItem

Document = dict[str, Any]


class MongoInboxRepository:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["inbox"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("customer_id", ASCENDING), ("distributed_at", DESCENDING), ("_id", DESCENDING)], name="by_customer"
        )

    async def add(self, item: InboxItem) -> None:
        with contextlib.suppress(DuplicateKeyError):  # the same event or message, delivered again
            await self.collection.insert_one(_to_document(item))

    async def get(self, customer_id: str, item_id: str) -> InboxItem | None:
        doc = await self.collection.find_one({"_id": item_id, "customer_id": customer_id})
        return _from_document(doc) if doc else None

    async def mark_read(self, customer_id: str, item_id: str, now: datetime) -> InboxItem | None:
        """Sets the first read time only; reading twice keeps the first."""
        await self.collection.update_one(
            {"_id": item_id, "customer_id": customer_id, "read_at": None}, {"$set": {"read_at": now}}
        )
        return await self.get(customer_id, item_id)

    async def page(self, customer_id: str, before_id: str | None, limit: int) -> list[InboxItem]:
        query: Document = {"customer_id": customer_id}
        if before_id:
            anchor = await self.collection.find_one({"_id": before_id}, {"distributed_at": 1})
            if anchor is not None:
                query["$or"] = [
                    {"distributed_at": {"$lt": anchor["distributed_at"]}},
                    {"distributed_at": anchor["distributed_at"], "_id": {"$lt": before_id}},
                ]
        order = [("distributed_at", DESCENDING), ("_id", DESCENDING)]
        return [_from_document(d) async for d in self.collection.find(query).sort(order).limit(limit)]

    async def anonymise(self, customer_id: str) -> None:
        await self.collection.update_many(
            {"customer_id": customer_id}, {"$set": {"title": "[erased]", "short_description": ""}}
        )


def _to_document(item: InboxItem) -> Document:
    return {
        "_id": item.id,
        "customer_id": item.customer_id,
        "title": item.title,
        "short_description": item.short_description,
        "distributed_at": item.distributed_at,
        "expires_at": item.expires_at,
        "read_at": item.read_at,
    }


def _from_document(doc: Document) -> InboxItem:
    return InboxItem(
        id=doc["_id"],
        customer_id=doc["customer_id"],
        title=doc.get("title") or "",
        short_description=doc.get("short_description") or "",
        distributed_at=doc["distributed_at"],
        expires_at=doc.get("expires_at"),
        read_at=doc.get("read_at"),
    )
