"""Loyalty data for every customer of one response, one batch RPC per kind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import grpc
from customer360.loyalty.v1 import loyalty_pb2
from strawberry.dataloader import DataLoader

from gateway.backends import Backends
from gateway.errors import backend_failure
from gateway.loaders import Timeout

V = TypeVar("V")
# (customer id, first, after, ledger entry type or purchase search)
PageKey = tuple[str, int, str, str]
OtpKey = tuple[str, int]


async def _call(call: Callable[[], Awaitable[V]]) -> V:
    try:
        return await call()
    except grpc.aio.AioRpcError as error:
        raise backend_failure(error, "loyalty") from error


def accounts_by_customer(backends: Backends, timeout: Timeout) -> DataLoader[str, loyalty_pb2.Account | None]:
    async def load(ids: list[str]) -> list[loyalty_pb2.Account | None]:
        reply = await _call(
            lambda: backends.loyalty.BatchGetAccounts(
                loyalty_pb2.BatchGetAccountsRequest(customer_ids=ids), timeout=timeout()
            )
        )
        found = {a.customer_id: a for a in reply.accounts}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def ledger_pages(backends: Backends, timeout: Timeout) -> DataLoader[PageKey, loyalty_pb2.LedgerPage]:
    async def load(keys: list[PageKey]) -> list[loyalty_pb2.LedgerPage]:
        queries = [loyalty_pb2.LedgerPageQuery(customer_id=c, first=n, after=a, type=t) for c, n, a, t in keys]
        reply = await _call(
            lambda: backends.loyalty.ListLedger(loyalty_pb2.ListLedgerRequest(queries=queries), timeout=timeout())
        )
        return list(reply.pages)

    return DataLoader(load_fn=load)


def purchase_pages(backends: Backends, timeout: Timeout) -> DataLoader[PageKey, loyalty_pb2.PurchasePage]:
    async def load(keys: list[PageKey]) -> list[loyalty_pb2.PurchasePage]:
        queries = [loyalty_pb2.PurchasePageQuery(customer_id=c, first=n, after=a, search=s) for c, n, a, s in keys]
        reply = await _call(
            lambda: backends.loyalty.ListPurchases(loyalty_pb2.ListPurchasesRequest(queries=queries), timeout=timeout())
        )
        return list(reply.pages)

    return DataLoader(load_fn=load)


def otps_by_customer(backends: Backends, timeout: Timeout) -> DataLoader[OtpKey, list[loyalty_pb2.OtpRecord]]:
    async def load(keys: list[OtpKey]) -> list[list[loyalty_pb2.OtpRecord]]:
        most = max(n for _, n in keys)
        ids = list(dict.fromkeys(c for c, _ in keys))
        reply = await _call(
            lambda: backends.loyalty.ListOtps(
                loyalty_pb2.ListOtpsRequest(customer_ids=ids, first=most), timeout=timeout()
            )
        )
        found = {c.customer_id: list(c.otps) for c in reply.customers}
        return [found.get(c, [])[:n] for c, n in keys]

    return DataLoader(load_fn=load)
