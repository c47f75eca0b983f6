"""Campaigns in MongoDB, listed in creation order with an opaque cursor."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, OperationFailure

from c360.by_id import find_by_ids
from services.coupons.domain.campaign import Campaign, DiscountType

Document = dict[str, Any]
FIRST_CREATED_SEQ = 1000  # seeds take 0..999
SEQUENCE_ATTEMPTS = 5


class MongoCampaignRepository:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["campaigns"]

    async def ensure_indexes(self) -> None:
        with contextlib.suppress(OperationFailure):  # the earlier, non-unique index of the same key
            await self.collection.drop_index("by_creation")
        await self.collection.create_index([("created_seq", ASCENDING)], unique=True, name="created_seq_unique")

    async def seed(self, campaigns: tuple[Campaign, ...]) -> None:
        """Inserts the seed set once; an operator's later edits are never overwritten."""
        for seq, campaign in enumerate(campaigns):
            await self.collection.update_one(
                {"_id": campaign.id},
                {"$setOnInsert": {**_to_document(campaign), "created_seq": seq, "created_at": datetime.now(UTC)}},
                upsert=True,
            )

    async def add(self, campaign: Campaign, actor: str) -> None:
        """Numbered by creation time in microseconds, unique by index (a clash takes the next number)."""
        seq = max(FIRST_CREATED_SEQ, time.time_ns() // 1000)
        for attempt in range(SEQUENCE_ATTEMPTS):
            document = {**_to_document(campaign), "_id": campaign.id, "created_seq": seq + attempt}
            try:
                await self.collection.insert_one({**document, "created_at": datetime.now(UTC), "created_by": actor})
                return
            except DuplicateKeyError:
                continue
        raise RuntimeError("could not number the campaign")

    async def get(self, campaign_id: str) -> Campaign | None:
        doc = await self.collection.find_one({"_id": campaign_id})
        return _from_document(doc) if doc else None

    async def get_many(self, campaign_ids: list[str]) -> list[Campaign]:
        return [_from_document(doc) for doc in await find_by_ids(self.collection, campaign_ids)]

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
        "valid_from": campaign.valid_from,
        "valid_until": campaign.valid_until,
        "reinstate_on_return": campaign.reinstate_on_return,
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
        valid_from=doc.get("valid_from"),
        valid_until=doc.get("valid_until"),
        reinstate_on_return=doc.get("reinstate_on_return", False),
    )
