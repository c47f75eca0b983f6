"""Reads and writes addressed by `_id` alone, which FerretDB 1.24 (SQLite) answers from its primary key.

Any other filter, `$in` on `_id` included, makes it scan the whole collection, so
batches are done as many concurrent single-id operations instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pymongo.asynchronous.collection import AsyncCollection

Document = dict[str, Any]
T = TypeVar("T")
PARALLEL = 32


async def bounded(calls: list[Callable[[], Awaitable[T]]]) -> list[T]:
    gate = asyncio.Semaphore(PARALLEL)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    return await asyncio.gather(*(one(call) for call in calls))


async def find_by_ids(
    collection: AsyncCollection[Document], ids: list[str], projection: Document | None = None
) -> list[Document]:
    unique = list(dict.fromkeys(ids))
    found = await bounded([lambda i=i: collection.find_one({"_id": i}, projection) for i in unique])  # type: ignore[misc]
    return [doc for doc in found if doc is not None]


async def update_by_ids(collection: AsyncCollection[Document], updates: list[tuple[str, Document]]) -> None:
    await bounded([lambda i=i, u=u: collection.update_one({"_id": i}, u) for i, u in updates])  # type: ignore[misc]
