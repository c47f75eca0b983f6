"""One writer at a time per customer document inside this process.

FerretDB 1.24 (SQLite) applies an update as read, modify in Go, write back,
without isolating the three, so two concurrent updates of one document can
lose one of them: an outbox pop racing an edit silently restored the record
as it was before the edit. MongoDB does not need this; on FerretDB it makes
every writer of this process (edits, the outbox relay, imports) take turns.
The local launcher's FerretDB serializes updates itself (deploy/local/ferretdb/front.go),
across processes too; these locks stay for a bare FerretDB, within one instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Iterable
from typing import Any

from c360.outbox import OutboxRelay


class DocumentLocks:
    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[Any, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, key: Any) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    @contextlib.asynccontextmanager
    async def holding(self, keys: Iterable[Any]) -> AsyncIterator[None]:
        """Holds the locks of `keys`, taken in sorted order so two holders never wait on each other."""
        async with contextlib.AsyncExitStack() as stack:
            for key in sorted(set(keys)):
                await stack.enter_async_context(self._lock(key))
            yield


class LockingOutboxRelay(OutboxRelay):
    """The shared relay, whose writes take the documents' locks like every other writer."""

    def __init__(self, *args: Any, locks: DocumentLocks, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._document_locks = locks

    async def flush(self, doc_id: Any) -> int:
        async with self._document_locks.holding([doc_id]):
            return await super().flush(doc_id)

    async def clear_flags(self, doc_ids: list[Any]) -> None:
        async with self._document_locks.holding(doc_ids):
            await super().clear_flags(doc_ids)
