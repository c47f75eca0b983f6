"""The messaging section's types: the communications log, the app inbox, campaigns received."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

import strawberry
from customer360.messaging.v1 import messaging_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from gateway.features.common import Channel, PageInfo


@strawberry.enum
class MessageStatus(Enum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    READ = "READ"
    FAILED = "FAILED"
    REJECTED = "REJECTED"


@strawberry.enum
class InboxStatus(Enum):
    NEW = "NEW"
    READ = "READ"
    EXPIRED = "EXPIRED"


def channel_of(value: int) -> Channel:
    return Channel(messaging_pb2.Channel.Name(value).removeprefix("CHANNEL_"))  # type: ignore[arg-type]


def _time(stamp: Timestamp, present: bool) -> datetime | None:
    return stamp.ToDatetime(tzinfo=UTC) if present else None


@strawberry.type
class Message:
    id: strawberry.ID
    channel: Channel
    body: str
    status: MessageStatus
    sent_at: datetime | None
    failure_reason: str | None
    sent_by: str | None
    created_at: datetime
    campaign: str | None
    template_id: str | None

    @classmethod
    def of(cls, m: messaging_pb2.Message) -> Message:
        return cls(
            id=strawberry.ID(m.id),
            channel=channel_of(m.channel),
            body=m.body,
            status=MessageStatus(m.status),
            sent_at=_time(m.sent_at, m.HasField("sent_at")),
            failure_reason=m.failure_reason or None,
            sent_by=m.sent_by or None,
            created_at=m.created_at.ToDatetime(tzinfo=UTC),
            campaign=m.campaign or None,
            template_id=m.template_id or None,
        )


@strawberry.type
class InboxMessage:
    id: strawberry.ID
    title: str
    short_description: str | None
    distributed_at: datetime
    expires_at: datetime | None
    status: InboxStatus

    @classmethod
    def of(cls, m: messaging_pb2.InboxMessage) -> InboxMessage:
        return cls(
            id=strawberry.ID(m.id),
            title=m.title,
            short_description=m.short_description or None,
            distributed_at=m.distributed_at.ToDatetime(tzinfo=UTC),
            expires_at=_time(m.expires_at, m.HasField("expires_at")),
            status=InboxStatus(m.status),
        )


@strawberry.type
class CampaignReceived:
    campaign: str
    channel: Channel | None
    received_at: datetime


def _page_info(cursors: list[str], next_page_token: str) -> PageInfo:
    return PageInfo(has_next_page=bool(next_page_token), end_cursor=cursors[-1] if cursors else None)


@strawberry.type
class MessageEdge:
    cursor: str
    node: Message


@strawberry.type
class MessageConnection:
    edges: list[MessageEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: messaging_pb2.ListMessagesResponse) -> MessageConnection:
        edges = [MessageEdge(cursor=m.id, node=Message.of(m)) for m in page.messages]
        return cls(edges=edges, page_info=_page_info([e.cursor for e in edges], page.next_page_token))


@strawberry.type
class InboxEdge:
    cursor: str
    node: InboxMessage


@strawberry.type
class InboxConnection:
    edges: list[InboxEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: messaging_pb2.ListInboxResponse) -> InboxConnection:
        edges = [InboxEdge(cursor=m.id, node=InboxMessage.of(m)) for m in page.messages]
        return cls(edges=edges, page_info=_page_info([e.cursor for e in edges], page.next_page_token))


@strawberry.type
class CampaignReceivedEdge:
    cursor: str
    node: CampaignReceived


@strawberry.type
class CampaignReceivedConnection:
    edges: list[CampaignReceivedEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: messaging_pb2.ListCampaignsReceivedResponse) -> CampaignReceivedConnection:
        edges = [
            CampaignReceivedEdge(
                cursor=c.id,
                node=CampaignReceived(
                    campaign=c.campaign,
                    channel=channel_of(c.channel) if c.channel else None,
                    received_at=c.received_at.ToDatetime(tzinfo=UTC),
                ),
            )
            for c in page.campaigns
        ]
        return cls(edges=edges, page_info=_page_info([e.cursor for e in edges], page.next_page_token))
