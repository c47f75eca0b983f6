"""Per owner (a customer), the ids of its newest items, in one document read by `_id`.

FerretDB 1.24 (SQLite) answers any filter but an exact `{_id: value}` by reading the whole
collection, so "the newest 20 purchases of customer X" is a scan that grows with every
customer's purchases. With this index it is one read by `_id` plus point reads of the items.

Writers add an item's (position, id) here *before* writing the item, so no stored item is
ever missing from its owner's index; a crash in between leaves an id without an item, which
readers skip. The index keeps an owner's newest `keep` entries. Readers fall back to the
collection's own query when the index cannot tell: past those entries, and until `backfill`
has indexed the items stored before the index existed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from c360.by_id import bounded, find_by_ids

Document = dict[str, Any]
Entry = tuple[Any, str]  # (position: a time or a sortable string, item id); newest first = largest first
KEEP = 100
BACKFILLED = "~backfilled"  # the marker document; "~" never starts an owner id


@dataclass(frozen=True)
class Newest:
    entries: list[Entry]  # newest first
    complete: bool  # every item the owner has is listed (nothing trimmed)


class NewestIndex:
    def __init__(self, collection: AsyncCollection[Document], keep: int = KEEP) -> None:
        self._docs = collection
        self._keep = keep
        self._backfilled = False

    async def add(self, owner: str, entries: Iterable[Entry]) -> None:
        """Appends the entries in one atomic update by `_id` (FerretDB has no `$push` with `$sort`/`$slice`,
        so readers sort and drop repeats); past twice `keep` entries the document is compacted."""
        doc = await self._docs.find_one_and_update(
            {"_id": owner},
            {"$push": {"e": {"$each": _stored(list(entries))}}, "$inc": {"v": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        if doc is not None and len(doc.get("e", [])) > 2 * self._keep:
            await self._compact(doc)

    async def _compact(self, doc: Document) -> None:
        """Keeps the newest `keep`, unless another write came first (it compacts in turn)."""
        kept, trimmed = merge([], _entries(doc), self._keep)
        await self._docs.update_one(
            {"_id": doc["_id"], "v": doc["v"]},
            {"$set": {"e": _stored(kept), "trimmed": trimmed or bool(doc.get("trimmed")), "v": doc["v"] + 1}},
        )

    async def add_many(self, entries: Iterable[tuple[str, Entry]]) -> None:
        """(owner, entry) pairs: one update per owner, owners side by side."""
        by_owner: dict[str, list[Entry]] = {}
        for owner, entry in entries:
            by_owner.setdefault(owner, []).append(entry)
        await bounded([lambda o=o, e=e: self.add(o, e) for o, e in by_owner.items()])  # type: ignore[misc]

    async def get(self, owner: str) -> Newest | None:
        """None while the index may miss items stored before it existed (the caller scans)."""
        if not await self._is_backfilled():
            return None
        doc = await self._docs.find_one({"_id": owner})
        if doc is None:
            return Newest([], complete=True)
        entries, _ = merge([], _entries(doc), len(doc.get("e", [])))
        return Newest(entries, complete=not doc.get("trimmed"))

    async def backfill(self, items: AsyncCollection[Document], owner_field: str, position_field: str) -> None:
        """Indexes the items already stored (once per collection; every instance may run it at once:
        each add is a merge). Writers add their items all along, so none stored meanwhile is missed."""
        if await self._is_backfilled():
            return
        batch: list[tuple[str, Entry]] = []
        projection = {owner_field: 1, position_field: 1}
        async for doc in items.find({}, projection):
            if doc.get(owner_field) is not None and doc.get(position_field) is not None:
                batch.append((doc[owner_field], (doc[position_field], doc["_id"])))
            if len(batch) >= 500:
                await self.add_many(batch)
                batch = []
        await self.add_many(batch)
        with contextlib.suppress(DuplicateKeyError):  # another instance finished first
            await self._docs.insert_one({"_id": BACKFILLED})
        self._backfilled = True

    async def _is_backfilled(self) -> bool:
        if not self._backfilled:
            self._backfilled = await self._docs.find_one({"_id": BACKFILLED}) is not None
        return self._backfilled


def merge(known: list[Entry], new: list[Entry], keep: int) -> tuple[list[Entry], bool]:
    """Newest first by (position, id); an id keeps its first position (known, then new). True when trimmed."""
    by_id = {item_id: position for position, item_id in reversed(new)}
    by_id.update({item_id: position for position, item_id in known})
    merged = sorted(((position, item_id) for item_id, position in by_id.items()), reverse=True)
    return merged[:keep], len(merged) > keep


async def newest_items(
    index: NewestIndex,
    items: AsyncCollection[Document],
    owner: str,
    count: int,
    accept: Callable[[Document], bool],
    position_of: Callable[[Document], Any],
    before: Entry | None = None,
    projection: Document | None = None,
) -> list[Document] | None:
    """The owner's newest `count` accepted items older than `before`, or None when only a scan can tell.

    `accept` must also check that the item still belongs to the owner (items can change hands)."""
    newest = await index.get(owner)
    if newest is None:
        return None
    entries = [e for e in newest.entries if before is None or e < before]
    found: list[Document] = []
    for start in range(0, len(entries), count):
        window = [item_id for _, item_id in entries[start : start + count]]
        for doc in await find_by_ids(items, window, projection):
            if accept(doc) and (before is None or (position_of(doc), doc["_id"]) < before):
                found.append(doc)
        if len(found) >= count:
            break
    else:
        if not newest.complete:
            return None
    found.sort(key=lambda d: (position_of(d), d["_id"]), reverse=True)
    return found[:count]


def _stored(entries: list[Entry]) -> list[Document]:
    return [{"p": position, "i": item_id} for position, item_id in entries]  # FerretDB has no nested arrays


def _entries(doc: Document) -> list[Entry]:
    return [(entry["p"], entry["i"]) for entry in doc.get("e", [])]
