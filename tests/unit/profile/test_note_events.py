"""Note changes are stored with past-tense events, and those events read as timeline lines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pytest
from customer360.events.v1 import profile_events_pb2

from c360.errors import Forbidden
from c360.events import new_envelope, parse_envelope, unpack
from c360.outbox import OutboxRecord
from services.profile.app.notes import Notes
from services.profile.app.timeline_summaries import summarise
from services.profile.domain.notes import Note

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


class FakeNotes:
    def __init__(self, *notes: Note) -> None:
        self.notes = {n.id: n for n in notes}
        self.events: list[OutboxRecord] = []

    async def get(self, note_id: str) -> Note | None:
        return self.notes.get(note_id)

    async def update_body(self, note: Note, events: list[OutboxRecord]) -> bool:
        self.notes[note.id] = note
        self.events += events
        return True

    async def delete(self, note_id: str, author_id: str, events: list[OutboxRecord]) -> bool:
        del self.notes[note_id]
        self.events += events
        return True


class Nudges:
    def __init__(self) -> None:
        self.ids: list[str] = []

    def nudge(self, doc_id: str) -> None:
        self.ids.append(doc_id)


def notes_of(store: FakeNotes, nudges: Nudges) -> Notes:
    return Notes(cast(Any, store), cast(Any, None), nudges, "profile.events")


async def test_an_edit_then_a_deletion_by_the_author_store_note_edited_and_note_deleted() -> None:
    store, nudges = FakeNotes(Note("n1", "c1", "Prefers SMS", "agent-ana", NOW, NOW)), Nudges()
    notes = notes_of(store, nudges)
    await notes.edit("n1", "Prefers WhatsApp", "agent-ana")
    await notes.delete("n1", "agent-ana")

    envelopes = [parse_envelope(e.value) for e in store.events]
    assert [e.customer_id for e in envelopes] == ["c1", "c1"]
    assert {e.key for e in store.events} == {"c1"}
    edited = unpack(envelopes[0], profile_events_pb2.NoteEdited)
    deleted = unpack(envelopes[1], profile_events_pb2.NoteDeleted)
    assert edited is not None
    assert (edited.note_id, edited.author_id) == ("n1", "agent-ana")
    assert deleted is not None
    assert (deleted.note_id, deleted.author_id) == ("n1", "agent-ana")
    assert nudges.ids == ["n1", "n1"]


async def test_a_refused_change_stores_no_event() -> None:
    store = FakeNotes(Note("n1", "c1", "Prefers SMS", "agent-ana", NOW, NOW))
    notes = notes_of(store, Nudges())
    with pytest.raises(Forbidden):
        await notes.edit("n1", "hijacked", "agent-bo")
    with pytest.raises(Forbidden):
        await notes.delete("n1", "agent-bo")
    assert store.events == []


def test_note_events_read_as_timeline_lines_without_the_body() -> None:
    edited = new_envelope("c1", "profile", profile_events_pb2.NoteEdited(note_id="n1", author_id="agent-ana"))
    deleted = new_envelope("c1", "profile", profile_events_pb2.NoteDeleted(note_id="n1", author_id="agent-ana"))
    assert summarise(edited) == ("NoteEdited", "Note edited by agent-ana")
    assert summarise(deleted) == ("NoteDeleted", "Note deleted by agent-ana")
