"""Points accounts by customer id, in one BatchGetAccounts call per request."""

from __future__ import annotations

import grpc
from customer360.loyalty.v1 import loyalty_pb2
from strawberry.dataloader import DataLoader

from gateway.backends import Backends
from gateway.errors import backend_failure
from gateway.loaders import Timeout


def accounts_by_customer(backends: Backends, timeout: Timeout) -> DataLoader[str, loyalty_pb2.Account | None]:
    async def load(ids: list[str]) -> list[loyalty_pb2.Account | None]:
        try:
            reply = await backends.loyalty.BatchGetAccounts(
                loyalty_pb2.BatchGetAccountsRequest(customer_ids=ids), timeout=timeout()
            )
        except grpc.aio.AioRpcError as error:
            raise backend_failure(error, "loyalty") from error
        found = {a.customer_id: a for a in reply.accounts}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)
