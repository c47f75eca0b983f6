"""Note edits and deletions are published as NoteEdited / NoteDeleted and show in the customer's timeline."""

from __future__ import annotations

from typing import Any

from customer360.events.v1 import profile_events_pb2
from pymongo import AsyncMongoClient

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.profile_support import domain_events, error_codes, mutate, register
from tests.integration.test_profile_details import ADD_NOTE, DELETE_NOTE, EDIT_NOTE, NOTES
from tests.integration.test_profile_timeline import TIMELINE


async def timeline_summaries(gateway: GraphQLClient, customer_id: str) -> dict[str, list[str]]:
    body = await gateway.execute(TIMELINE, id=customer_id, first=50)
    by_type: dict[str, list[str]] = {}
    for edge in body["data"]["customer360"]["timeline"]["edges"]:
        by_type.setdefault(edge["node"]["type"], []).append(edge["node"]["summary"])
    return by_type


async def test_editing_and_deleting_a_note_publish_past_tense_events_that_reach_the_timeline(
    gateway: GraphQLClient, stack: Stack, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    customer = await register(gateway)
    ana, bo = gateway.as_user("agent-ana", "AGENT"), gateway.as_user("agent-bo", "AGENT")
    note = (await mutate(ana, ADD_NOTE, "addNote", id=customer["id"], body="Prefers WhatsApp"))["note"]
    assert error_codes(await mutate(bo, EDIT_NOTE, "editNote", id=note["id"], body="hijacked")) == ["FORBIDDEN"]
    edited = await mutate(ana, EDIT_NOTE, "editNote", id=note["id"], body="Prefers WhatsApp, evenings")
    assert edited["userErrors"] == []
    assert error_codes(await mutate(bo, DELETE_NOTE, "deleteNote", id=note["id"])) == ["FORBIDDEN"]
    assert (await mutate(ana, DELETE_NOTE, "deleteNote", id=note["id"]))["deletedId"] == note["id"]
    assert error_codes(await mutate(ana, EDIT_NOTE, "editNote", id=note["id"], body="again")) == ["NOT_FOUND"]
    notes = await gateway.execute(NOTES, id=customer["id"], first=10)
    assert notes["data"]["customer360"]["notes"]["edges"] == []

    topic, customer_id = "profile.events", customer["id"]
    deleted = await domain_events(stack, topic, customer_id, profile_events_pb2.NoteDeleted)
    edits = await domain_events(stack, topic, customer_id, profile_events_pb2.NoteEdited)
    for events in (deleted, edits):  # the refused attempts published nothing
        assert [(e.actor, p.note_id, p.author_id) for e, p in events] == [("agent-ana", note["id"], "agent-ana")]
    assert edits[0][0].occurred_at.ToDatetime() <= deleted[0][0].occurred_at.ToDatetime()

    async def note_history() -> dict[str, list[str]] | None:
        summaries = await timeline_summaries(gateway, customer_id)
        return summaries if {"NoteAdded", "NoteEdited", "NoteDeleted"} <= summaries.keys() else None

    history = await eventually(note_history)
    assert history["NoteEdited"] == ["Note edited by agent-ana"]
    assert history["NoteDeleted"] == ["Note deleted by agent-ana"]
    assert not any("WhatsApp" in s for summaries in history.values() for s in summaries)  # no note body leaks

    notes_store = mongo[f"{stack.config.database_prefix}profile"]["notes"]

    async def tombstone_gone() -> bool:
        return await notes_store.find_one({"_id": note["id"]}) is None

    await eventually(tombstone_gone)  # once NoteDeleted is out, nothing of the note is left
