"""The communications log in MongoDB, newest first, paged by an opaque cursor.

The idempotency key has a unique index, so two concurrent sends with one key
store one message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.newest_index import NewestIndex, NewestLists, newest_items
from services.messaging.adapters.message_documents import from_document, status_event, to_document
from services.messaging.adapters.read_only_relay import ReadOnlyRelay, events_fields
from services.messaging.domain.channels import MessageStatus
from services.messaging.domain.message import OutgoingMessage, message_id_for

Document = dict[str, Any]
ERASED_TEXT = "[erased]"
LISTED = {"outbox": 0, "send_text": 0, "template_params": 0}
MESSAGES = "messages"  # the customer's newest lists (messages_newest): every message by when it was created,
CAMPAIGNS = "campaigns"  # and campaign messages by when they were sent
REACHED_CUSTOMER = [MessageStatus.SENT.value, MessageStatus.DELIVERED.value, MessageStatus.READ.value]


class MongoMessageRepository:
    def __init__(self, database: AsyncDatabase[Document], events_topic: str) -> None:
        self.collection: AsyncCollection[Document] = database["messages"]
        self.lists = NewestLists(database["messages_newest"])
        self.newest = self.lists.index(MESSAGES)  # by created_at
        self.campaigns_newest = self.lists.index(CAMPAIGNS)  # by sent_at: campaign messages once sent
        self.pending: AsyncCollection[Document] = database["dispatch_pending"]
        self._topic = events_topic
        self._relay: ReadOnlyRelay | None = None

    def attach_relay(self, relay: ReadOnlyRelay) -> None:
        self._relay = relay

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("customer_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)], name="by_customer"
        )
        await self.collection.create_index([("idempotency_key", ASCENDING)], unique=True, name="idempotency_key_unique")
        await self.collection.create_index([("provider_message_id", ASCENDING)], name="by_provider_message_id")
        await self.pending.create_index([("due", ASCENDING)], name="by_due")
        await self.newest.backfill(self.collection, "customer_id", "created_at")
        await self.campaigns_newest.backfill(self.collection, "customer_id", "sent_at")

    async def add(self, message: OutgoingMessage) -> OutgoingMessage:
        events = []
        if message.status is MessageStatus.REJECTED:
            events.append(status_event(to_document(message), message.status, message.failure_reason, self._topic))
        if message.status is MessageStatus.QUEUED:  # first, so no stored message is ever missed
            await self.pending.update_one(
                {"_id": message.id},
                {"$setOnInsert": {"due": message.not_before, "created_at": message.created_at}},
                upsert=True,
            )
        lists = {MESSAGES: [(message.created_at, message.id)]}
        if message.campaign and message.sent_at is not None:
            lists[CAMPAIGNS] = [(message.sent_at, message.id)]
        await self.lists.add(message.customer_id, lists)  # first: see newest_index
        try:
            await self.collection.insert_one({**to_document(message), **events_fields(events)})
            if events and self._relay is not None:
                self._relay.nudge(message.id)
            return message
        except DuplicateKeyError:
            stored = await self.find_by_key(message.idempotency_key)
            if stored is None:  # another unique clash (an id collision): not ours to hide
                raise
            return stored

    async def find_by_key(self, idempotency_key: str) -> OutgoingMessage | None:
        doc = await self.collection.find_one({"_id": message_id_for(idempotency_key)}, {"outbox": 0})
        return from_document(doc) if doc else None

    async def get(self, message_id: str) -> OutgoingMessage | None:
        doc = await self.collection.find_one({"_id": message_id}, {"outbox": 0})
        return from_document(doc) if doc else None

    async def page(self, customer_id: str, channel: str | None, before_id: str | None, limit: int) -> list[Document]:
        found = await self._indexed_page(
            self.newest,
            "created_at",
            customer_id,
            before_id,
            limit,
            lambda d: d.get("customer_id") == customer_id and (not channel or d.get("channel") == channel),
        )
        if found is not None:
            return found
        query: Document = {"customer_id": customer_id}
        if channel:
            query["channel"] = channel
        return await self._page(query, "created_at", before_id, limit)

    async def campaigns_page(self, customer_id: str, before_id: str | None, limit: int) -> list[Document]:
        """Campaign messages that reached the customer, newest first (by when they were sent)."""
        found = await self._indexed_page(
            self.campaigns_newest,
            "sent_at",
            customer_id,
            before_id,
            limit,
            lambda d: (
                d.get("customer_id") == customer_id
                and bool(d.get("campaign"))
                and d.get("status") in REACHED_CUSTOMER
                and d.get("sent_at") is not None
            ),
        )
        if found is not None:
            return found
        query: Document = {"customer_id": customer_id, "campaign": {"$gt": ""}, "status": {"$in": REACHED_CUSTOMER}}
        return await self._page(query, "sent_at", before_id, limit)

    async def _indexed_page(
        self,
        index: NewestIndex,
        order_field: str,
        customer_id: str,
        before_id: str | None,
        limit: int,
        accept: Callable[[Document], bool],
    ) -> list[Document] | None:
        """The page from the customer's newest list, after the message `before_id`; None: only the query can tell."""
        before = None
        if before_id:
            anchor = await self.collection.find_one({"_id": before_id}, {order_field: 1})
            before = (anchor[order_field], before_id) if anchor is not None and anchor.get(order_field) else None
        return await newest_items(
            index,
            self.collection,
            customer_id,
            limit,
            accept=accept,
            position_of=lambda d: d[order_field],
            before=before,
            projection=LISTED,
        )

    async def _page(self, query: Document, order_field: str, before_id: str | None, limit: int) -> list[Document]:
        if before_id:
            anchor = await self.collection.find_one({"_id": before_id}, {order_field: 1})
            if anchor is not None:
                query["$or"] = [
                    {order_field: {"$lt": anchor[order_field]}},
                    {order_field: anchor[order_field], "_id": {"$lt": before_id}},
                ]
        order = [(order_field, DESCENDING), ("_id", DESCENDING)]
        cursor = self.collection.find(query, LISTED).sort(order).limit(limit)
        return [doc async for doc in cursor]

    async def anonymise(self, customer_id: str) -> None:
        """Erasure: queued messages are never sent, and no text or address stays in the log."""
        erased = {"body": ERASED_TEXT, "title": "", "address": "", "send_text": "", "template_params": []}
        await self.collection.update_many(
            {"customer_id": customer_id, "status": MessageStatus.QUEUED.value},
            {"$set": {**erased, "status": MessageStatus.REJECTED.value, "failure_reason": "CUSTOMER_ERASED"}},
        )
        await self.collection.update_many({"customer_id": customer_id}, {"$set": erased})
