"""Campaigns in MongoDB, listed in creation order with an opaque cursor."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.coupons.domain.campaign import Campaign, DiscountType

Document = dict[str, Any]


class MongoCampaignRepository:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["campaigns"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("created_seq", ASCENDING)], name="by_creation")

    async def seed(self, campaigns: tuple[Campaign, ...]) -> None:
        """Inserts the seed set once; an operator's later edits are never overwritten."""
        for seq, campaign in enumerate(campaigns):
            await self.collection.update_one(
                {"_id": campaign.id},
                {"$setOnInsert": {**_to_document(campaign), "created_seq": seq, "created_at": datetime.now(UTC)}},
                upsert=True,
            )

    async def page(self, after_seq: int, limit: int) -> list[tuple[int, Campaign]]:
        cursor = self.collection.find({"created_seq": {"$gt": after_seq}}).sort("created_seq", ASCENDING).limit(limit)
        return [(doc["created_seq"], _from_document(doc)) async for doc in cursor]


def _to_document(campaign: Campaign) -> Document:
    return {
        "name": campaign.name,
        "description": campaign.description,
        "discount_type": campaign.discount_type.value,
        "discount_value": str(campaign.discount_value),
        "code_prefix": campaign.code_prefix,
        "valid_days": campaign.valid_days,
        "per_customer_limit": campaign.per_customer_limit,
        "total_limit": campaign.total_limit,
        "active": campaign.active,
    }


def _from_document(doc: Document) -> Campaign:
    return Campaign(
        id=doc["_id"],
        name=doc["name"],
        description=doc.get("description"),
        discount_type=DiscountType(doc["discount_type"]),
        discount_value=Decimal(doc["discount_value"]),
        code_prefix=doc["code_prefix"],
        valid_days=doc.get("valid_days"),
        per_customer_limit=doc.get("per_customer_limit"),
        total_limit=doc.get("total_limit"),
        active=doc.get("active", True),
    )
