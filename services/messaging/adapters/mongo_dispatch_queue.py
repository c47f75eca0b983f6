"""The dispatcher's view of the messages collection: claim a due message, then record the outcome.

A claim is one atomic update (QUEUED -> SENDING with a lease, attempts + 1), and
every outcome is written only if the message is still SENDING with that attempt
number, so two dispatchers never both own one message. A SENDING message whose
lease ran out was being sent when its dispatcher died: the claim says so, and
the dispatcher decides whether re-sending is safe.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from c360.outbox import OutboxRelay, outbox_push
from services.messaging.adapters.message_documents import from_document, sent_event, status_event
from services.messaging.adapters.mongo_delivery_reports import MongoDeliveryReports
from services.messaging.app.ports import Claim
from services.messaging.domain.channels import MessageStatus
from services.messaging.domain.message import OutgoingMessage

Document = dict[str, Any]
SENDING = MessageStatus.SENDING.value


class MongoDispatchQueue:
    def __init__(
        self,
        collection: AsyncCollection[Document],
        events_topic: str,
        relay: OutboxRelay,
        reports: MongoDeliveryReports,
    ) -> None:
        self._collection = collection
        self._topic = events_topic
        self._relay = relay
        self._reports = reports

    async def claim_due(self, now: datetime, lease_until: datetime) -> Claim | None:
        # No projection: FerretDB's findAndModify does not take one.
        doc = await self._collection.find_one_and_update(
            {
                "$or": [
                    {"status": MessageStatus.QUEUED.value, "not_before": {"$lte": now}},
                    {"status": SENDING, "lease_until": {"$lte": now}},
                ]
            },
            {"$set": {"status": SENDING, "lease_until": lease_until}, "$inc": {"attempts": 1}},
            sort=[("not_before", ASCENDING)],
            return_document=ReturnDocument.BEFORE,
        )
        if doc is None:
            return None
        outcome_unknown = doc["status"] == SENDING
        message = from_document({**doc, "status": SENDING, "attempts": int(doc.get("attempts") or 0) + 1})
        return Claim(message, doc.get("send_text") or "", outcome_unknown)

    async def mark_sent(self, message: OutgoingMessage, provider_message_id: str, now: datetime) -> None:
        doc = {"_id": message.id, "customer_id": message.customer_id, "channel": message.channel.value}
        update = outbox_push(
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
        update = outbox_push([status_event(doc, MessageStatus.FAILED, reason, self._topic)])
        update["$set"].update({"status": MessageStatus.FAILED.value, "failure_reason": reason})
        update["$unset"] = {"send_text": "", "template_params": "", "lease_until": ""}
        await self._finish(message, update)

    async def retry_later(self, message: OutgoingMessage, not_before: datetime, reason: str) -> None:
        await self._collection.update_one(
            {"_id": message.id, "status": SENDING, "attempts": message.attempts},
            {"$set": {"status": MessageStatus.QUEUED.value, "not_before": not_before, "failure_reason": reason}},
        )

    async def _finish(self, message: OutgoingMessage, update: Document) -> None:
        result = await self._collection.update_one(
            {"_id": message.id, "status": SENDING, "attempts": message.attempts}, update
        )
        if result.modified_count:
            self._relay.nudge(message.id)
