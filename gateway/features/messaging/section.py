"""The messaging fields of Customer360: the messaging section (communications, inbox, campaigns received)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from customer360.messaging.v1 import messaging_pb2

from gateway.context import GatewayInfo
from gateway.errors import CodedError
from gateway.features.common import Channel
from gateway.features.messaging.loaders import campaign_pages, inbox_pages, message_pages, whatsapp_windows
from gateway.features.messaging.types import CampaignReceivedConnection, InboxConnection, MessageConnection

MAX_FIRST = 200
DEFAULT_FIRST = 20


def _first(first: int | None) -> int:
    if first is None:
        return DEFAULT_FIRST
    if not 0 < first <= MAX_FIRST:
        raise CodedError("BAD_USER_INPUT", f"`first` must be 1 to {MAX_FIRST}.")
    return first


def communications_key(
    customer_id: str, first: int | None, after: str | None, channel: str
) -> tuple[str, int, int, str]:
    """`channel`: a Channel's name, or "" for every channel."""
    code = messaging_pb2.Channel.Value(f"CHANNEL_{channel}") if channel else 0
    return (customer_id, int(code), _first(first), after or "")


def page_key(customer_id: str, first: int | None, after: str | None) -> tuple[str, int, str]:
    """The loader key of an inbox or campaigns-received page."""
    return (customer_id, _first(first), after or "")


@strawberry.type
class Messaging:
    """One customer's messages; every list of every customer in a response is one batch call."""

    customer_id: strawberry.Private[str]

    @strawberry.field(description="Every message sent (or refused), newest first.")
    async def communications(
        self, info: GatewayInfo, first: int | None = 20, after: str | None = None, channel: Channel | None = None
    ) -> MessageConnection:
        key = communications_key(self.customer_id, first, after, channel.value if channel else "")
        return MessageConnection.of(await info.context.loaders.get(message_pages).load(key))

    @strawberry.field(description="The app inbox, newest first.")
    async def inbox(self, info: GatewayInfo, first: int | None = 20, after: str | None = None) -> InboxConnection:
        key = page_key(self.customer_id, first, after)
        return InboxConnection.of(await info.context.loaders.get(inbox_pages).load(key))

    @strawberry.field(description="Campaign messages (coupons, newsletters) that reached the customer.")
    async def campaigns_received(
        self, info: GatewayInfo, first: int | None = 20, after: str | None = None
    ) -> CampaignReceivedConnection:
        key = page_key(self.customer_id, first, after)
        return CampaignReceivedConnection.of(await info.context.loaders.get(campaign_pages).load(key))

    @strawberry.field(description="When the WhatsApp 24-hour window closes; null when it is closed.")
    async def whatsapp_session_open_until(self, info: GatewayInfo) -> datetime | None:
        until: datetime | None = await info.context.loaders.get(whatsapp_windows).load(self.customer_id)
        return until


@strawberry.type
class MessagingSection:
    id: strawberry.ID

    @strawberry.field
    def messaging(self) -> Messaging | None:
        return Messaging(customer_id=str(self.id))
