"""Notes: anyone reads them, only the author edits or deletes them (FORBIDDEN otherwise).

Each change is stored with its past-tense event (NoteAdded, NoteEdited,
NoteDeleted) in the note's outbox, then the relay is nudged to publish it.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from customer360.events.v1 import profile_events_pb2
from google.protobuf.message import Message

from c360.errors import NotFound
from c360.events import new_envelope, to_outbox
from c360.outbox import OutboxRecord
from services.profile.app.ports import CustomerRepository, EventNotifier
from services.profile.domain.lifecycle import live
from services.profile.domain.notes import Note, checked_author, checked_body, ensure_author

MAX_PAGE = 100


class NoteStore(Protocol):
    async def add(self, note: Note, events: list[OutboxRecord]) -> None: ...
    async def get(self, note_id: str) -> Note | None: ...
    async def update_body(self, note: Note, events: list[OutboxRecord]) -> bool: ...
    async def delete(self, note_id: str, author_id: str, events: list[OutboxRecord]) -> bool: ...
    async def page(self, customer_id: str, size: int, after: str) -> tuple[list[Note], str]: ...


@dataclass
class Notes:
    notes: NoteStore
    customers: CustomerRepository
    notifier: EventNotifier
    events_topic: str

    async def add(self, customer_id: str, body: str, author_id: str) -> Note:
        text, author = checked_body(body), checked_author(author_id)
        live(await self.customers.get(customer_id), customer_id)
        now = datetime.now(UTC)
        note = Note(uuid.uuid4().hex, customer_id, text, author, now, now)
        event = self._event(note, profile_events_pb2.NoteAdded(note_id=note.id, author_id=author), now)
        await self.notes.add(note, [event])
        self.notifier.nudge(note.id)
        return note

    async def edit(self, note_id: str, body: str, author_id: str) -> Note:
        text = checked_body(body)
        note = await self._existing(note_id)
        ensure_author(note, author_id)
        edited = dataclasses.replace(note, body=text, updated_at=datetime.now(UTC))
        payload = profile_events_pb2.NoteEdited(note_id=note.id, author_id=note.author_id)
        if not await self.notes.update_body(edited, [self._event(note, payload, edited.updated_at)]):
            raise NotFound(f"No note with id {note_id[:64]}.", field="noteId")
        self.notifier.nudge(note.id)
        return edited

    async def delete(self, note_id: str, author_id: str) -> str:
        note = await self._existing(note_id)
        ensure_author(note, author_id)
        payload = profile_events_pb2.NoteDeleted(note_id=note.id, author_id=note.author_id)
        if not await self.notes.delete(note_id, author_id, [self._event(note, payload, datetime.now(UTC))]):
            raise NotFound(f"No note with id {note_id[:64]}.", field="noteId")
        self.notifier.nudge(note.id)
        return note_id

    async def pages(self, queries: list[tuple[str, int, str]]) -> list[tuple[list[Note], str]]:
        return [await self.notes.page(c, max(1, min(size or 20, MAX_PAGE)), after) for c, size, after in queries]

    def _event(self, note: Note, payload: Message, occurred_at: datetime) -> OutboxRecord:
        envelope = new_envelope(note.customer_id, "profile", payload, actor=note.author_id, occurred_at=occurred_at)
        return to_outbox(envelope, self.events_topic)

    async def _existing(self, note_id: str) -> Note:
        note = await self.notes.get(note_id)
        if note is None:
            raise NotFound(f"No note with id {note_id[:64]}.", field="noteId")
        return note
