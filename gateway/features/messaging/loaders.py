"""Messaging pages and channel states for every customer of one response, one batch RPC each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import grpc
from customer360.messaging.v1 import messaging_pb2
from strawberry.dataloader import DataLoader

from gateway.backends import Backends
from gateway.errors import backend_failure
from gateway.loaders import Timeout

K = TypeVar("K")
V = TypeVar("V")

# (customer id, channel or 0, first, after)
MessagesKey = tuple[str, int, int, str]
PageKey = tuple[str, int, str]


async def _call(call: Callable[[], Awaitable[V]]) -> V:
    try:
        return await call()
    except grpc.aio.AioRpcError as error:
        raise backend_failure(error, "messaging") from error


def message_pages(backends: Backends, timeout: Timeout) -> DataLoader[MessagesKey, messaging_pb2.ListMessagesResponse]:
    async def load(keys: list[MessagesKey]) -> list[messaging_pb2.ListMessagesResponse]:
        requests = [
            messaging_pb2.ListMessagesRequest(customer_id=c, channel=ch, page_size=n, page_token=a)  # type: ignore[arg-type]
            for c, ch, n, a in keys
        ]
        reply = await _call(
            lambda: backends.messaging.BatchListMessages(
                messaging_pb2.BatchListMessagesRequest(requests=requests), timeout=timeout()
            )
        )
        return list(reply.responses)

    return DataLoader(load_fn=load)


def inbox_pages(backends: Backends, timeout: Timeout) -> DataLoader[PageKey, messaging_pb2.ListInboxResponse]:
    async def load(keys: list[PageKey]) -> list[messaging_pb2.ListInboxResponse]:
        requests = [messaging_pb2.ListInboxRequest(customer_id=c, page_size=n, page_token=a) for c, n, a in keys]
        reply = await _call(
            lambda: backends.messaging.BatchListInbox(
                messaging_pb2.BatchListInboxRequest(requests=requests), timeout=timeout()
            )
        )
        return list(reply.responses)

    return DataLoader(load_fn=load)


def campaign_pages(
    backends: Backends, timeout: Timeout
) -> DataLoader[PageKey, messaging_pb2.ListCampaignsReceivedResponse]:
    async def load(keys: list[PageKey]) -> list[messaging_pb2.ListCampaignsReceivedResponse]:
        requests = [
            messaging_pb2.ListCampaignsReceivedRequest(customer_id=c, page_size=n, page_token=a) for c, n, a in keys
        ]
        reply = await _call(
            lambda: backends.messaging.BatchListCampaignsReceived(
                messaging_pb2.BatchListCampaignsReceivedRequest(requests=requests), timeout=timeout()
            )
        )
        return list(reply.responses)

    return DataLoader(load_fn=load)


def whatsapp_windows(backends: Backends, timeout: Timeout) -> DataLoader[str, datetime | None]:
    """When each customer's WhatsApp 24-hour window closes; None when closed or unknown."""

    async def load(ids: list[str]) -> list[datetime | None]:
        reply = await _call(
            lambda: backends.messaging.BatchGetChannelStates(
                messaging_pb2.BatchGetChannelStatesRequest(customer_ids=ids), timeout=timeout()
            )
        )
        found = {
            s.customer_id: s.whatsapp_session_open_until.ToDatetime(tzinfo=UTC)
            for s in reply.states
            if s.HasField("whatsapp_session_open_until")
        }
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)
