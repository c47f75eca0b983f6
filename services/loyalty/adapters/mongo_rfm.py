"""RFM quintile breaks, computed in the database with $match/$sort/$skip/$limit/$project only."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.loyalty.domain.rfm import RfmBreaks, break_positions

Document = dict[str, Any]
BUYERS = {"rfm_orders": {"$gt": 0}}
CACHE_SECONDS = 1.0


class MongoRfmBreaks:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._accounts: AsyncCollection[Document] = database["accounts"]
        self.collection: AsyncCollection[Document] = database["rfm_breaks"]
        self._cached: RfmBreaks | None = None
        self._read_at = -CACHE_SECONDS

    async def recompute(self) -> RfmBreaks:
        """Reads only the 4 break values per measure (sorted positions), never the whole population."""
        count = await self._accounts.count_documents(BUYERS)
        positions = break_positions(count)
        values: dict[str, list[Any]] = {}
        for field in ("rfm_last_at", "rfm_orders", "rfm_spend"):
            values[field] = [await self._value_at(field, position) for position in positions]
        breaks = RfmBreaks(
            computed_at=datetime.now(UTC),
            recency=values["rfm_last_at"],
            frequency=values["rfm_orders"],
            monetary=values["rfm_spend"],
        )
        await self.collection.replace_one(
            {"_id": "current"},
            {
                "computed_at": breaks.computed_at,
                "customers": count,
                "recency": breaks.recency,
                "frequency": breaks.frequency,
                "monetary": breaks.monetary,
            },
            upsert=True,
        )
        return breaks

    async def current(self) -> RfmBreaks | None:
        """The latest breaks, re-read at most once a second (every account read needs them)."""
        now = time.monotonic()
        if now - self._read_at > CACHE_SECONDS:
            self._cached = await self._read()
            self._read_at = now
        return self._cached

    async def _read(self) -> RfmBreaks | None:
        doc = await self.collection.find_one({"_id": "current"})
        if not doc or not doc.get("recency"):
            return None
        return RfmBreaks(doc["computed_at"], doc["recency"], doc["frequency"], doc["monetary"])

    async def _value_at(self, field: str, position: int) -> Any:
        pipeline: list[Document] = [
            {"$match": BUYERS},
            {"$sort": {field: 1, "_id": 1}},
            {"$skip": position},
            {"$limit": 1},
            {"$project": {field: 1}},
        ]
        async for row in await self._accounts.aggregate(pipeline):
            return row.get(field)
        return None
