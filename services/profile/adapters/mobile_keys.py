"""Customers by mobile number without a scan: a key per mobile (c360/key_index.py), confirmed by the customer.

FerretDB 1.24 (SQLite) reads the whole customers collection for `{mobile: ...}`, so the
lookup at the till and the import's duplicate check (once per 500-row batch) grew with
the customers. Every write of a mobile first claims its key, so the keys are complete:
a mobile without a key belongs to nobody. A key is only a hint of who holds the mobile
(a crash or a refused registration can leave it pointing elsewhere); one the customer's
document does not confirm is settled by the collection's own query, and re-pointed. A
key is removed only by its owner leaving the number (an edit, an erasure), and only while
it still names that owner.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from c360.by_id import find_by_ids
from c360.key_index import KeyIndex
from services.profile.adapters.customer_documents import from_document
from services.profile.domain.customer import Customer

Document = dict[str, Any]
KIND = "mobile"
NO_OUTBOX = {"outbox": 0}


class MobileKeys:
    def __init__(self, database: AsyncDatabase[Document], customers: AsyncCollection[Document]) -> None:
        self._keys = KeyIndex(database["customer_keys"])
        self._customers = customers

    async def backfill(self) -> None:
        await self._keys.backfill(self._customers, {KIND: "mobile"}, {})

    async def claim(self, customer: Customer) -> bool:
        """Before the customer is written. False: the mobile was keyed already and keeps its key; once the
        write has shown the customer holds the mobile, `hold` points the key at them."""
        if customer.mobile.startswith("~"):  # an erased customer's placeholder is no number
            return True
        return await self._keys.claim(KIND, customer.mobile, customer.id)

    async def hold(self, customer: Customer) -> None:
        """After a write the unique index let through: the customer holds the mobile now."""
        await self._keys.put(KIND, customer.mobile, customer.id)

    async def release(self, mobile: str, owner: str) -> None:
        """After the customer left the mobile (a change, an erasure: the number must not stay behind), unless
        someone holds its key meanwhile."""
        if not mobile.startswith("~"):
            await self._keys.release(KIND, mobile, owner)

    async def claim_new(self, owners: dict[str, str]) -> set[str]:
        """Claims mobile -> intended owner in one write; returns the mobiles that may be held already
        (all of them while the keys are still being backfilled)."""
        refused = await self._keys.claim_many(KIND, owners)
        return refused if await self._keys.ready() else set(owners)

    async def customers(self, mobiles: list[str]) -> dict[str, Customer]:
        """Mobile to the customer holding it, for the mobiles held."""
        wanted = list(dict.fromkeys(mobiles))
        owners = await self._keys.owners(KIND, wanted)
        if owners is None:
            return await self._query(wanted)
        docs = await find_by_ids(self._customers, list(set(owners.values())), NO_OUTBOX)
        held = {doc["mobile"]: doc for doc in docs if owners.get(doc["mobile"]) == doc["_id"]}
        unsettled = [m for m in wanted if m in owners and m not in held]
        found = {m: from_document(doc) for m, doc in held.items()}
        if unsettled:
            settled = await self._query(unsettled)
            for mobile, customer in settled.items():
                await self._keys.put(KIND, mobile, customer.id)
            found.update(settled)
        return found

    async def _query(self, mobiles: list[str]) -> dict[str, Customer]:
        cursor = self._customers.find({"mobile": {"$in": mobiles}}, NO_OUTBOX)
        return {doc["mobile"]: from_document(doc) async for doc in cursor}
