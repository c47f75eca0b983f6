"""Points accounts in MongoDB, changed by compare-and-set on a version number.

Each apply reads the account, computes the new counters in Python, and writes
them only if the version is unchanged; the last applied entry ids ride along
with the balance they left, so a retried entry is recognised and answered with
its original balance. One document, one atomic write: no transaction needed.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.loyalty.app.ports import AppliedOperation
from services.loyalty.domain.ledger import Account, Counters, LedgerEntry

Document = dict[str, Any]
REMEMBERED_OPERATIONS = 200
DEFAULT_TIER = "BRONZE"


class MongoAccountRepository:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["accounts"]

    async def ensure_indexes(self) -> None:
        """The _id index is all accounts need."""

    async def open(self, customer_id: str) -> None:
        with contextlib.suppress(DuplicateKeyError):  # a concurrent open or apply created it first
            await self.collection.update_one(
                {"_id": customer_id}, {"$setOnInsert": _new_account(customer_id)}, upsert=True
            )

    async def get(self, customer_id: str) -> Account | None:
        doc = await self.collection.find_one({"_id": customer_id}, {"ops": 0})
        return _to_account(doc) if doc else None

    async def get_many(self, customer_ids: list[str]) -> list[Account]:
        return [_to_account(doc) async for doc in self.collection.find({"_id": {"$in": customer_ids}}, {"ops": 0})]

    async def apply(self, entry: LedgerEntry) -> AppliedOperation:
        while True:
            doc = await self.collection.find_one({"_id": entry.customer_id})
            if doc is None:
                await self.open(entry.customer_id)
                continue
            for op in doc.get("ops", []):
                if op["id"] == entry.id:
                    return AppliedOperation(entry.id, op["balance_after"])
            counters = _counters(doc).after(entry)
            ops = [*doc.get("ops", []), {"id": entry.id, "balance_after": counters.points_balance}]
            result = await self.collection.update_one(
                {"_id": entry.customer_id, "version": doc["version"]},
                {"$set": {**vars(counters), "version": doc["version"] + 1, "ops": ops[-REMEMBERED_OPERATIONS:]}},
            )
            if result.modified_count == 1:
                return AppliedOperation(entry.id, counters.points_balance)


def _new_account(customer_id: str) -> Document:
    return {**vars(Counters()), "tier": DEFAULT_TIER, "opened_at": datetime.now(UTC), "version": 0, "ops": []}


def _counters(doc: Document) -> Counters:
    return Counters(
        points_balance=doc.get("points_balance", 0),
        lifetime_points=doc.get("lifetime_points", 0),
        redeemed_points=doc.get("redeemed_points", 0),
        expired_points=doc.get("expired_points", 0),
    )


def _to_account(doc: Document) -> Account:
    counters = _counters(doc)
    return Account(
        customer_id=doc["_id"],
        points_balance=counters.points_balance,
        lifetime_points=counters.lifetime_points,
        redeemed_points=counters.redeemed_points,
        expired_points=counters.expired_points,
        tier=doc.get("tier", DEFAULT_TIER),
        opened_at=doc["opened_at"],
    )
