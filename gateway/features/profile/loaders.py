"""Customers by id, notes and timeline pages: one batch call per request for each."""

from __future__ import annotations

from typing import Any

import grpc
from customer360.profile.v1 import profile_pb2
from strawberry.dataloader import DataLoader

from gateway.backends import Backends
from gateway.errors import backend_failure
from gateway.loaders import Timeout


def customers_by_id(backends: Backends, timeout: Timeout) -> DataLoader[str, profile_pb2.Customer | None]:
    async def load(ids: list[str]) -> list[profile_pb2.Customer | None]:
        try:
            reply = await backends.profile.BatchGetCustomers(
                profile_pb2.BatchGetCustomersRequest(ids=ids), timeout=timeout()
            )
        except grpc.aio.AioRpcError as error:
            raise backend_failure(error, "profile") from error
        found = {c.id: c for c in reply.customers}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


PageKey = tuple[str, int, str]  # (customer id, page size, cursor)


def _page_loader(
    backends: Backends, timeout: Timeout, rpc_name: str
) -> DataLoader[PageKey, profile_pb2.NotePage | profile_pb2.TimelinePage]:
    async def load(keys: list[PageKey]) -> list[profile_pb2.NotePage | profile_pb2.TimelinePage]:
        request = profile_pb2.BatchPageRequest(
            queries=[profile_pb2.PageQuery(customer_id=c, page_size=n, page_token=a) for c, n, a in keys]
        )
        try:
            reply = await getattr(backends.profile, rpc_name)(request, timeout=timeout())
        except grpc.aio.AioRpcError as error:
            raise backend_failure(error, "profile") from error
        return list(reply.pages)

    return DataLoader(load_fn=load)


def note_pages(backends: Backends, timeout: Timeout) -> DataLoader[PageKey, Any]:
    """One page of notes per (customer, size, cursor): every customer's notes in a response in one call."""
    return _page_loader(backends, timeout, "BatchListNotes")


def timeline_pages(backends: Backends, timeout: Timeout) -> DataLoader[PageKey, Any]:
    """One timeline page per (customer, size, cursor), batched like the notes."""
    return _page_loader(backends, timeout, "BatchListTimeline")
