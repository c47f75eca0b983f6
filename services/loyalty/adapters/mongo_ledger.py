"""Ledger entries in MongoDB; each posted entry carries its PointsChanged event in its outbox."""

from __future__ import annotations

from typing import Any

from customer360.events.v1 import loyalty_events_pb2
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.events import new_envelope, to_outbox
from c360.outbox import OutboxRelay, outbox_push
from services.loyalty.app.ports import AppliedOperation
from services.loyalty.domain.ledger import EntryStatus, EntryType, LedgerEntry

Document = dict[str, Any]


class MongoLedgerRepository:
    def __init__(self, database: AsyncDatabase[Document], events_topic: str, relay: OutboxRelay | None = None) -> None:
        self.collection: AsyncCollection[Document] = database["ledger"]
        self._events_topic = events_topic
        self._relay = relay

    def attach_relay(self, relay: OutboxRelay) -> None:
        self._relay = relay

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customer_id", ASCENDING), ("created_at", DESCENDING)], name="by_customer")
        await self.collection.create_index("status", name="by_status")
        await OutboxRelay.ensure_indexes(self.collection)

    async def add_pending(self, entry: LedgerEntry) -> LedgerEntry:
        try:
            await self.collection.insert_one(_to_document(entry))
            return entry
        except DuplicateKeyError:
            doc = await self.collection.find_one({"_id": entry.id}, {"outbox": 0})
            assert doc is not None
            return _from_document(doc)

    async def mark_posted(self, entry: LedgerEntry, applied: AppliedOperation) -> None:
        envelope = new_envelope(
            entry.customer_id,
            "loyalty",
            loyalty_events_pb2.PointsChanged(
                entry_id=entry.id,
                type=entry.type.value,
                points=entry.points,
                balance_after=applied.balance_after,
                transaction_id=entry.transaction_id or "",
                remark=entry.remark or "",
            ),
            actor=entry.actor or "",
        )
        update = outbox_push([to_outbox(envelope, self._events_topic)])
        update["$set"].update({"status": EntryStatus.POSTED.value, "balance_after": applied.balance_after})
        result = await self.collection.update_one({"_id": entry.id, "status": EntryStatus.PENDING.value}, update)
        if result.modified_count and self._relay is not None:
            self._relay.nudge(entry.id)

    async def posted_sum(self, customer_id: str) -> int:
        """The ledger's own total, which must always equal the account balance."""
        pipeline: list[Document] = [
            {"$match": {"customer_id": customer_id, "status": EntryStatus.POSTED.value}},
            {"$group": {"_id": None, "total": {"$sum": "$points"}}},
        ]
        async for row in await self.collection.aggregate(pipeline):
            return int(row["total"])
        return 0


def _to_document(entry: LedgerEntry) -> Document:
    return {
        "_id": entry.id,
        "customer_id": entry.customer_id,
        "type": entry.type.value,
        "points": entry.points,
        "status": entry.status.value,
        "balance_after": entry.balance_after,
        "remark": entry.remark,
        "actor": entry.actor,
        "transaction_id": entry.transaction_id,
        "store_id": entry.store_id,
        "terminal_id": entry.terminal_id,
        "created_at": entry.created_at,
    }


def _from_document(doc: Document) -> LedgerEntry:
    return LedgerEntry(
        id=doc["_id"],
        customer_id=doc["customer_id"],
        type=EntryType(doc["type"]),
        points=doc["points"],
        status=EntryStatus(doc["status"]),
        balance_after=doc.get("balance_after"),
        remark=doc.get("remark"),
        actor=doc.get("actor"),
        transaction_id=doc.get("transaction_id"),
        store_id=doc.get("store_id"),
        terminal_id=doc.get("terminal_id"),
        created_at=doc["created_at"],
    )
