"""The coupons stores' concurrency guarantees, on the real database (FerretDB locally, where a filter-guarded
update is not atomic): limits by unique slot inserts, one winner per coupon change, issuance events held
until the coupon exists."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from services.coupons.adapters.mongo_coupon_changes import MongoCouponChanges
from services.coupons.adapters.mongo_coupons import MongoCouponRepository
from services.coupons.adapters.mongo_limits import MongoLimitSlots
from services.coupons.domain.coupon import Coupon, CouponStatus

Database = AsyncDatabase[dict[str, Any]]


@pytest.fixture
async def database(mongo: AsyncMongoClient[dict[str, Any]]) -> AsyncIterator[Database]:
    name = f"coupons_stores_{uuid.uuid4().hex[:8]}"
    yield mongo[name]
    await mongo.drop_database(name)


async def test_two_instances_taking_slots_concurrently_get_exactly_the_limit(database: Database) -> None:
    first, second = MongoLimitSlots(database), MongoLimitSlots(database)  # as two service processes
    taken = await asyncio.gather(*((first if n % 2 else second).take("campaign:c", 10) for n in range(50)))
    slots = [slot for slot in taken if slot]
    assert len(slots) == len(set(slots)) == 10
    assert await first.take("campaign:c", 10) is None


async def test_a_slot_given_back_is_taken_again(database: Database) -> None:
    slots = MongoLimitSlots(database)
    taken = [await slots.take("campaign:c:customer:ana", 2, "ana") for _ in range(2)]
    assert await slots.take("campaign:c:customer:ana", 2, "ana") is None
    assert taken[0] is not None
    await slots.give_back(taken[0])
    assert await MongoLimitSlots(database).take("campaign:c:customer:ana", 2, "ana") == taken[0]


async def test_of_concurrent_changes_of_one_coupon_version_exactly_one_applies(database: Database) -> None:
    coupons, changes = MongoCouponRepository(database), MongoCouponChanges(database)
    coupon = Coupon("T-1", "ana", "c", CouponStatus.ACTIVE, datetime.now(UTC), datetime.now(UTC) + timedelta(days=1))
    await coupons.add(coupon, "key-1")
    wins = await asyncio.gather(*(changes.claim(coupon.code, "ana", 0, {"status": f"S{n}"}, []) for n in range(8)))
    winners = [w for w in wins if w]
    assert winners == ["T-1@0"]
    stored = await database["coupons"].find_one({"_id": "T-1"})
    assert stored is not None
    assert stored["version"] == 1
    assert stored["status"] == f"S{wins.index('T-1@0')}"


async def test_a_held_issuance_is_dropped_when_its_coupon_never_came(database: Database) -> None:
    changes = MongoCouponChanges(database)
    assert await changes.hold_issued("T-2", "ana", [])
    assert not await changes.hold_issued("T-2", "bob", [])  # the code is taken
    await database["coupon_changes"].update_one(
        {"_id": "T-2@issued"}, {"$set": {"at": datetime.now(UTC) - timedelta(minutes=1)}}
    )
    assert await changes.recover() == 1
    assert await database["coupon_changes"].find_one({"_id": "T-2@issued"}) is None
