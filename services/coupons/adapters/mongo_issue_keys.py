"""Idempotency keys to coupon codes, looked up by `_id` (FerretDB scans a collection for any other filter).

The guarantee itself is the unique `idem_key` index of the coupons: this map only
answers repeats quickly, and is written after the coupon, so a crash in between
just sends a repeat the slow way (refused by the index, then looked up there).
"""

from __future__ import annotations

import contextlib
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

Document = dict[str, Any]


class MongoIssueKeys:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["issue_keys"]

    async def ensure_indexes(self) -> None:
        """The _id index is all it needs."""

    async def code_for(self, key: str) -> str | None:
        doc = await self.collection.find_one({"_id": key})
        return str(doc["code"]) if doc else None

    async def remember(self, key: str, code: str) -> None:
        with contextlib.suppress(DuplicateKeyError):  # a repeat got there first: same key, same code
            await self.collection.insert_one({"_id": key, "code": code})

    async def forget(self, key: str) -> None:
        await self.collection.delete_one({"_id": key})
