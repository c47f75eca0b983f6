"""Notes and the activity timeline over gRPC (pages for many customers per call)."""

from __future__ import annotations

from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from c360.errors import InvalidInput
from c360.events import timestamp
from services.profile.adapters.pages import cursor_of
from services.profile.domain.notes import Note
from services.profile.ports.grpc_record import Context
from services.profile.ports.use_cases import UseCases

MAX_QUERIES = 200


def note_to_proto(note: Note) -> profile_pb2.Note:
    return profile_pb2.Note(
        id=note.id,
        customer_id=note.customer_id,
        body=note.body,
        author_id=note.author_id,
        created_at=timestamp(note.created_at),
        updated_at=timestamp(note.updated_at),
        cursor=cursor_of(note.created_at, note.id),
    )


def _queries(request: profile_pb2.BatchPageRequest) -> list[tuple[str, int, str]]:
    if len(request.queries) > MAX_QUERIES:
        raise InvalidInput("TOO_MANY_IDS", f"At most {MAX_QUERIES} pages per call.", "queries")
    return [(q.customer_id, q.page_size, q.page_token) for q in request.queries]


class NoteRpcs(profile_pb2_grpc.ProfileServiceServicer):
    u: UseCases

    async def AddNote(self, request: profile_pb2.AddNoteRequest, context: Context) -> profile_pb2.Note:
        return note_to_proto(await self.u.notes.add(request.customer_id, request.body, request.author_id))

    async def EditNote(self, request: profile_pb2.EditNoteRequest, context: Context) -> profile_pb2.Note:
        return note_to_proto(await self.u.notes.edit(request.note_id, request.body, request.author_id))

    async def DeleteNote(
        self, request: profile_pb2.DeleteNoteRequest, context: Context
    ) -> profile_pb2.DeleteNoteResponse:
        return profile_pb2.DeleteNoteResponse(deleted_id=await self.u.notes.delete(request.note_id, request.author_id))

    async def BatchListNotes(
        self, request: profile_pb2.BatchPageRequest, context: Context
    ) -> profile_pb2.BatchListNotesResponse:
        queries = _queries(request)
        pages = await self.u.notes.pages(queries)
        return profile_pb2.BatchListNotesResponse(
            pages=[
                profile_pb2.NotePage(
                    customer_id=q[0], page_token=q[2], notes=[note_to_proto(n) for n in notes], next_page_token=token
                )
                for q, (notes, token) in zip(queries, pages, strict=True)
            ]
        )

    async def BatchListTimeline(
        self, request: profile_pb2.BatchPageRequest, context: Context
    ) -> profile_pb2.BatchListTimelineResponse:
        queries = _queries(request)
        pages = await self.u.timeline.pages(queries)
        return profile_pb2.BatchListTimelineResponse(
            pages=[
                profile_pb2.TimelinePage(
                    customer_id=q[0],
                    page_token=q[2],
                    next_page_token=token,
                    entries=[
                        profile_pb2.TimelineEntry(
                            id=e.id,
                            customer_id=e.customer_id,
                            type=e.type,
                            occurred_at=timestamp(e.occurred_at),
                            summary=e.summary,
                            cursor=cursor_of(e.occurred_at, e.id),
                        )
                        for e in entries
                    ],
                )
                for q, (entries, token) in zip(queries, pages, strict=True)
            ]
        )
