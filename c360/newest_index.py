"""Per owner (a customer), the ids of its newest items, in one document read by `_id`.

FerretDB 1.24 (SQLite) answers any filter but an exact `{_id: value}` by reading the whole
collection, so "the newest 20 purchases of customer X" is a scan that grows with every
customer's purchases. With this index it is one read by `_id` plus point reads of the items.

Writers add an item's (position, id) here *before* writing the item, so no stored item is
ever missing from its owner's index; a crash in between leaves an id without an item, which
readers skip. An owner's lists of one service share a document (NewestLists), so a write
that lists a purchase and its ledger entry is one update. Readers fall back to the
collection's own query when the index cannot tell: past those entries, and until `backfill`
has indexed the items stored before the index existed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from c360.by_id import bounded, find_by_ids
from c360.known_documents import KnownDocuments, after_update
from c360.mongo import insert_new

Document = dict[str, Any]
Entry = tuple[Any, str]  # (position: a time or a sortable string, item id); newest first = largest first
KEEP = 50  # an owner's newest per list: first pages (20 and the next) without a scan; the rest scan
BACKFILLED = "~backfilled:"  # + a list's name: the marker documents; "~" never starts an owner id


@dataclass(frozen=True)
class Newest:
    entries: list[Entry]  # newest first
    complete: bool  # every item the owner has is listed (nothing trimmed)


class NewestLists:
    """An owner's newest lists (purchases, ledger entries, ...) in one document, so a write that adds to
    several lists of one owner is one update. Each list keeps its owner's newest `keep` entries.

    A list is JSON text (`<name>_text`), not an array of documents: FerretDB 1.24 converts every nested
    document of a document it reads or writes, which made an append to two lists of 50 cost about twice a
    read and a compare-and-set of the same lists as text (measured). An append is that: read by `_id`
    (or start from the copy this process last wrote, c360/known_documents.py), merge, write guarded by the
    document's version, again if another writer came first. Documents written
    before as arrays (`<name>`, `<name>_n`) are read too, and rewritten as text by their next append."""

    def __init__(self, collection: AsyncCollection[Document], keep: int = KEEP) -> None:
        self._docs = collection
        self._keep = keep
        self._backfilled: set[str] = set()
        self._known = KnownDocuments()  # the lists as this process last wrote them: appends start there

    def index(self, name: str) -> NewestIndex:
        return NewestIndex(self, name)

    async def add(self, owner: str, lists: dict[str, list[Entry]]) -> None:
        """Appends to the named lists in one atomic update by `_id`; each keeps its newest `keep`."""
        pushed = {name: entries for name, entries in lists.items() if entries}
        while pushed:
            doc = self._known.get(owner) or await self._docs.find_one({"_id": owner})  # c360/known_documents.py
            if doc is None:
                if await self._insert_new({owner: pushed}):
                    return
                continue  # another writer created it first: append to theirs
            changes: Document = {"v": doc["v"] + 1}
            legacy: Document = {}
            for name, entries in pushed.items():
                kept, trimmed = merge(_entries(doc, name), entries, self._keep)
                changes[_text(name)] = _encoded(kept)
                if trimmed and not doc.get(f"{name}_trimmed"):
                    changes[f"{name}_trimmed"] = True
                legacy.update({field: "" for field in (name, f"{name}_n") if field in doc})
            update: Document = {"$set": changes, **({"$unset": legacy} if legacy else {})}
            if (await self._docs.update_one({"_id": owner, "v": doc["v"]}, update)).modified_count:
                self._known.remember(owner, after_update(doc, update))
                return
            self._known.forget(owner)
            await asyncio.sleep(random.uniform(0, 0.005))  # lost a race: let the winner's write land

    async def add_many(self, entries: Iterable[tuple[str, str, Entry]], new_owners: Set[str] = frozenset()) -> None:
        """(list name, owner, entry) triples: one update per owner, owners side by side. The documents of
        `new_owners` (likely to have none yet, such as customers just registered) are first tried as one
        bulk insert: a flood of registrations costs one write, not one per customer."""
        by_owner: dict[str, dict[str, list[Entry]]] = {}
        for name, owner, entry in entries:
            by_owner.setdefault(owner, {}).setdefault(name, []).append(entry)
        inserted = await self._insert_new({o: lists for o, lists in by_owner.items() if o in new_owners})
        await bounded([partial(self.add, owner, lists) for owner, lists in by_owner.items() if owner not in inserted])

    async def _insert_new(self, by_owner: dict[str, dict[str, list[Entry]]]) -> set[str]:
        """The owners whose document this insert created (an owner's document that exists is left alone)."""
        docs: list[Document] = []
        for owner, lists in by_owner.items():
            doc: Document = {"_id": owner, "v": 1}
            for name, entries in lists.items():
                kept, trimmed = merge([], entries, self._keep)
                doc[_text(name)] = _encoded(kept)
                if trimmed:
                    doc[f"{name}_trimmed"] = True
            docs.append(doc)
        owners = list(by_owner)  # the documents' order
        created = set(owners) - {owners[position] for position in await insert_new(self._docs, docs)}
        for doc in docs:
            if doc["_id"] in created:
                self._known.remember(doc["_id"], doc)
        return created

    async def get(self, owner: str, name: str) -> Newest | None:
        """None while the list may miss items stored before it existed (the caller scans)."""
        if not await self._is_backfilled(name):
            return None
        doc = await self._docs.find_one({"_id": owner}, {name: 1, _text(name): 1, f"{name}_trimmed": 1})
        if doc is None:
            return Newest([], complete=True)
        stored = _entries(doc, name)
        entries, _ = merge([], stored, len(stored))
        return Newest(entries, complete=not doc.get(f"{name}_trimmed"))

    async def backfill(
        self, name: str, items: AsyncCollection[Document], owner_field: str, position_field: str
    ) -> None:
        """Lists the items already stored (once per list; every instance may run it at once: each add is
        an append, repeats are dropped). Writers add their items all along, so none stored meanwhile is missed."""
        if await self._is_backfilled(name):
            return
        batch: list[tuple[str, str, Entry]] = []
        async for doc in items.find({}, {owner_field: 1, position_field: 1}):
            if doc.get(owner_field) is not None and doc.get(position_field) is not None:
                batch.append((name, doc[owner_field], (doc[position_field], doc["_id"])))
            if len(batch) >= 500:
                await self.add_many(batch)
                batch = []
        await self.add_many(batch)
        with contextlib.suppress(DuplicateKeyError):  # another instance finished first
            await self._docs.insert_one({"_id": BACKFILLED + name})
        self._backfilled.add(name)

    async def _is_backfilled(self, name: str) -> bool:
        if name not in self._backfilled and await self._docs.find_one({"_id": BACKFILLED + name}) is not None:
            self._backfilled.add(name)
        return name in self._backfilled


class NewestIndex:
    """One owner list: a named list of a NewestLists, or the only list of a collection of its own."""

    def __init__(self, where: AsyncCollection[Document] | NewestLists, name: str = "e", keep: int = KEEP) -> None:
        self._lists = where if isinstance(where, NewestLists) else NewestLists(where, keep)
        self.name = name

    async def add(self, owner: str, entries: Iterable[Entry]) -> None:
        await self._lists.add(owner, {self.name: list(entries)})

    async def add_many(self, entries: Iterable[tuple[str, Entry]], new_owners: Set[str] = frozenset()) -> None:
        """(owner, entry) pairs: one update per owner, owners side by side (NewestLists.add_many)."""
        await self._lists.add_many(((self.name, owner, entry) for owner, entry in entries), new_owners)

    async def get(self, owner: str) -> Newest | None:
        return await self._lists.get(owner, self.name)

    async def backfill(self, items: AsyncCollection[Document], owner_field: str, position_field: str) -> None:
        await self._lists.backfill(self.name, items, owner_field, position_field)


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


def _text(name: str) -> str:
    return f"{name}_text"


def _encoded(entries: list[Entry]) -> str:
    """[kind, position, id] per entry: a time keeps its type through the text (d), as do text (s) and numbers."""
    rows = [
        ["d", p.isoformat(), i] if isinstance(p, datetime) else ["s" if isinstance(p, str) else "n", p, i]
        for p, i in entries
    ]
    return json.dumps(rows, separators=(",", ":"))


def _entries(doc: Document, name: str) -> list[Entry]:
    if _text(name) in doc:
        return [(datetime.fromisoformat(p) if kind == "d" else p, i) for kind, p, i in json.loads(doc[_text(name)])]
    return [(entry["p"], entry["i"]) for entry in doc.get(name, [])]  # written before the text


async def newest_owned(
    index: NewestIndex,
    items: AsyncCollection[Document],
    owner: str,
    count: int,
    time_field: str,
    before: Entry | None = None,
    projection: Document | None = None,
) -> list[Document] | None:
    """newest_items for a list with no condition but its owner (`customer_id`), ordered by one time field."""
    return await newest_items(
        index,
        items,
        owner,
        count,
        accept=lambda d: d.get("customer_id") == owner,
        position_of=lambda d: d[time_field],
        before=before,
        projection=projection,
    )
