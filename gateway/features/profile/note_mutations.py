"""addNote, editNote, deleteNote: the author is the caller (JWT subject); only the author may change one."""

from __future__ import annotations

import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.profile.page_types import Note
from gateway.features.profile.payloads import DeletePayload, NotePayload
from gateway.mutations import call_backend


def _note_payload(reply: profile_pb2.Note | UserError) -> NotePayload:
    if isinstance(reply, UserError):
        return NotePayload(user_errors=[reply])
    return NotePayload(note=Note.of(reply))


async def add_note(info: GatewayInfo, customer_id: strawberry.ID, body: str) -> NotePayload:
    c = info.context
    request = profile_pb2.AddNoteRequest(customer_id=str(customer_id), body=body, author_id=c.actor())
    return _note_payload(await call_backend(c.backends.profile.AddNote(request, timeout=c.timeout()), "profile", []))


async def edit_note(info: GatewayInfo, note_id: strawberry.ID, body: str) -> NotePayload:
    c = info.context
    request = profile_pb2.EditNoteRequest(note_id=str(note_id), body=body, author_id=c.actor())
    return _note_payload(await call_backend(c.backends.profile.EditNote(request, timeout=c.timeout()), "profile", []))


async def delete_note(info: GatewayInfo, note_id: strawberry.ID) -> DeletePayload:
    c = info.context
    request = profile_pb2.DeleteNoteRequest(note_id=str(note_id), author_id=c.actor())
    reply = await call_backend(c.backends.profile.DeleteNote(request, timeout=c.timeout()), "profile", [])
    if isinstance(reply, UserError):
        return DeletePayload(user_errors=[reply])
    return DeletePayload(deleted_id=strawberry.ID(reply.deleted_id))
