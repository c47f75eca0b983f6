"""Provider delivery reports: applied only when they move a message's status forward.

A fast provider may report before we have written SENT (and with it the provider's
id): such an early report is kept in `early_reports` and applied right after SENT
is written. Each side writes before it reads the other's, so neither misses the
other, and applying twice is harmless (the compare-and-set on the status).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.messaging.adapters.message_documents import status_event
from services.messaging.adapters.read_only_relay import ReadOnlyRelay, events_update
from services.messaging.domain.channels import REPORTABLE, MessageStatus, statuses_a_report_may_replace

Document = dict[str, Any]


class MongoDeliveryReports:
    def __init__(
        self, database: AsyncDatabase[Document], messages: AsyncCollection[Document], topic: str, relay: ReadOnlyRelay
    ) -> None:
        self._messages = messages
        self._early: AsyncCollection[Document] = database["early_reports"]
        self._topic = topic
        self._relay = relay

    async def ensure_indexes(self) -> None:
        await self._early.create_index([("provider_message_id", ASCENDING)], name="by_provider_message_id")

    async def record_report(self, provider_message_id: str, status: MessageStatus, reason: str) -> bool:
        if not provider_message_id or status not in REPORTABLE:
            return False
        if await self._apply(provider_message_id, status, reason) is not None:
            return True
        if await self._messages.find_one({"provider_message_id": provider_message_id}, {"_id": 1}):
            return False  # known, and the report would move it backwards (or is a repeat)
        await self._early.update_one(
            {"_id": f"{provider_message_id}:{status.value}"},
            {
                "$setOnInsert": {
                    "provider_message_id": provider_message_id,
                    "status": status.value,
                    "reason": reason,
                    "received_at": datetime.now(UTC),
                }
            },
            upsert=True,
        )
        return await self._apply(provider_message_id, status, reason) is not None  # SENT landed meanwhile

    async def apply_early(self, provider_message_id: str) -> None:
        """After SENT: the reports that came first, in the order a message lives them."""
        reports = [doc async for doc in self._early.find({"provider_message_id": provider_message_id})]
        for doc in sorted(reports, key=lambda d: REPORTABLE.index(MessageStatus(d["status"]))):
            await self._apply(provider_message_id, MessageStatus(doc["status"]), doc.get("reason") or "")

    async def _apply(self, provider_message_id: str, status: MessageStatus, reason: str) -> str | None:
        """The message id when the report moved its status forward, else None.

        A compare-and-set on the status read: when another report moved it meanwhile
        (DELIVERED and READ arrive together), the report is judged again against the new one.
        """
        allowed = [s.value for s in statuses_a_report_may_replace(status)]
        while True:
            doc = await self._messages.find_one(
                {"provider_message_id": provider_message_id, "status": {"$in": allowed}}, {"outbox": 0}
            )
            if doc is None:
                return None
            update = events_update([status_event(doc, status, reason, self._topic)])
            update["$set"]["status"] = status.value
            if status is MessageStatus.FAILED:
                update["$set"]["failure_reason"] = reason
            result = await self._messages.update_one({"_id": doc["_id"], "status": doc["status"]}, update)
            if result.modified_count:
                self._relay.nudge(doc["_id"])
                return str(doc["_id"])
