"""Writes of imported customers: new ones in one bulk insert per batch, known ones updated one by one."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from c360.mongo import insert_new
from c360.outbox import OutboxRecord, outbox_fields
from services.profile.adapters.customer_documents import to_document
from services.profile.adapters.document_locks import DocumentLocks
from services.profile.adapters.mobile_keys import MobileKeys
from services.profile.domain.customer import Customer

Document = dict[str, Any]
IMPORTED_FIELDS = ("first_name", "last_name", "first_name_lc", "last_name_lc", "email")


class MongoBulkCustomers:
    def __init__(self, collection: AsyncCollection[Document], locks: DocumentLocks, mobiles: MobileKeys) -> None:
        self.collection = collection
        self.locks = locks
        self.mobiles = mobiles

    async def by_mobiles(self, mobiles: list[str]) -> dict[str, Customer]:
        return await self.mobiles.customers(mobiles)

    async def claim_mobiles(self, owners: dict[str, str]) -> set[str]:
        """Keys each mobile to the id a new customer would get; returns the others (which may be held)."""
        return await self.mobiles.claim_new(owners)

    async def hold_mobiles(self, customers: list[Customer]) -> None:
        """New customers whose mobile was keyed already (to nobody who still held it): the key is theirs now."""
        for customer in customers:
            await self.mobiles.hold(customer)

    async def insert(self, customers: list[tuple[Customer, list[OutboxRecord]]]) -> set[int]:
        """Inserts what it can; returns the positions a unique index refused."""
        if not customers:
            return set()
        docs = [{**to_document(c), **outbox_fields(events)} for c, events in customers]
        return set(await insert_new(self.collection, docs))

    async def update_names(self, customers: list[tuple[Customer, list[OutboxRecord]]]) -> None:
        """Sets only the imported fields, so consent, status and anything else stay as they are."""
        # One update per record: FerretDB runs a multi-statement update far slower than the statements alone.
        for customer, events in customers:
            doc = to_document(customer)
            update = {
                "$set": {**{k: doc[k] for k in IMPORTED_FIELDS}, "outbox_pending": True},
                "$inc": {"version": 1},
                "$push": {"outbox": {"$each": [r.to_document() for r in events]}},
            }
            async with self.locks.holding([customer.id]):
                await self.collection.update_one({"_id": customer.id}, update)
