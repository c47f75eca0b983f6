"""Lookup keys (a mobile number, a referral code) to the documents holding them, in documents read by `_id`.

FerretDB 1.24 (SQLite) reads the whole collection for a filter on any field but `_id`, so
"which customer has this mobile" is a scan that grows with the customers. Here each key is
a document of its own: `{_id: "<kind>:<value>", owner: <id>}`, and a set of members (the
customers referred by a code) is `{_id: "<kind>:<value>", members: [<id>, ...]}`.

Keys are hints, not the truth: they are written before the owner's document and not removed
when the owner changes, so readers confirm against the owner's document. Until `backfill`
has keyed the documents stored before the index existed, lookups answer None and the
caller queries the collection itself.

A claim writes a key only where none exists yet. Claimed before every write of a value,
keys are then complete: once backfilled, a value without a key is held by no document, so
a claim that succeeds proves the value new, and only the refused ones need a lookup.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from c360.by_id import bounded, find_by_ids
from c360.mongo import insert_new

Document = dict[str, Any]
BACKFILLED = "~backfilled"  # the marker document; every key has a "<kind>:" prefix


class KeyIndex:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._docs = collection
        self._backfilled = False

    async def put(self, kind: str, value: str, owner: str) -> None:
        await self._docs.update_one({"_id": _key(kind, value)}, {"$set": {"owner": owner}}, upsert=True)

    async def claim(self, kind: str, value: str, owner: str) -> bool:
        """Keys `value` to `owner` unless it is keyed already; False then (the key is left as it was)."""
        try:
            await self._docs.insert_one({"_id": _key(kind, value), "owner": owner})
        except DuplicateKeyError:
            return False
        return True

    async def claim_many(self, kind: str, owners: dict[str, str]) -> set[str]:
        """Claims every value in one bulk insert; returns the values that were keyed already."""
        values = list(owners)
        refused = await insert_new(self._docs, [{"_id": _key(kind, v), "owner": owners[v]} for v in values])
        return {values[position] for position in refused}

    async def release(self, kind: str, value: str, owner: str) -> None:
        """Removes the key while it names `owner` (on FerretDB a scan of the keys: for rare changes only)."""
        await self._docs.delete_one({"_id": _key(kind, value), "owner": owner})

    async def add_member(self, kind: str, value: str, member: str) -> None:
        await self._docs.update_one({"_id": _key(kind, value)}, {"$addToSet": {"members": member}}, upsert=True)

    async def key(self, doc_id: str, owned: dict[str, str], member_of: dict[str, str]) -> None:
        """Keys one document: `owned` maps a kind to the value it owns, `member_of` to the set it joins."""
        writes: list[Callable[[], Awaitable[None]]] = [partial(self.put, k, v, doc_id) for k, v in owned.items() if v]
        writes += [partial(self.add_member, k, v, doc_id) for k, v in member_of.items() if v]
        await bounded(writes)

    async def owners(self, kind: str, values: list[str]) -> dict[str, str] | None:
        """Value to owner id, for the values keyed (to be confirmed by the caller); None: not backfilled."""
        if not await self._is_backfilled():
            return None
        docs = await find_by_ids(self._docs, [_key(kind, v) for v in values])
        return {doc["_id"].partition(":")[2]: doc["owner"] for doc in docs if doc.get("owner")}

    async def members(self, kind: str, value: str) -> list[str] | None:
        """The ids ever added under the key (to be confirmed by the caller); None: not backfilled."""
        if not await self._is_backfilled():
            return None
        doc = await self._docs.find_one({"_id": _key(kind, value)})
        return list(doc.get("members", [])) if doc else []

    async def backfill(self, items: AsyncCollection[Document], owners: dict[str, str], members: dict[str, str]) -> None:
        """Keys the documents already stored, by field: `owners` and `members` map a key kind to its field.
        Once per collection; every instance may run it at once (each write is idempotent)."""
        if await self._is_backfilled():
            return
        fields = {field: 1 for field in [*owners.values(), *members.values()]}
        async for doc in items.find({}, fields):
            await self.key(
                doc["_id"],
                {kind: doc.get(field) or "" for kind, field in owners.items()},
                {kind: doc.get(field) or "" for kind, field in members.items()},
            )
        with contextlib.suppress(DuplicateKeyError):  # another instance finished first
            await self._docs.insert_one({"_id": BACKFILLED})
        self._backfilled = True

    async def ready(self) -> bool:
        """Whether lookups can answer: every document stored before the index existed is keyed."""
        return await self._is_backfilled()

    async def _is_backfilled(self) -> bool:
        if not self._backfilled:
            self._backfilled = await self._docs.find_one({"_id": BACKFILLED}) is not None
        return self._backfilled


def _key(kind: str, value: str) -> str:
    return f"{kind}:{value}"
