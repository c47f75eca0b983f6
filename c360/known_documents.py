"""The documents this process last wrote, so its next compare-and-set can start from them instead of a read.

A copy is only a starting point: the write that follows is guarded by the version it was computed
from, so if anyone changed the document meanwhile (another instance, another writer) the guard
fails, the copy is forgotten and the writer reads the document, as it did before. That holds for
documents whose every writer changes the version and that are never deleted and created again
(loyalty's accounts, the newest lists). Why: on FerretDB a read by `_id` of a large document costs
about as much as writing it, since the store converts the whole document either way.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

Document = dict[str, Any]
BUDGET_BYTES = 16 << 20  # of text held, per collection and process; the least recently written go first


class KnownDocuments:
    def __init__(self, budget_bytes: int = BUDGET_BYTES) -> None:
        self._docs: OrderedDict[Any, tuple[Document, int]] = OrderedDict()
        self._budget = budget_bytes
        self._held = 0

    def get(self, doc_id: Any) -> Document | None:
        """The document as this process last wrote it (callers must not change it), or None."""
        known = self._docs.get(doc_id)
        if known is None:
            return None
        self._docs.move_to_end(doc_id)
        return known[0]

    def remember(self, doc_id: Any, doc: Document) -> None:
        self.forget(doc_id)
        size = _size(doc)
        if size > self._budget // 8:
            return  # one document must not push out all the others
        self._docs[doc_id] = (doc, size)
        self._held += size
        while self._held > self._budget:
            _, (_, dropped) = self._docs.popitem(last=False)
            self._held -= dropped

    def forget(self, doc_id: Any) -> None:
        known = self._docs.pop(doc_id, None)
        if known is not None:
            self._held -= known[1]


def after_update(doc: Document, update: Document) -> Document:
    """`doc` as an update of `$set` and `$unset` leaves it (other operators touch fields not kept here)."""
    written = {**doc, **update.get("$set", {})}
    for field in update.get("$unset", {}):
        written.pop(field, None)
    return written


def _size(doc: Document) -> int:
    return sum(len(v) if isinstance(v, str | bytes) else 16 for v in doc.values()) + 64
