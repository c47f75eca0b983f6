"""Customers in MongoDB. Uniqueness lives in unique indexes, so concurrent writers cannot both win.

Unique indexes count a missing value as a value, and FerretDB has no partial
indexes, so optional unique fields are stored through a key that is never
empty: `ext_ref_key` is the ext ref, or `~<id>` when there is none.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.mongo import duplicate_key_fields
from c360.outbox import OutboxRecord, OutboxRelay, outbox_fields
from services.profile.app.ports import DuplicateCustomer
from services.profile.domain.customer import Address, Customer, CustomerStatus

Document = dict[str, Any]
UNIQUE_FIELDS = ("mobile", "ext_ref_key", "referral_code")


class MongoCustomerRepository:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["customers"]

    async def ensure_indexes(self) -> None:
        for name in UNIQUE_FIELDS:
            await self.collection.create_index([(name, ASCENDING)], unique=True, name=f"{name}_unique")
        await OutboxRelay.ensure_indexes(self.collection)

    async def add(self, customer: Customer, events: list[OutboxRecord]) -> None:
        try:
            await self.collection.insert_one({**to_document(customer), **outbox_fields(events)})
        except DuplicateKeyError as error:
            raise DuplicateCustomer(await self._clashing_fields(customer, error)) from error

    async def get(self, customer_id: str) -> Customer | None:
        doc = await self.collection.find_one({"_id": customer_id}, {"outbox": 0})
        return from_document(doc) if doc else None

    async def get_many(self, customer_ids: list[str]) -> list[Customer]:
        cursor = self.collection.find({"_id": {"$in": customer_ids}}, {"outbox": 0})
        return [from_document(doc) async for doc in cursor]

    async def find_by_mobile(self, mobile: str) -> Customer | None:
        doc = await self.collection.find_one({"mobile": mobile}, {"outbox": 0})
        return from_document(doc) if doc else None

    async def _clashing_fields(self, customer: Customer, error: DuplicateKeyError) -> set[str]:
        """Which unique rule refused the insert; asks the store when the error does not say."""
        named = {"ext_ref" if f == "ext_ref_key" else f for f in duplicate_key_fields(error)}
        if named & {"mobile", "ext_ref", "referral_code"}:
            return named
        if await self.collection.find_one({"mobile": customer.mobile}, {"_id": 1}):
            return {"mobile"}
        if customer.ext_ref and await self.collection.find_one({"ext_ref_key": customer.ext_ref}, {"_id": 1}):
            return {"ext_ref"}
        return {"referral_code"}


def to_document(customer: Customer) -> Document:
    return {
        "_id": customer.id,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "mobile": customer.mobile,
        "email": customer.email,
        "customer_type": customer.customer_type,
        "status": customer.status.value,
        "member_since": customer.member_since,
        "ext_ref": customer.ext_ref,
        "ext_ref_key": customer.ext_ref or f"~{customer.id}",
        "referral_code": customer.referral_code,
        "referred_by_code": customer.referred_by_code,
        "date_of_birth": customer.date_of_birth.isoformat() if customer.date_of_birth else None,
        "gender": customer.gender,
        "marital_status": customer.marital_status,
        "address": vars(customer.address) if customer.address else None,
        "source": customer.source,
    }


def from_document(doc: Document) -> Customer:
    return Customer(
        id=doc["_id"],
        first_name=doc["first_name"],
        last_name=doc.get("last_name"),
        mobile=doc["mobile"],
        email=doc.get("email"),
        customer_type=doc["customer_type"],
        status=CustomerStatus(doc["status"]),
        member_since=doc["member_since"],
        ext_ref=doc.get("ext_ref"),
        referral_code=doc["referral_code"],
        referred_by_code=doc.get("referred_by_code"),
        date_of_birth=date.fromisoformat(doc["date_of_birth"]) if doc.get("date_of_birth") else None,
        gender=doc.get("gender"),
        marital_status=doc.get("marital_status"),
        address=Address(**doc["address"]) if doc.get("address") else None,
        source=doc.get("source"),
    )
