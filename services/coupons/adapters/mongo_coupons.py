"""Coupons in MongoDB: one document per coupon, `_id` is the code (so codes are unique by construction).

The document carries a `version`; every change after issuance goes through
`MongoCouponChanges.claim`, which lets exactly one writer move a version on, so
concurrent lapse runs, purchases and removals each change a coupon at most once.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from c360.by_id import find_by_ids
from c360.newest_index import NewestIndex
from services.coupons.domain.coupon import Coupon, CouponStatus

Document = dict[str, Any]
ERASED_CUSTOMER = "~erased"
HIDDEN = {"idem_key": 0, "sort_key": 0}


class DuplicateCoupon(Exception):
    """The insert clashed on the code or on the idempotency key."""


def sort_key(coupon: Coupon) -> str:
    """Newest first, ties broken by code: also the list cursor."""
    return f"{coupon.issued_at:%Y%m%d%H%M%S%f}|{coupon.code}"


class MongoCouponRepository:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = database["coupons"]
        self.newest = NewestIndex(database["coupons_newest"])

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("idem_key", ASCENDING)], unique=True, name="idem_key_unique")
        await self.collection.create_index([("customer_id", ASCENDING), ("sort_key", DESCENDING)], name="by_customer")
        await self.collection.create_index([("transaction_id", ASCENDING)], name="by_transaction")
        await self.collection.create_index([("status", ASCENDING), ("expires_at", ASCENDING)], name="by_expiry")
        await self.newest.backfill(self.collection, "customer_id", "sort_key")

    async def add(self, coupon: Coupon, idempotency_key: str) -> None:
        await self.newest.add(coupon.customer_id, [(sort_key(coupon), coupon.code)])  # first: see newest_index
        try:
            await self.collection.insert_one(_to_document(coupon, idempotency_key))
        except DuplicateKeyError as error:
            raise DuplicateCoupon(str(error)) from error

    async def get(self, code: str) -> Coupon | None:
        doc = await self.collection.find_one({"_id": code}, HIDDEN)
        return _from_document(doc) if doc else None

    async def by_idempotency_key(self, key: str) -> Coupon | None:
        doc = await self.collection.find_one({"idem_key": key}, HIDDEN)
        return _from_document(doc) if doc else None

    async def listed(self, customer_ids: list[str]) -> list[tuple[str, Coupon]]:
        """Every coupon of these customers with its list key: by their newest indexes (reads by `_id`), and
        one query for the customers whose index cannot tell (FerretDB scans per query)."""
        indexed = zip(customer_ids, await asyncio.gather(*map(self.newest.get, customer_ids)), strict=True)
        complete = {c: newest.entries for c, newest in indexed if newest is not None and newest.complete}
        codes = [code for entries in complete.values() for _, code in entries]
        docs = [d for d in await find_by_ids(self.collection, codes, {"idem_key": 0}) if d["customer_id"] in complete]
        if rest := [c for c in customer_ids if c not in complete]:
            docs += [d async for d in self.collection.find({"customer_id": {"$in": rest}}, {"idem_key": 0})]
        return [(doc["sort_key"], _from_document(doc)) for doc in docs]

    async def applied_in(self, transaction_id: str) -> list[Coupon]:
        cursor = self.collection.find({"transaction_id": transaction_id, "status": CouponStatus.APPLIED.value}, HIDDEN)
        return [_from_document(doc) async for doc in cursor]

    async def expired_active(self, now: datetime, limit: int) -> list[Coupon]:
        query = {"status": CouponStatus.ACTIVE.value, "expires_at": {"$lte": now}}
        return [_from_document(doc) async for doc in self.collection.find(query, HIDDEN).limit(limit)]

    async def anonymise_customer(self, customer_id: str, now: datetime) -> list[str]:
        """Erasure: coupons stay for campaign counts but no longer point at the person; active ones end.

        Returns the idempotency keys the coupons carried, for the caller to forget too.
        """
        await self.collection.update_many(
            {"customer_id": customer_id, "status": CouponStatus.ACTIVE.value},
            {
                "$set": {"status": CouponStatus.REMOVED.value, "remark": "customer erased", "removed_at": now},
                "$inc": {"version": 1},  # a change claimed on the old version no longer applies
            },
        )
        cursor = self.collection.find({"customer_id": customer_id}, {"idem_key": 1})
        found = [(doc["_id"], doc.get("idem_key", "")) async for doc in cursor]
        for code, _ in found:
            anonymous = {"customer_id": ERASED_CUSTOMER, "idem_key": f"~{code}", "issued_by": None, "anonymised": True}
            await self.collection.update_one({"_id": code}, {"$set": anonymous})
        return [key for _, key in found if key and not key.startswith("~")]


def _to_document(coupon: Coupon, idempotency_key: str) -> Document:
    return {
        "_id": coupon.code,
        "customer_id": coupon.customer_id,
        "campaign_id": coupon.campaign_id,
        "status": coupon.status.value,
        "issued_at": coupon.issued_at,
        "expires_at": coupon.expires_at,
        "issued_by": coupon.issued_by,
        "idem_key": idempotency_key,
        "sort_key": sort_key(coupon),
        "version": 0,
    }


def _from_document(doc: Document) -> Coupon:
    return Coupon(
        code=doc["_id"],
        customer_id=doc["customer_id"],
        campaign_id=doc["campaign_id"],
        status=CouponStatus(doc["status"]),
        issued_at=doc["issued_at"],
        expires_at=doc.get("expires_at"),
        issued_by=doc.get("issued_by"),
        applied_at=doc.get("applied_at"),
        transaction_id=doc.get("transaction_id"),
        remark=doc.get("remark"),
        removed_by=doc.get("removed_by"),
        version=doc.get("version", 0),
    )
