"""Issuance limits as slots: one document per issued coupon slot, `_id` = `<counter>#<n>` for n < limit.

Taking a slot is an insert that a unique `_id` lets only one writer win, the one
guarantee that holds under concurrency on MongoDB and on FerretDB alike (FerretDB
1.24 does not apply a filter-guarded `$inc` atomically). So 50 concurrent
issuances against a limit of 10 get exactly 10 slots. A slot is given back by
deleting it when the issuance fails after taking it; a crash in between leaves
it taken, so limits err on the safe side.
"""

from __future__ import annotations

import itertools
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

Document = dict[str, Any]
ROUNDS = 3


def total_key(campaign_id: str) -> str:
    return f"campaign:{campaign_id}"


def per_customer_key(campaign_id: str, customer_id: str) -> str:
    return f"campaign:{campaign_id}:customer:{customer_id}"


class MongoLimitSlots:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["issue_slots"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("counter", name="by_counter")
        await self.collection.create_index("customer_id", name="by_customer")

    async def take(self, counter: str, limit: int, customer_id: str = "") -> str | None:
        """The slot taken under `limit`, or None when every slot is taken."""
        for _ in range(ROUNDS):
            used = await self.collection.count_documents({"counter": counter})
            if used >= limit:
                return None
            # Start where the free slots most likely are; wrap round for slots given back.
            for n in itertools.chain(range(used, limit), range(used)):
                slot = f"{counter}#{n}"
                try:
                    await self.collection.insert_one({"_id": slot, "counter": counter, "customer_id": customer_id})
                    return slot
                except DuplicateKeyError:
                    continue
        return None

    async def give_back(self, slot: str) -> None:
        await self.collection.delete_one({"_id": slot})

    async def forget_customer(self, customer_id: str) -> None:
        """Erasure: per-customer slots name the customer, so they go (the campaign's total slots stay)."""
        await self.collection.delete_many({"customer_id": customer_id})
