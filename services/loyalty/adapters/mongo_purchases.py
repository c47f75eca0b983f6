"""Purchases in MongoDB, unique by partner transaction (`_id`) and by event id."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.loyalty.domain.purchase import PurchaseEvent

Document = dict[str, Any]


class MongoPurchaseRepository:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["purchases"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("event_id", ASCENDING)], unique=True, name="event_id_unique")
        await self.collection.create_index(
            [("customer_id", ASCENDING), ("occurred_at", DESCENDING)], name="by_customer"
        )

    async def record(self, purchase: PurchaseEvent, customer_id: str, points: int) -> bool:
        try:
            await self.collection.insert_one(_to_document(purchase, customer_id, points))
            return True
        except DuplicateKeyError:
            # Same transaction again: resume it. Same event id on another transaction: a duplicate to skip.
            return await self.collection.find_one({"_id": purchase.purchase_id}, {"_id": 1}) is not None

    async def mark_posted(self, purchase_id: str) -> None:
        await self.collection.update_one({"_id": purchase_id}, {"$set": {"posted": True}})

    async def is_posted(self, purchase_id: str) -> bool:
        return await self.collection.find_one({"_id": purchase_id, "posted": True}, {"_id": 1}) is not None

    async def event_seen(self, event_id: str) -> bool:
        return await self.collection.find_one({"event_id": event_id}, {"_id": 1}) is not None


def _to_document(purchase: PurchaseEvent, customer_id: str, points: int) -> Document:
    return {
        "_id": purchase.purchase_id,
        "event_id": purchase.event_id,
        "partner_id": purchase.partner_id,
        "transaction_id": purchase.transaction_id,
        "receipt_id": purchase.receipt_id,
        "customer_id": customer_id,
        "occurred_at": purchase.occurred_at,
        "type": purchase.kind,
        "store_id": purchase.store_id,
        "terminal_id": purchase.terminal_id,
        "source": purchase.source,
        "currency": purchase.currency,
        "total": str(purchase.total),
        "items": [
            {
                "sku": item.sku,
                "name": item.name,
                "category": item.category,
                "quantity": item.quantity,
                "unit_price": str(item.unit_price),
            }
            for item in purchase.items
        ],
        "coupon_codes": list(purchase.coupon_codes),
        "points_redeemed": purchase.points_redeemed,
        "points_earned": points,
        "original_transaction_id": purchase.original_transaction_id,
        "posted": False,
    }
