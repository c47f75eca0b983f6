"""The per-owner newest index (c360/newest_index.py) on the real store: what lists read instead of scanning."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient

from c360.newest_index import NewestIndex, newest_items
from deploy.local.stack import Stack

Mongo = AsyncMongoClient[dict[str, Any]]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _collections(mongo: Mongo, stack: Stack) -> tuple[Any, Any]:
    database = mongo[f"{stack.config.database_prefix}newest_probe"]
    name = uuid.uuid4().hex[:8]
    return database[f"items_{name}"], database[f"items_{name}_newest"]


async def _backfilled(mongo: Mongo, stack: Stack, keep: int) -> tuple[Any, Any, NewestIndex]:
    """Fresh items and their index, backfilled (of nothing), so lookups answer from the index."""
    items, newest = _collections(mongo, stack)
    index = NewestIndex(newest, keep=keep)
    await index.backfill(items, "owner", "at")
    return items, newest, index


def _item(owner: str, minute: int, **fields: Any) -> dict[str, Any]:
    return {"_id": f"{owner}-{minute:03d}", "owner": owner, "at": T0 + timedelta(minutes=minute), **fields}


async def _newest(index: NewestIndex, items: Any, owner: str, count: int, **options: Any) -> list[str] | None:
    docs = await newest_items(
        index,
        items,
        owner,
        count,
        accept=options.pop("accept", lambda d: d["owner"] == owner),
        position_of=lambda d: d["at"],
        **options,
    )
    return None if docs is None else [d["_id"] for d in docs]


async def test_concurrent_writers_of_one_owner_lose_no_entry(mongo: Mongo, stack: Stack) -> None:
    items, newest = _collections(mongo, stack)
    index = NewestIndex(newest, keep=500)
    await index.backfill(items, "owner", "at")

    await asyncio.gather(*(index.add("ana", [(T0 + timedelta(minutes=m), f"ana-{m:03d}")]) for m in range(40)))

    listed = await index.get("ana")
    assert listed is not None
    assert listed.complete
    assert [item_id for _, item_id in listed.entries] == [f"ana-{m:03d}" for m in reversed(range(40))]


async def test_lists_newest_first_skipping_ghosts_and_items_that_changed_hands(mongo: Mongo, stack: Stack) -> None:
    items, newest = _collections(mongo, stack)
    index = NewestIndex(newest)
    await index.backfill(items, "owner", "at")
    stored = [_item("ana", m) for m in range(10)]
    await index.add_many(("ana", (d["at"], d["_id"])) for d in stored)
    await index.add("ana", [(T0 + timedelta(minutes=99), "ana-ghost")])  # indexed, then the write never happened
    await items.insert_many(stored)
    await items.update_one({"_id": "ana-008"}, {"$set": {"owner": "ben"}})  # transferred to another customer

    assert await _newest(index, items, "ana", 3) == ["ana-009", "ana-007", "ana-006"]
    before = (T0 + timedelta(minutes=6), "ana-006")
    assert await _newest(index, items, "ana", 3, before=before) == ["ana-005", "ana-004", "ana-003"]
    assert await _newest(index, items, "ana", 50) == [f"ana-{m:03d}" for m in (9, 7, 6, 5, 4, 3, 2, 1, 0)]
    assert await _newest(index, items, "nobody", 5) == []


async def test_past_the_kept_entries_the_index_says_it_cannot_tell(mongo: Mongo, stack: Stack) -> None:
    items, newest = _collections(mongo, stack)
    index = NewestIndex(newest, keep=3)
    await index.backfill(items, "owner", "at")
    stored = [_item("ana", m, kind="even" if m % 2 == 0 else "odd") for m in range(8)]
    await index.add_many(("ana", (d["at"], d["_id"])) for d in stored)  # past `keep`: trimmed to 3
    await items.insert_many(stored)

    listed = await index.get("ana")
    assert listed is not None
    assert not listed.complete
    assert [item_id for _, item_id in listed.entries] == ["ana-007", "ana-006", "ana-005"]
    assert await _newest(index, items, "ana", 2) == ["ana-007", "ana-006"]
    # One even item is among the 3 kept: whether older ones exist, only the collection knows.
    assert await _newest(index, items, "ana", 2, accept=lambda d: d["kind"] == "even") is None


async def test_backfill_indexes_what_was_stored_before_the_index(mongo: Mongo, stack: Stack) -> None:
    items, newest = _collections(mongo, stack)
    await items.insert_many([_item("ana", 1), _item("ana", 2), _item("ben", 3)])
    index = NewestIndex(newest)
    assert await _newest(index, items, "ana", 5) is None  # not backfilled yet: the caller scans

    await asyncio.gather(index.backfill(items, "owner", "at"), NewestIndex(newest).backfill(items, "owner", "at"))

    assert await _newest(index, items, "ana", 5) == ["ana-002", "ana-001"]
    assert await _newest(NewestIndex(newest), items, "ben", 5) == ["ben-003"]


async def test_lists_of_new_owners_are_created_in_one_insert_and_known_owners_still_appended(
    mongo: Mongo, stack: Stack
) -> None:
    items, _newest_docs, index = await _backfilled(mongo, stack, keep=3)
    await index.add("ben", [(T0, "ben-000")])  # ben is not new after all: his list must keep this entry
    stored = [_item("ana", 1), _item("ben", 2), *(_item("cid", m) for m in range(10, 17))]
    await index.add_many(((d["owner"], (d["at"], d["_id"])) for d in stored), new_owners={"ana", "ben", "cid"})
    await items.insert_many([_item("ben", 0), *stored])

    assert await _newest(index, items, "ana", 5) == ["ana-001"]
    assert await _newest(index, items, "ben", 5) == ["ben-002", "ben-000"]
    cid = await index.get("cid")
    assert cid is not None
    assert [i for _, i in cid.entries] == ["cid-016", "cid-015", "cid-014"]  # inserted past `keep`: trimmed to it
    assert not cid.complete
    await index.add("ana", [(T0 + timedelta(minutes=5), "ana-005")])  # an inserted list takes appends
    await items.insert_one(_item("ana", 5))
    assert await _newest(index, items, "ana", 5) == ["ana-005", "ana-001"]


async def test_a_list_written_as_an_array_of_documents_is_read_and_rewritten_as_text(
    mongo: Mongo, stack: Stack
) -> None:
    items, newest, index = await _backfilled(mongo, stack, keep=3)
    stored = [_item("ana", m) for m in range(3)]
    await items.insert_many(stored)
    await newest.insert_one(
        {"_id": "ana", "v": 2, "e": [{"p": d["at"], "i": d["_id"]} for d in stored[:2]], "e_n": 2}
    )  # the format before

    assert await _newest(index, items, "ana", 5) == ["ana-001", "ana-000"]
    await index.add("ana", [(stored[2]["at"], "ana-002")])
    assert await _newest(index, items, "ana", 5) == ["ana-002", "ana-001", "ana-000"]
    assert not {"e", "e_n"} & set(await newest.find_one({"_id": "ana"}) or {})
