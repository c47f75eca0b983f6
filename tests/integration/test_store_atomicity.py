"""The store keeps MongoDB's single-document atomicity, which every service's compare-and-set relies on.

FerretDB 1.24 alone applies an update as read, change in Go, write back, so
concurrent guarded updates of one document all "win" and increments are lost;
the local launcher's front (deploy/local/ferretdb/front.go) serializes those
commands per database. On a real MongoDB these hold by design.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo import AsyncMongoClient, ReturnDocument

from deploy.local.stack import Stack

Mongo = AsyncMongoClient[dict[str, Any]]


async def test_concurrent_guarded_updates_of_one_document_respect_the_guard(mongo: Mongo, stack: Stack) -> None:
    counters = mongo[f"{stack.config.database_prefix}store_probe"]["counters"]
    await counters.insert_one({"_id": "limit", "n": 0})

    async def take_one() -> int:
        result = await counters.update_one({"_id": "limit", "n": {"$lt": 10}}, {"$inc": {"n": 1}})
        return result.modified_count

    taken = await asyncio.gather(*(take_one() for _ in range(50)))
    assert sum(taken) == 10
    assert (await counters.find_one({"_id": "limit"}) or {})["n"] == 10


async def test_concurrent_find_and_modify_increments_are_never_lost(mongo: Mongo, stack: Stack) -> None:
    counters = mongo[f"{stack.config.database_prefix}store_probe"]["counters"]
    await counters.insert_one({"_id": "hits", "n": 0})

    async def hit() -> int:
        doc = await counters.find_one_and_update(
            {"_id": "hits"}, {"$inc": {"n": 1}}, return_document=ReturnDocument.AFTER
        )
        return int(doc["n"])

    seen = await asyncio.gather(*(hit() for _ in range(50)))
    assert sorted(seen) == list(range(1, 51))  # each caller saw its own increment applied
    assert (await counters.find_one({"_id": "hits"}) or {})["n"] == 50


async def test_concurrent_updates_by_id_of_one_document_all_apply_while_other_documents_proceed(
    mongo: Mongo, stack: Stack
) -> None:
    counters = mongo[f"{stack.config.database_prefix}store_probe"]["spread_counters"]
    await counters.insert_many([{"_id": f"doc-{n}", "n": 0} for n in range(5)])

    async def bump(doc_id: str) -> None:
        await counters.update_one({"_id": doc_id}, {"$inc": {"n": 1}})

    await asyncio.gather(*(bump(f"doc-{i % 5}") for i in range(100)))
    assert [d["n"] async for d in counters.find({}).sort("_id")] == [20] * 5


async def test_compare_and_set_by_version_lets_exactly_one_writer_win_each_version(mongo: Mongo, stack: Stack) -> None:
    accounts = mongo[f"{stack.config.database_prefix}store_probe"]["versioned"]
    await accounts.insert_one({"_id": "acct", "version": 0, "balance": 0})
    wins: list[int] = []

    async def add_one() -> None:
        while True:  # read, change, write back if nobody wrote meanwhile: the services' read-modify-write
            doc = await accounts.find_one({"_id": "acct"}) or {}
            result = await accounts.update_one(
                {"_id": "acct", "version": doc["version"]},
                {"$set": {"version": doc["version"] + 1, "balance": doc["balance"] + 1}},
            )
            if result.matched_count:
                wins.append(doc["version"])
                return

    await asyncio.gather(*(add_one() for _ in range(30)))
    assert sorted(wins) == list(range(30))  # every version won by exactly one writer
    assert await accounts.find_one({"_id": "acct"}) == {"_id": "acct", "version": 30, "balance": 30}
    missing = await accounts.update_one({"_id": "acct", "version": 7}, {"$set": {"balance": -1}})
    assert (missing.matched_count, missing.modified_count) == (0, 0)
    absent = await accounts.update_one({"_id": "nobody", "version": 0}, {"$set": {"balance": -1}})
    assert absent.matched_count == 0
