"""The bulk registration writes (the consumers' preludes) on the real store: each leaves exactly the document
its one-by-one counterpart writes, and leaves alone what exists; then an import's customers reach every service.
And loyalty's accounts, written as text fields now, still read as they were written before."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from customer360.profile.v1 import profile_pb2
from pymongo import AsyncMongoClient

from deploy.local.stack import Stack
from services.coupons.adapters.mongo_customers import MongoCustomerStatuses
from services.coupons.domain.customer_status import CustomerStatus
from services.loyalty.adapters.account_documents import new_account
from services.loyalty.adapters.mongo_accounts import MongoAccountRepository
from services.loyalty.adapters.mongo_customers import MongoCustomerProjection
from services.loyalty.domain.ledger import Change, EntryType, LedgerEntry
from services.loyalty.domain.tiers import TierPolicy
from services.messaging.adapters.mongo_recipients import MongoRecipientRepository
from tests.integration.conftest import GraphQLClient, eventually, random_mobile
from tests.integration.test_profile_import_export import HEADER, finished_job, upload

Mongo = AsyncMongoClient[dict[str, Any]]


@pytest.fixture(scope="module")
def stack(import_stack: Stack) -> Stack:
    return import_stack


def _database(mongo: Mongo, stack: Stack) -> Any:
    return mongo[f"{stack.config.database_prefix}bulk_{uuid.uuid4().hex[:8]}"]


def _without(doc: dict[str, Any] | None, *fields: str) -> dict[str, Any]:
    return {k: v for k, v in (doc or {}).items() if k not in ("_id", *fields)}


async def test_loyalty_saves_new_customers_and_opens_their_accounts_as_one_by_one_would(
    mongo: Mongo, stack: Stack
) -> None:
    database = _database(mongo, stack)
    customers, accounts = MongoCustomerProjection(database), MongoAccountRepository(database, TierPolicy(), "t")
    await customers.ensure_indexes()
    ana, ben = (profile_pb2.Customer(id=i, mobile=random_mobile(), referral_code=f"R{i}") for i in ("ana", "ben"))
    referred = profile_pb2.Customer(id="cid", mobile=random_mobile(), referred_by_code="Rana")
    taken = profile_pb2.Customer(id="dan", mobile=random_mobile())
    await customers.keys.put("mobile", taken.mobile, "someone-before")  # a number keyed already

    saved = await customers.save_new_many([ana, referred, taken])
    await customers.save(ben)
    await accounts.open_many(sorted(saved))
    await accounts.open("ben")

    assert saved == {"ana"}  # a referral to count and a key held already are left to `save`
    assert _without(await customers.collection.find_one({"_id": "ana"}), "mobile", "referral_code") == _without(
        await customers.collection.find_one({"_id": "ben"}), "mobile", "referral_code"
    )
    assert await customers.ids_by("mobile", [ana.mobile]) == {ana.mobile: "ana"}
    assert (await customers.by_referral_code("Rana") or object()).id == "ana"  # type: ignore[attr-defined]
    assert await customers.collection.find_one({"_id": "cid"}) is None
    opened = [_without(await accounts.collection.find_one({"_id": i}), "opened_at") for i in ("ana", "ben")]
    assert opened[0]
    assert opened[0] == opened[1]
    await accounts.collection.update_one({"_id": "ana"}, {"$set": {"points_balance": 40}})
    assert await customers.save_new_many([ana]) == set()  # a redelivery: known, left as it is
    await accounts.open_many(["ana"])
    assert (await accounts.collection.find_one({"_id": "ana"}) or {})["points_balance"] == 40


async def test_messaging_and_coupons_create_only_the_customers_they_do_not_know(mongo: Mongo, stack: Stack) -> None:
    database = _database(mongo, stack)
    recipients, statuses = MongoRecipientRepository(database), MongoCustomerStatuses(database)
    await recipients.save_contact("ben", "Ben", "+6281", "ben@example.com")
    await recipients.erase("cid")

    created = await recipients.create_many([("ana", "Ana", "+6282", "ana@example.com"), ("cid", "Cid", "+6283", "")])
    assert created == {"ana"}
    assert _without(await recipients.collection.find_one({"_id": "ana"}), "first_name", "mobile", "email") == _without(
        await recipients.collection.find_one({"_id": "ben"}), "first_name", "mobile", "email"
    )
    assert (await recipients.get("ana")) is not None
    assert (await recipients.collection.find_one({"_id": "cid"}) or {}).get("erased") is True  # erased stays so

    await statuses.erase("cid")
    await statuses.remember_many(["ana", "cid", "ana"], CustomerStatus.ACTIVE)
    await statuses.remember("ben", CustomerStatus.ACTIVE)
    assert [await statuses.status_of(i) for i in ("ana", "ben", "cid")] == [
        CustomerStatus.ACTIVE,
        CustomerStatus.ACTIVE,
        CustomerStatus.ERASED,
    ]


async def test_an_imported_customer_has_an_account_a_recipient_and_a_coupon_status(
    gateway: GraphQLClient, stack: Stack, mongo: Mongo
) -> None:
    mobiles = [random_mobile() for _ in range(700)]
    lines = [HEADER, *(f"{m},Flood{i},Test,flood{i}@example.com" for i, m in enumerate(mobiles))]
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60) as http:
        payload = (await upload(http, ("\n".join(lines) + "\n").encode(), dry_run=False))["data"]["importCustomers"]
    assert (await finished_job(gateway, payload["job"]["id"]))["invalid"] == 0
    profile = mongo[f"{stack.config.database_prefix}profile"]["customers"]
    ids = {m: (await profile.find_one({"mobile": m}, {"_id": 1}) or {}).get("_id") for m in mobiles[::100]}
    prefix = stack.config.database_prefix

    async def everywhere() -> bool:
        for mobile, customer_id in ids.items():
            account = await mongo[f"{prefix}loyalty"]["accounts"].find_one({"_id": customer_id})
            facts = await mongo[f"{prefix}loyalty"]["customers"].find_one({"_id": customer_id})
            recipient = await mongo[f"{prefix}messaging"]["recipients"].find_one({"_id": customer_id})
            status = await mongo[f"{prefix}coupons"]["customers"].find_one({"_id": customer_id})
            if not (account and facts and recipient and status):
                return False
            assert (facts["mobile"], recipient["mobile"], recipient["erased"]) == (mobile, mobile, False)
            assert (account["points_balance"], status["status"]) == (0, "ACTIVE")
        return True

    await eventually(everywhere, within_seconds=120)


async def test_an_account_written_with_nested_documents_is_read_and_rewritten_as_text_keeping_its_memory(
    mongo: Mongo, stack: Stack
) -> None:
    database = _database(mongo, stack)
    accounts = MongoAccountRepository(database, TierPolicy(), "t")
    created = datetime(2026, 11, 1, tzinfo=UTC)
    legacy = {
        **new_account(created),
        "_id": "old",
        "points_balance": 30,
        "lifetime_points": 30,
        "lots": [{"id": "EARN:never", "type": "EARN", "points": 30, "left": 30, "created_at": created}],
        "earned_by_day": {"2026-11-01": 30},
        "ops": [{"id": "earn:p1", "balance_after": 30, "points": 30}],
    }
    for field in ("detail", "ops_log"):
        legacy.pop(field)
    await database["accounts"].insert_one(legacy)

    def earn(change_id: str, points: int) -> Change:
        return Change.of(LedgerEntry(change_id, "old", EntryType.EARN, points, created))

    again = await accounts.apply(earn("earn:p1", 30))  # remembered from the nested list: not applied twice
    after = await accounts.apply(earn("earn:p2", 5))

    assert (again.balance_after, after.balance_after) == (30, 35)
    stored = await database["accounts"].find_one({"_id": "old"})
    assert stored is not None
    assert not {"lots", "earned_by_day", "ops"} & set(stored)
    state = await accounts.get("old")
    assert state is not None
    assert (state.points_balance, [lot.left for lot in state.lots]) == (35, [35])
    assert (await accounts.apply(earn("earn:p2", 5))).balance_after == 35  # the text memory dedupes too
