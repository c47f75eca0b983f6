"""The notes' outbox relay, which also removes a deleted note's tombstone once its events are out.

Deleting a note leaves it as a bodiless tombstone whose outbox holds NoteDeleted:
removing the document in the same write would lose the event on a crash before
the publish. Right after the relay has published a tombstone's last event it
deletes the document, by `_id` and under the note's lock like every other writer.
"""

from __future__ import annotations

from typing import Any

from c360.outbox import OutboxRelay
from services.profile.adapters.document_locks import LockingOutboxRelay


class NotesOutboxRelay(LockingOutboxRelay):
    async def flush(self, doc_id: Any) -> int:
        async with self._document_locks.holding([doc_id]):
            published = await OutboxRelay.flush(self, doc_id)  # the plain flush: this lock is held already
            doc = await self._collection.find_one({"_id": doc_id}, {"deleted": 1, "outbox": 1})
            if doc is not None and doc.get("deleted") and not doc.get("outbox"):
                await self._collection.delete_one({"_id": doc_id})
        return published
