"""Writers that start a compare-and-set from the document as they last wrote it (c360/known_documents.py),
on the real store, with two instances writing the same documents: no write is lost, and no decision is
taken on a copy another instance has made stale."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from c360.newest_index import NewestLists
from deploy.local.stack import Stack
from services.loyalty.adapters.mongo_accounts import MongoAccountRepository
from services.loyalty.domain.ledger import Change, EntryType, InsufficientPoints, LedgerEntry
from services.loyalty.domain.tiers import TierPolicy

Document = dict[str, Any]


@pytest.fixture
async def database(mongo: AsyncMongoClient[Document], stack: Stack) -> AsyncIterator[AsyncDatabase[Document]]:
    db = mongo[f"{stack.config.database_prefix}known_{uuid.uuid4().hex[:6]}"]
    yield db
    await mongo.drop_database(db.name)


def points(customer_id: str, amount: int, kind: EntryType = EntryType.ADJUST) -> Change:
    entry = LedgerEntry(uuid.uuid4().hex, customer_id, kind, amount, datetime.now(UTC))
    return Change.of(entry)


async def test_an_instance_writing_from_its_stale_copy_of_an_account_loses_no_other_write(
    database: AsyncDatabase[Document],
) -> None:
    one, two = (MongoAccountRepository(database, TierPolicy(), "t") for _ in range(2))
    await one.open("c1")
    await one.apply(points("c1", 100))  # one now knows the account at this version
    await two.apply(points("c1", 500))  # which two makes stale

    await one.apply(points("c1", 50))  # its guard fails on the stale copy; it reads the account again

    account = await two.get("c1")
    assert account is not None
    assert account.points_balance == 650


async def test_a_refusal_is_never_decided_on_a_stale_copy(database: AsyncDatabase[Document]) -> None:
    one, two = (MongoAccountRepository(database, TierPolicy(), "t") for _ in range(2))
    await one.open("c1")
    await one.apply(points("c1", 100))
    await two.apply(points("c1", 500))

    # On its own copy (100 points) `one` would refuse a redemption of 300; the account holds 600.
    [result] = await one.apply_each("c1", [points("c1", -300, EntryType.REDEEM)])

    assert not isinstance(result, InsufficientPoints)
    assert result.balance_after == 300
    with pytest.raises(InsufficientPoints):  # and a refusal on the stored account still stands
        await one.apply_many("c1", [points("c1", -1000, EntryType.REDEEM)])


async def test_an_append_from_a_stale_copy_of_a_newest_list_keeps_every_entry(
    database: AsyncDatabase[Document],
) -> None:
    one, two = NewestLists(database["newest"]), NewestLists(database["newest"])
    await one.add("c1", {"purchases": [(1, "p1")]})
    await two.add("c1", {"purchases": [(2, "p2")]})

    await one.add("c1", {"purchases": [(3, "p3")]})

    await database["newest"].insert_one({"_id": "~backfilled:purchases"})  # as if the backfill had run
    listed = await two.get("c1", "purchases")
    assert listed is not None
    assert listed.entries == [(3, "p3"), (2, "p2"), (1, "p1")]
