"""LoyaltyService over gRPC: thin translation; errors are mapped by the shared interceptor."""

from __future__ import annotations

from typing import Any

import grpc
from customer360.loyalty.v1 import loyalty_pb2, loyalty_pb2_grpc

from c360.events import timestamp
from services.loyalty.app.queries import AccountQueries
from services.loyalty.domain.ledger import Account

Context = grpc.aio.ServicerContext[Any, Any]


def account_to_proto(account: Account) -> loyalty_pb2.Account:
    return loyalty_pb2.Account(
        customer_id=account.customer_id,
        points_balance=account.points_balance,
        lifetime_points=account.lifetime_points,
        redeemed_points=account.redeemed_points,
        expired_points=account.expired_points,
        tier=account.tier,
        opened_at=timestamp(account.opened_at),
    )


class LoyaltyServicer(loyalty_pb2_grpc.LoyaltyServiceServicer):
    def __init__(self, queries: AccountQueries) -> None:
        self._queries = queries

    async def GetAccount(self, request: loyalty_pb2.GetAccountRequest, context: Context) -> loyalty_pb2.Account:
        return account_to_proto(await self._queries.get(request.customer_id))

    async def BatchGetAccounts(
        self, request: loyalty_pb2.BatchGetAccountsRequest, context: Context
    ) -> loyalty_pb2.BatchGetAccountsResponse:
        accounts = await self._queries.get_many(list(request.customer_ids))
        return loyalty_pb2.BatchGetAccountsResponse(accounts=[account_to_proto(a) for a in accounts])
