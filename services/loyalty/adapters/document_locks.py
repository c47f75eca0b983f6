"""One writer at a time per document inside this process.

FerretDB 1.24 (SQLite) applies an update as read, modify, write back without isolating
the three, so two concurrent updates of one document (two compare-and-sets, or a write
and an outbox clear) can lose one of them. Every writer of an account, OTP or purchase
transfer in this process takes the document's lock first. MongoDB does not need it, and
nor does the local launcher's FerretDB, whose front serializes updates across processes
(deploy/local/ferretdb/front.go); it stays for a bare FerretDB, within one instance.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any


class DocumentLocks:
    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[Any, asyncio.Lock] = weakref.WeakValueDictionary()

    def of(self, key: Any) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock
