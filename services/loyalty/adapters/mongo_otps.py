"""Redemption OTPs in MongoDB: only the keyed hash of a code is kept; the code itself leaves once,
inside the RedemptionOtpRequested event in the document's outbox (popped when published)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from customer360.events.v1 import loyalty_events_pb2
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from c360.events import new_envelope, timestamp, to_outbox
from c360.outbox import OutboxRelay, outbox_fields
from services.loyalty.adapters.document_locks import DocumentLocks
from services.loyalty.domain.otp import MAX_ATTEMPTS, Otp

Document = dict[str, Any]
NO_OUTBOX = {"outbox": 0}


class MongoOtpRepository:
    def __init__(self, database: AsyncDatabase[Document], events_topic: str) -> None:
        self.collection: AsyncCollection[Document] = database["otps"]
        self._events_topic = events_topic
        self.relay: OutboxRelay | None = None
        self.locks = DocumentLocks()

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customer_id", ASCENDING), ("created_at", DESCENDING)], name="by_customer")
        await self.collection.create_index([("entry_id", ASCENDING)], name="by_entry")
        await OutboxRelay.ensure_indexes(self.collection)

    async def create(self, otp: Otp, code: str, actor: str) -> None:
        payload = loyalty_events_pb2.RedemptionOtpRequested(
            otp_id=otp.id, code=code, points=otp.points, expires_at=timestamp(otp.expires_at)
        )
        envelope = new_envelope(otp.customer_id, "loyalty", payload, actor=actor)
        doc = {**asdict(otp), "_id": otp.id, **outbox_fields([to_outbox(envelope, self._events_topic)])}
        del doc["id"]
        await self.collection.insert_one(doc)
        if self.relay is not None:
            self.relay.nudge(otp.id)

    async def recent(self, customer_ids: list[str], first: int) -> dict[str, list[Otp]]:
        found: dict[str, list[Otp]] = {c: [] for c in customer_ids}
        for customer_id in customer_ids:
            cursor = self.collection.find({"customer_id": customer_id}, NO_OUTBOX).sort("created_at", DESCENDING)
            found[customer_id] = [_otp(doc) async for doc in cursor.limit(first)]
        return found

    async def pending(self, customer_id: str, now: datetime) -> list[Otp]:
        query = {"customer_id": customer_id, "status": "PENDING", "expires_at": {"$gt": now}}
        cursor = self.collection.find(query, NO_OUTBOX).sort("created_at", DESCENDING).limit(MAX_ATTEMPTS)
        return [_otp(doc) async for doc in cursor]

    async def latest(self, customer_id: str) -> Otp | None:
        cursor = self.collection.find({"customer_id": customer_id}, NO_OUTBOX).sort("created_at", DESCENDING)
        docs = [doc async for doc in cursor.limit(1)]
        return _otp(docs[0]) if docs else None

    async def record_failure(self, otp_id: str) -> int:
        """Counts a wrong code; the fifth blocks the OTP. Returns the attempts so far."""
        async with self.locks.of(otp_id):
            await self.collection.update_one({"_id": otp_id, "status": "PENDING"}, {"$inc": {"attempts": 1}})
            await self.collection.update_one(
                {"_id": otp_id, "status": "PENDING", "attempts": {"$gte": MAX_ATTEMPTS}},
                {"$set": {"status": "BLOCKED"}},
            )
        doc = await self.collection.find_one({"_id": otp_id}, {"attempts": 1})
        return int((doc or {}).get("attempts", MAX_ATTEMPTS))

    async def consume(self, otp_id: str, entry_id: str, now: datetime) -> bool:
        """PENDING -> USED, once, naming the REDEEM entry it pays for (so a retried redemption resumes)."""
        async with self.locks.of(otp_id):
            result = await self.collection.update_one(
                {"_id": otp_id, "status": "PENDING", "attempts": {"$lt": MAX_ATTEMPTS}, "expires_at": {"$gt": now}},
                {"$set": {"status": "USED", "entry_id": entry_id}},
            )
        return result.modified_count == 1

    async def used_for(self, entry_id: str) -> Otp | None:
        doc = await self.collection.find_one({"entry_id": entry_id, "status": "USED"}, NO_OUTBOX)
        return _otp(doc) if doc else None

    async def erase(self, customer_id: str) -> None:
        await self.collection.delete_many({"customer_id": customer_id})


def _otp(doc: Document) -> Otp:
    return Otp(
        id=doc["_id"],
        customer_id=doc["customer_id"],
        masked_code=doc["masked_code"],
        points=doc["points"],
        status=doc["status"],
        attempts=doc.get("attempts", 0),
        created_at=doc["created_at"],
        expires_at=doc["expires_at"],
        code_hash=doc["code_hash"],
        entry_id=doc.get("entry_id"),
    )
