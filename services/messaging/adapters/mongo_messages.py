"""The communications log in MongoDB, newest first, paged by an opaque cursor."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]


class MongoMessageRepository:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["messages"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("customer_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)], name="by_customer"
        )

    async def page(self, customer_id: str, channel: str | None, before_id: str | None, limit: int) -> list[Document]:
        query: Document = {"customer_id": customer_id}
        if channel:
            query["channel"] = channel
        if before_id:
            anchor = await self.collection.find_one({"_id": before_id}, {"created_at": 1})
            if anchor is not None:
                query["$or"] = [
                    {"created_at": {"$lt": anchor["created_at"]}},
                    {"created_at": anchor["created_at"], "_id": {"$lt": before_id}},
                ]
        cursor = self.collection.find(query).sort([("created_at", DESCENDING), ("_id", DESCENDING)]).limit(limit)
        return [doc async for doc in cursor]
