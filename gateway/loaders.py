"""Per-request DataLoaders: every customer's section in one response costs one batch RPC per backend."""

from __future__ import annotations

from collections.abc import Callable

import grpc
from customer360.loyalty.v1 import loyalty_pb2
from customer360.profile.v1 import profile_pb2
from strawberry.dataloader import DataLoader

from gateway.backends import Backends
from gateway.errors import backend_failure


class Loaders:
    def __init__(self, backends: Backends, timeout: Callable[[], float]) -> None:
        self._backends = backends
        self._timeout = timeout
        self.customer: DataLoader[str, profile_pb2.Customer | None] = DataLoader(load_fn=self._customers)
        self.account: DataLoader[str, loyalty_pb2.Account | None] = DataLoader(load_fn=self._accounts)

    async def _customers(self, ids: list[str]) -> list[profile_pb2.Customer | None]:
        try:
            reply = await self._backends.profile.BatchGetCustomers(
                profile_pb2.BatchGetCustomersRequest(ids=ids), timeout=self._timeout()
            )
        except grpc.aio.AioRpcError as error:
            raise backend_failure(error, "profile") from error
        found = {c.id: c for c in reply.customers}
        return [found.get(i) for i in ids]

    async def _accounts(self, ids: list[str]) -> list[loyalty_pb2.Account | None]:
        try:
            reply = await self._backends.loyalty.BatchGetAccounts(
                loyalty_pb2.BatchGetAccountsRequest(customer_ids=ids), timeout=self._timeout()
            )
        except grpc.aio.AioRpcError as error:
            raise backend_failure(error, "loyalty") from error
        found = {a.customer_id: a for a in reply.accounts}
        return [found.get(i) for i in ids]
