"""The key index (c360/key_index.py) on the real store, and loyalty's customer lookups that rest on it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from customer360.profile.v1 import profile_pb2
from pymongo import AsyncMongoClient

from c360.key_index import KeyIndex
from deploy.local.stack import Stack
from services.loyalty.adapters.mongo_customers import MongoCustomerProjection

Mongo = AsyncMongoClient[dict[str, Any]]


def _database(mongo: Mongo, stack: Stack) -> Any:
    return mongo[f"{stack.config.database_prefix}keys_{uuid.uuid4().hex[:8]}"]


async def test_backfill_keys_what_was_stored_before_and_lookups_wait_for_it(mongo: Mongo, stack: Stack) -> None:
    database = _database(mongo, stack)
    await database["people"].insert_many(
        [
            {"_id": "ana", "mobile": "+6281", "referred_by": "BEN1"},
            {"_id": "cid", "mobile": "+6283", "referred_by": "BEN1"},
            {"_id": "ben", "mobile": "+6282"},
        ]
    )
    index = KeyIndex(database["keys"])
    assert await index.owners("mobile", ["+6281"]) is None  # not backfilled: the caller must scan

    both = (KeyIndex(database["keys"]), index)
    await asyncio.gather(*(i.backfill(database["people"], {"mobile": "mobile"}, {"code": "referred_by"}) for i in both))

    assert await index.owners("mobile", ["+6281", "+6282", "+6289"]) == {"+6281": "ana", "+6282": "ben"}
    assert sorted(await index.members("code", "BEN1") or []) == ["ana", "cid"]
    assert await index.members("code", "NONE") == []


async def test_a_key_follows_its_latest_owner_and_members_are_a_set(mongo: Mongo, stack: Stack) -> None:
    index = KeyIndex(_database(mongo, stack)["keys"])
    await index.backfill(_database(mongo, stack)["empty"], {}, {})
    await index.put("mobile", "+6281", "ana")
    await index.put("mobile", "+6281", "ben")
    await asyncio.gather(*(index.add_member("code", "X", "ana") for _ in range(5)), index.add_member("code", "X", "b"))

    assert await index.owners("mobile", ["+6281"]) == {"+6281": "ben"}
    assert sorted(await index.members("code", "X") or []) == ["ana", "b"]


async def test_loyalty_finds_customers_by_identifier_only_while_their_document_confirms_it(
    mongo: Mongo, stack: Stack
) -> None:
    projection = MongoCustomerProjection(_database(mongo, stack))
    await projection.ensure_indexes()
    await projection.save(profile_pb2.Customer(id="ana", mobile="+6281", referral_code="ANA1"))
    await projection.save(profile_pb2.Customer(id="ben", mobile="+6282", referred_by_code="ANA1"))
    await projection.save(profile_pb2.Customer(id="cid", mobile="+6283", referred_by_code="ANA1"))
    assert await projection.ids_by("mobile", ["+6281", "+6282"]) == {"+6281": "ana", "+6282": "ben"}
    assert (await projection.by_referral_code("ANA1") or object()).id == "ana"  # type: ignore[attr-defined]
    assert await projection.referred_count("ANA1") == 2

    await projection.save(profile_pb2.Customer(id="ben", mobile="+6289", referred_by_code="OTHER"))
    await projection.erase("cid")

    assert await projection.ids_by("mobile", ["+6282", "+6283", "+6289"]) == {"+6289": "ben"}
    assert await projection.referred_count("ANA1") == 1  # cid stays referred (erasure keeps it), ben moved
    assert await projection.by_referral_code("NONE") is None


async def test_a_claim_keys_only_values_nobody_keyed_and_names_the_others(mongo: Mongo, stack: Stack) -> None:
    index = KeyIndex(_database(mongo, stack)["keys"])
    await index.put("mobile", "+6281", "ana")

    assert await index.claim("mobile", "+6282", "ben")
    assert not await index.claim("mobile", "+6281", "ben")
    assert await index.claim_many("mobile", {"+6281": "cid", "+6282": "cid", "+6283": "cid"}) == {"+6281", "+6282"}
    assert await index.claim_many("mobile", {}) == set()

    assert not await index.ready()  # claims are written before the backfill; lookups still wait for it
    await index.backfill(_database(mongo, stack)["empty"], {}, {})
    assert await index.owners("mobile", ["+6281", "+6282", "+6283"]) == {"+6281": "ana", "+6282": "ben", "+6283": "cid"}
