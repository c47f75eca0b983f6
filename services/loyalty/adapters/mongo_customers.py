"""The local projection of customers (status, identifiers, referral codes) fed by `profile.events`.

Keeping it here means a purchase batch resolves its customers with a few indexed
reads instead of one profile RPC per purchase, and redemption checks the status
without a synchronous call. Identifiers are found through a key index (reads by
`_id`; c360/key_index.py) and confirmed against the customer's document.
"""

from __future__ import annotations

from typing import Any

from customer360.profile.v1 import profile_pb2
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from c360.by_id import find_by_ids
from c360.key_index import KeyIndex
from c360.mongo import insert_new
from services.loyalty.domain.customer import ACTIVE, ERASED, CustomerFacts

Document = dict[str, Any]
OWNER_KEYS = {"mobile": "mobile", "ext_ref": "ext_ref", "referral_code": "referral_code"}
MEMBER_KEYS = {"referred_by": "referred_by_code"}
STATUS_BY_PROTO = {
    profile_pb2.CUSTOMER_STATUS_SUSPENDED: "SUSPENDED",
    profile_pb2.CUSTOMER_STATUS_DELETED: ERASED,
}


class MongoCustomerProjection:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["customers"]
        self.keys = KeyIndex(database["customer_keys"])

    async def ensure_indexes(self) -> None:
        for name in ("mobile", "ext_ref", "referral_code", "referred_by_code"):
            await self.collection.create_index([(name, ASCENDING)], name=f"by_{name}")
        await self.keys.backfill(self.collection, OWNER_KEYS, MEMBER_KEYS)

    async def save(self, customer: profile_pb2.Customer) -> None:
        """Registration or update: identifiers and status as the profile service last stated them."""
        fields = _fields(customer)
        await self.keys.key(  # first: a crash in between leaves a key its document does not confirm yet
            customer.id,
            {kind: fields.get(field) or "" for kind, field in OWNER_KEYS.items()},
            {kind: fields.get(field) or "" for kind, field in MEMBER_KEYS.items()},
        )
        await self.collection.update_one(
            {"_id": customer.id}, {"$set": fields, "$setOnInsert": {"referral_rewarded": False}}, upsert=True
        )

    async def save_new_many(self, customers: list[profile_pb2.Customer]) -> set[str]:
        """Registrations in bulk: their keys claimed, then their documents inserted, a write each. Returns the
        ids saved so; the others (a key or document that exists, a referral to count) are `save`'s."""
        fresh = {c.id: c for c in customers if c.id and not c.referred_by_code}
        fields = {i: _fields(c) for i, c in fresh.items()}
        for kind, field in OWNER_KEYS.items():
            holders: dict[str, list[str]] = {}
            for customer_id, values in fields.items():
                if values.get(field):
                    holders.setdefault(values[field], []).append(customer_id)
            shared = {i for ids in holders.values() if len(ids) > 1 for i in ids}
            owners = {value: ids[0] for value, ids in holders.items() if len(ids) == 1}
            refused = await self.keys.claim_many(kind, owners)
            for customer_id in shared | {owners[value] for value in refused}:
                fields.pop(customer_id, None)
        ids = list(fields)
        docs = [{"_id": i, **fields[i], "referral_rewarded": False} for i in ids]
        refused_docs = await insert_new(self.collection, docs)
        return set(ids) - {ids[position] for position in refused_docs}

    async def set_status(self, customer_id: str, status: str) -> None:
        await self.collection.update_one({"_id": customer_id}, {"$set": {"status": status}}, upsert=True)

    async def erase(self, customer_id: str) -> None:
        """Personal identifiers go; the id, status and referral bookkeeping stay with the kept ledger."""
        await self.collection.update_one(
            {"_id": customer_id}, {"$set": {"status": ERASED, "mobile": None, "ext_ref": None}}, upsert=True
        )

    async def get_many(self, customer_ids: list[str]) -> dict[str, CustomerFacts]:
        return {doc["_id"]: _facts(doc) for doc in await find_by_ids(self.collection, customer_ids)}

    async def ids_by(self, field: str, values: list[str]) -> dict[str, str]:
        """`mobile` or `ext_ref` values to customer ids (erased customers are not found)."""
        if not values:
            return {}
        owners = await self.keys.owners(field, values)
        if owners is None:
            cursor = self.collection.find({field: {"$in": values}}, {field: 1})
            return {doc[field]: doc["_id"] async for doc in cursor}
        docs = {d["_id"]: d for d in await find_by_ids(self.collection, list(set(owners.values())), {field: 1})}
        return {value: owner for value, owner in owners.items() if docs.get(owner, {}).get(field) == value}

    async def by_referral_code(self, code: str) -> CustomerFacts | None:
        owners = await self.keys.owners("referral_code", [code])
        if owners is None:
            doc = await self.collection.find_one({"referral_code": code})
            return _facts(doc) if doc else None
        doc = await self.collection.find_one({"_id": owners[code]}) if code in owners else None
        return _facts(doc) if doc and doc.get("referral_code") == code else None

    async def referred_count(self, code: str) -> int:
        if not code:
            return 0
        members = await self.keys.members("referred_by", code)
        if members is None:
            return await self.collection.count_documents({"referred_by_code": code})
        docs = await find_by_ids(self.collection, members, {"referred_by_code": 1})
        return sum(1 for doc in docs if doc.get("referred_by_code") == code)

    async def mark_referral_rewarded(self, customer_id: str) -> None:
        await self.collection.update_one({"_id": customer_id}, {"$set": {"referral_rewarded": True}})


def _facts(doc: Document) -> CustomerFacts:
    return CustomerFacts(
        id=doc["_id"],
        status=doc.get("status") or ACTIVE,
        referral_code=doc.get("referral_code") or "",
        referred_by_code=doc.get("referred_by_code") or "",
        referral_rewarded=bool(doc.get("referral_rewarded")),
    )


def _fields(customer: profile_pb2.Customer) -> Document:
    fields: Document = {
        "mobile": customer.mobile or None,
        "ext_ref": customer.ext_ref or None,
        "status": STATUS_BY_PROTO.get(customer.status, ACTIVE),
    }
    if customer.referral_code:
        fields["referral_code"] = customer.referral_code
    if customer.referred_by_code:
        fields["referred_by_code"] = customer.referred_by_code
    return fields
