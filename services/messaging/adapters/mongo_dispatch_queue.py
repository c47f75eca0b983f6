"""The dispatcher's view of the messages collection: claim a due message, then record the outcome.

A claim is won by inserting `<message id>:<attempt>` into `dispatch_claims` (a unique
key, so exactly one dispatcher wins each attempt), and every outcome is written only
if the message is still SENDING with that attempt number. A SENDING message whose
lease ran out was being sent when its dispatcher died: the claim says so, and
the dispatcher decides whether re-sending is safe.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from c360.newest_index import NewestIndex
from services.messaging.adapters.message_documents import from_document, sent_event, status_event
from services.messaging.adapters.mongo_delivery_reports import MongoDeliveryReports
from services.messaging.adapters.read_only_relay import ReadOnlyRelay, events_update
from services.messaging.app.ports import Claim
from services.messaging.domain.channels import MessageStatus
from services.messaging.domain.message import OutgoingMessage

Document = dict[str, Any]
SENDING = MessageStatus.SENDING.value
ORPHAN_AFTER = timedelta(minutes=1)


class MongoDispatchQueue:
    def __init__(
        self,
        collection: AsyncCollection[Document],
        events_topic: str,
        relay: ReadOnlyRelay,
        reports: MongoDeliveryReports,
        campaigns: NewestIndex | None = None,
    ) -> None:
        """`campaigns`: each customer's newest campaign messages by when sent (MongoMessageRepository's)."""
        self._collection = collection
        self._campaigns = campaigns
        self._topic = events_topic
        self._relay = relay
        self._reports = reports
        self._claims: AsyncCollection[Document] = collection.database["dispatch_claims"]
        self._pending: AsyncCollection[Document] = collection.database["dispatch_pending"]

    async def claim_due(self, now: datetime, lease_until: datetime) -> Claim | None:
        """The first due message this caller won.

        Work is found in `dispatch_pending` (one small entry per unfinished message, so polling
        never scans the log), and won by inserting the claim `<id>:<attempt>`: a unique key admits
        one insert, which holds on FerretDB too, whose conditional updates (and `findAndModify`)
        let several concurrent writers all believe they won."""
        for _ in range(3):  # a round lost to other dispatchers: look again
            entries = [e async for e in self._pending.find({"due": {"$lte": now}}).sort("due", ASCENDING).limit(8)]
            if not entries:
                return None
            for entry in entries:
                claim = await self._try_claim(entry, now, lease_until)
                if claim is not None:
                    return claim
        return None

    async def _try_claim(self, entry: Document, now: datetime, lease_until: datetime) -> Claim | None:
        doc = await self._collection.find_one({"_id": entry["_id"]}, {"outbox": 0})
        if doc is None:  # its message is being stored right now, or never was
            if entry.get("created_at") and entry["created_at"] < now - ORPHAN_AFTER:
                await self._pending.delete_one({"_id": entry["_id"]})
            return None
        status = doc["status"]
        waits_until = doc["not_before"] if status == MessageStatus.QUEUED.value else doc.get("lease_until")
        if status not in (MessageStatus.QUEUED.value, SENDING):  # finished (or erased): no more work
            await self._pending.delete_one({"_id": entry["_id"]})
            return None
        if waits_until is not None and waits_until > now:
            await self._pending.update_one({"_id": entry["_id"]}, {"$set": {"due": waits_until}})
            return None
        attempt = int(doc.get("attempts") or 0) + 1
        try:
            await self._claims.insert_one({"_id": f"{doc['_id']}:{attempt}", "claimed_at": now})
        except DuplicateKeyError:
            return None
        taken = await self._collection.update_one(
            {"_id": doc["_id"], "status": status, "attempts": attempt - 1},
            {"$set": {"status": SENDING, "lease_until": lease_until, "attempts": attempt}},
        )
        if not taken.modified_count:  # changed since we read it (e.g. erased): not ours to send
            return None
        await self._pending.update_one({"_id": doc["_id"]}, {"$set": {"due": lease_until}})
        message = from_document({**doc, "status": SENDING, "attempts": attempt})
        return Claim(message, doc.get("send_text") or "", outcome_unknown=status == SENDING)

    async def mark_sent(self, message: OutgoingMessage, provider_message_id: str, now: datetime) -> None:
        if message.campaign and self._campaigns is not None:  # listed before it is sent: see newest_index
            await self._campaigns.add(message.customer_id, [(now, message.id)])
        doc = {"_id": message.id, "customer_id": message.customer_id, "channel": message.channel.value}
        update = events_update(
            [sent_event({**doc, "campaign": message.campaign, "sent_by": message.sent_by}, self._topic)]
        )
        update["$set"].update(
            {
                "status": MessageStatus.SENT.value,
                "sent_at": now,
                "provider_message_id": provider_message_id,
                "failure_reason": "",  # an earlier attempt's transient error is no failure
            }
        )
        update["$unset"] = {"send_text": "", "template_params": "", "lease_until": ""}
        await self._finish(message, update)
        await self._reports.apply_early(provider_message_id)

    async def fail(self, message: OutgoingMessage, reason: str) -> None:
        doc = {"_id": message.id, "customer_id": message.customer_id, "channel": message.channel.value}
        update = events_update([status_event(doc, MessageStatus.FAILED, reason, self._topic)])
        update["$set"].update({"status": MessageStatus.FAILED.value, "failure_reason": reason})
        update["$unset"] = {"send_text": "", "template_params": "", "lease_until": ""}
        await self._finish(message, update)

    async def retry_later(self, message: OutgoingMessage, not_before: datetime, reason: str) -> None:
        await self._collection.update_one(
            {"_id": message.id, "status": SENDING, "attempts": message.attempts},
            {"$set": {"status": MessageStatus.QUEUED.value, "not_before": not_before, "failure_reason": reason}},
        )
        await self._pending.update_one({"_id": message.id}, {"$set": {"due": not_before}})

    async def _finish(self, message: OutgoingMessage, update: Document) -> None:
        result = await self._collection.update_one(
            {"_id": message.id, "status": SENDING, "attempts": message.attempts}, update
        )
        if result.modified_count:
            self._relay.nudge(message.id)
        await self._pending.delete_one({"_id": message.id})
