"""Notes and activity timeline entries as Relay connections."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.features.common import PageInfo


@strawberry.type
class Note:
    id: strawberry.ID
    body: str
    author_id: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, note: profile_pb2.Note) -> Note:
        return cls(
            id=strawberry.ID(note.id),
            body=note.body,
            author_id=note.author_id,
            created_at=note.created_at.ToDatetime(tzinfo=UTC),
            updated_at=note.updated_at.ToDatetime(tzinfo=UTC),
        )


@strawberry.type
class NoteEdge:
    cursor: str
    node: Note


@strawberry.type
class NoteConnection:
    edges: list[NoteEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: profile_pb2.NotePage) -> NoteConnection:
        edges = [NoteEdge(cursor=n.cursor, node=Note.of(n)) for n in page.notes]
        end = edges[-1].cursor if edges else None
        return cls(edges=edges, page_info=PageInfo(has_next_page=bool(page.next_page_token), end_cursor=end))


@strawberry.type
class TimelineEvent:
    id: strawberry.ID
    type: str
    occurred_at: datetime
    summary: str

    @classmethod
    def of(cls, entry: profile_pb2.TimelineEntry) -> TimelineEvent:
        return cls(
            id=strawberry.ID(entry.id),
            type=entry.type,
            occurred_at=entry.occurred_at.ToDatetime(tzinfo=UTC),
            summary=entry.summary,
        )


@strawberry.type
class TimelineEdge:
    cursor: str
    node: TimelineEvent


@strawberry.type
class TimelineConnection:
    edges: list[TimelineEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: profile_pb2.TimelinePage) -> TimelineConnection:
        edges = [TimelineEdge(cursor=e.cursor, node=TimelineEvent.of(e)) for e in page.entries]
        end = edges[-1].cursor if edges else None
        return cls(edges=edges, page_info=PageInfo(has_next_page=bool(page.next_page_token), end_cursor=end))
