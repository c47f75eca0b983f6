"""Issuance limits as slots: one document per issued coupon slot, `_id` = `<counter>#<n>` for n < limit.

Taking a slot is an insert that a unique `_id` lets only one writer win, the one
guarantee that holds under concurrency on MongoDB and on FerretDB alike (FerretDB
1.24 does not apply a filter-guarded `$inc` atomically). So 50 concurrent
issuances against a limit of 10 get exactly 10 slots.

A head document per counter (`_id` = the counter) only speeds things up: `next`
is where free slots start (written every few slots, remembered in memory between)
and `full` answers refusals in one read (or, for a moment, from memory). It is a hint (updated without guards), so
a lost or late update can only cost extra attempts or leave a given-back slot
unused, never exceed the limit. Every access is by `_id`, because
FerretDB scans a whole collection for any other filter.

Within one process, takers of the same counter queue on a lock, so a burst does
not send every taker through every slot (50 takers and 10 slots would mean ~500
inserts); across processes the unique `_id` still decides.

A slot is given back when the issuance fails after taking it; a crash in between
leaves it taken, so limits err on the safe side.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

Document = dict[str, Any]
HEAD_EVERY = 16  # slots between writes of a head's `next`
MAX_REMEMBERED = 10_000
# A burst against a full counter is refused from memory; another process's given-back slot is seen after this.
FULL_BELIEVED_SECONDS = 1.0


def total_key(campaign_id: str) -> str:
    return f"campaign:{campaign_id}"


def per_customer_key(campaign_id: str, customer_id: str) -> str:
    return f"campaign:{campaign_id}:customer:{customer_id}"


class MongoLimitSlots:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["issue_slots"]
        self._heads: AsyncCollection[Document] = database["issue_slot_heads"]
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._next: dict[str, int] = {}  # this process's newer hints than the head's
        self._full_until: dict[str, float] = {}  # counters this process saw full, believed so for a moment

    async def ensure_indexes(self) -> None:
        """Only `_id` is ever queried on the hot path; erasure finds a customer's slots by `customer_id`."""

    async def take(self, counter: str, limit: int, customer_id: str = "") -> str | None:
        """The slot taken under `limit`, or None when every slot is taken."""
        lock = self._locks.get(counter)
        if lock is None:
            lock = self._locks[counter] = asyncio.Lock()
        async with lock:
            return await self._take(counter, limit, customer_id)

    async def _take(self, counter: str, limit: int, customer_id: str) -> str | None:
        if self._full_until.get(counter, 0.0) > time.monotonic():
            return None
        start = self._next.pop(counter, None)
        if start is None:
            head = await self._heads.find_one({"_id": counter}) or {}
            if head.get("full"):
                return None
            start = int(head.get("next", 0))
        for n in range(min(start, limit), limit):
            slot = f"{counter}#{n}"
            try:
                await self.collection.insert_one({"_id": slot, "counter": counter, "customer_id": customer_id})
            except DuplicateKeyError:
                continue
            if (n + 1) % HEAD_EVERY == 0:
                await self._hint(counter, {"$max": {"next": n + 1}})
            elif len(self._next) < MAX_REMEMBERED:
                self._next[counter] = n + 1
            return slot
        await self._hint(counter, {"$set": {"full": True}})
        if len(self._full_until) >= MAX_REMEMBERED:
            self._full_until.clear()
        self._full_until[counter] = time.monotonic() + FULL_BELIEVED_SECONDS
        return None

    async def give_back(self, slot: str) -> None:
        await self.collection.delete_one({"_id": slot})
        counter, _, n = slot.rpartition("#")
        self._next.pop(counter, None)
        self._full_until.pop(counter, None)
        await self._hint(counter, {"$min": {"next": int(n)}, "$set": {"full": False}})

    async def forget_customer(self, customer_id: str) -> None:
        """Erasure: per-customer slots name the customer, so they go."""
        await self.collection.delete_many({"customer_id": customer_id})

    async def _hint(self, counter: str, update: Document) -> None:
        with contextlib.suppress(DuplicateKeyError):  # two first writers raced on creating the head
            await self._heads.update_one({"_id": counter}, update, upsert=True)
