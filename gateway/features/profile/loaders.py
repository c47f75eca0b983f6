"""Customers by id, in one BatchGetCustomers call per request."""

from __future__ import annotations

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
