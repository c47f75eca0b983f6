"""Coupon codes a purchase carried but could not apply, one document per transaction and code.

The deterministic id makes a redelivered purchase record the rejection (and its event) once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.outbox import OutboxRecord, OutboxRelay, outbox_fields
from services.coupons.adapters.mongo_coupons import ERASED_CUSTOMER
from services.coupons.domain.coupon import RejectionReason

Document = dict[str, Any]


class MongoRejectionLog:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["redemption_rejections"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("customer_id", name="by_customer")
        await OutboxRelay.ensure_indexes(self.collection)

    async def record(
        self,
        customer_id: str,
        code: str,
        transaction_id: str,
        reason: RejectionReason,
        at: datetime,
        events: list[OutboxRecord],
    ) -> bool:
        """True when newly recorded; False when this purchase's rejection of this code was already known."""
        document = {
            "_id": f"{transaction_id}:{code}",
            "customer_id": customer_id,
            "code": code,
            "transaction_id": transaction_id,
            "reason": reason.value,
            "at": at,
        }
        try:
            await self.collection.insert_one({**document, **outbox_fields(events)})
        except DuplicateKeyError:
            return False
        return True

    async def for_customer(self, customer_id: str) -> list[Document]:
        return [doc async for doc in self.collection.find({"customer_id": customer_id}, {"outbox": 0})]

    async def anonymise_customer(self, customer_id: str) -> None:
        await self.collection.update_many({"customer_id": customer_id}, {"$set": {"customer_id": ERASED_CUSTOMER}})
