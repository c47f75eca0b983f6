"""The recipients projection (fed by profile events) in MongoDB.

Every write is one idempotent single-document update, so a redelivered profile
event changes nothing; `erased` is sticky: no later event brings a customer back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.by_id import find_by_ids
from c360.mongo import insert_new
from c360.outbox import OutboxRecord
from services.messaging.adapters.read_only_relay import ReadOnlyRelay, events_update
from services.messaging.domain.recipient import Recipient

Document = dict[str, Any]
Contact = tuple[str, str, str, str]  # customer id, first name, mobile, e-mail
NOT_ERASED: Document = {"erased": {"$ne": True}}
# Every recipient document has `erased` (set when created, true once erased). By `_id` and an equality the
# local store's front answers a guarded update by `_id` (guarded.go); with `$ne` FerretDB scans the collection.
LIVE: Document = {"erased": False}


class MongoRecipientRepository:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["recipients"]
        self._relay: ReadOnlyRelay | None = None

    def attach_relay(self, relay: ReadOnlyRelay) -> None:
        self._relay = relay

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("mobile", ASCENDING)], name="by_mobile")
        await self.collection.create_index([("whatsapp_id", ASCENDING)], name="by_whatsapp_id")

    async def get(self, customer_id: str) -> Recipient | None:
        doc = await self.collection.find_one({"_id": customer_id}, {"outbox": 0})
        return _from_document(doc) if doc else None

    async def get_many(self, customer_ids: list[str]) -> list[Recipient]:
        return [_from_document(doc) for doc in await find_by_ids(self.collection, customer_ids, {"outbox": 0})]

    async def save_contact(self, customer_id: str, first_name: str, mobile: str, email: str) -> None:
        """Creates the recipient or updates its contact details; an erased one stays as it is."""
        contact = {"first_name": first_name, "mobile": mobile, "email": email}
        if (await self.collection.update_one({"_id": customer_id, **LIVE}, {"$set": contact})).matched_count:
            return
        try:  # an insert, not an upsert: FerretDB answers an upsert with a guard by scanning
            await self.collection.insert_one(_new_recipient(customer_id, contact))
        except DuplicateKeyError:  # erased (left alone), or created just now: then it takes the details
            await self.collection.update_one({"_id": customer_id, **LIVE}, {"$set": contact})

    async def create_many(self, contacts: list[Contact]) -> set[str]:
        """New recipients with their contact details in one bulk insert; returns the ids created (the others
        exist already, and `save_contact` is theirs)."""
        docs = [_new_recipient(i, {"first_name": f, "mobile": m, "email": e}) for i, f, m, e in contacts]
        refused = set(await insert_new(self.collection, docs))
        return {doc["_id"] for position, doc in enumerate(docs) if position not in refused}

    async def set_opt_in(self, customer_id: str, campaign: str, opted_in: bool) -> None:
        await self._set_or_create(customer_id, {f"opt_ins.{campaign}": opted_in})

    async def set_channel_link(self, customer_id: str, field: str, link_id: str) -> None:
        await self._set_or_create(customer_id, {field: link_id})

    async def _set_or_create(self, customer_id: str, fields: Document) -> None:
        """Events of one customer arrive in order, but a link may come before we saw the registration."""
        result = await self.collection.update_one({"_id": customer_id, **LIVE}, {"$set": fields})
        if result.matched_count == 0 and not await self.collection.find_one({"_id": customer_id}, {"_id": 1}):
            # Created without contact details: the registration event fills them in; until then unknown.
            await self.save_contact(customer_id, "", "", "")
            await self.collection.update_one({"_id": customer_id, **LIVE}, {"$set": fields})

    async def erase(self, customer_id: str) -> None:
        await self.collection.update_one(
            {"_id": customer_id},
            {
                "$set": {
                    "erased": True,
                    "first_name": "",
                    "mobile": "",
                    "email": "",
                    "push_token": "",
                    "whatsapp_id": "",
                    "outbox": [],  # a ChannelLinked carries the WhatsApp number
                },
                "$unset": {"opt_ins": "", "whatsapp_window_until": ""},
            },
            upsert=True,
        )

    async def find_by_whatsapp_id(self, wa_id: str) -> Recipient | None:
        """The customer linked to `wa_id`, else the one whose mobile it is (WhatsApp ids are numbers)."""
        doc = await self.collection.find_one({"whatsapp_id": wa_id, **NOT_ERASED}, {"outbox": 0})
        doc = doc or await self.collection.find_one({"mobile": f"+{wa_id}", **NOT_ERASED}, {"outbox": 0})
        return _from_document(doc) if doc else None

    async def open_whatsapp_window(
        self, customer_id: str, until: datetime, link_id: str, events: list[OutboxRecord]
    ) -> bool:
        """Moves the window end forward only (late or repeated inbound messages change nothing);
        links the WhatsApp id with its event when it was not linked yet. True when the window moved."""
        later: Document = {"$or": [{"whatsapp_window_until": None}, {"whatsapp_window_until": {"$lt": until}}]}
        moved = await self.collection.update_one(
            {"_id": customer_id, **LIVE, **later}, {"$set": {"whatsapp_window_until": until}}
        )
        if events:
            update = events_update(events)
            update["$set"]["whatsapp_id"] = link_id
            linked = await self.collection.update_one(
                {"_id": customer_id, **LIVE, "whatsapp_id": {"$in": ["", None]}}, update
            )
            if linked.modified_count and self._relay is not None:
                self._relay.nudge(customer_id)
        return moved.modified_count > 0


def _from_document(doc: Document) -> Recipient:
    return Recipient(
        customer_id=doc["_id"],
        first_name=doc.get("first_name") or "",
        mobile=doc.get("mobile") or "",
        email=doc.get("email") or "",
        push_token=doc.get("push_token") or "",
        whatsapp_id=doc.get("whatsapp_id") or "",
        opt_ins=dict(doc.get("opt_ins") or {}),
        whatsapp_window_until=doc.get("whatsapp_window_until"),
        erased=bool(doc.get("erased")),
    )


def _new_recipient(customer_id: str, contact: Document) -> Document:
    return {"_id": customer_id, **contact, "opt_ins": {}, "whatsapp_window_until": None, "erased": False}
