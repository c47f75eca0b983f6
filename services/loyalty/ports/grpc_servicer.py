"""LoyaltyService over gRPC: thin translation; errors are mapped by the shared interceptor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import grpc
from customer360.loyalty.v1 import loyalty_pb2, loyalty_pb2_grpc

from services.loyalty.app.adjust_points import AdjustPoints
from services.loyalty.app.queries import AccountView, LoyaltyQueries
from services.loyalty.app.redeem_points import RedeemPoints
from services.loyalty.app.request_otp import RequestRedemptionOtp
from services.loyalty.app.set_tier import SetTier
from services.loyalty.app.transfer_purchase import TransferPurchase
from services.loyalty.domain.ledger import LedgerEntry
from services.loyalty.ports.proto_mapping import account_to_proto, entry_to_proto, otp_to_proto, purchase_to_proto

Context = grpc.aio.ServicerContext[Any, Any]


@dataclass
class Commands:
    adjust_points: AdjustPoints
    set_tier: SetTier
    transfer_purchase: TransferPurchase
    request_otp: RequestRedemptionOtp
    redeem_points: RedeemPoints


class LoyaltyServicer(loyalty_pb2_grpc.LoyaltyServiceServicer):
    def __init__(self, queries: LoyaltyQueries, commands: Commands) -> None:
        self._queries = queries
        self._commands = commands

    async def GetAccount(self, request: loyalty_pb2.GetAccountRequest, context: Context) -> loyalty_pb2.Account:
        return account_to_proto(await self._queries.account(request.customer_id))

    async def BatchGetAccounts(
        self, request: loyalty_pb2.BatchGetAccountsRequest, context: Context
    ) -> loyalty_pb2.BatchGetAccountsResponse:
        views = await self._queries.accounts_of(list(request.customer_ids))
        return loyalty_pb2.BatchGetAccountsResponse(accounts=[account_to_proto(v) for v in views])

    async def SearchPurchases(
        self, request: loyalty_pb2.SearchPurchasesRequest, context: Context
    ) -> loyalty_pb2.SearchPurchasesResponse:
        found = await self._queries.search(list(request.receipt_ids), list(request.transaction_ids), request.limit)
        return loyalty_pb2.SearchPurchasesResponse(purchases=[purchase_to_proto(p) for p in found])

    async def ListPurchases(
        self, request: loyalty_pb2.ListPurchasesRequest, context: Context
    ) -> loyalty_pb2.ListPurchasesResponse:
        queries = [(q.customer_id, q.first, q.after, q.search) for q in request.queries]
        pages = await self._queries.purchase_pages(queries)
        return loyalty_pb2.ListPurchasesResponse(
            pages=[
                loyalty_pb2.PurchasePage(
                    purchases=[purchase_to_proto(p) for p in page.items],
                    cursors=page.cursors,
                    has_next_page=page.has_next_page,
                )
                for page in pages
            ]
        )

    async def ListLedger(
        self, request: loyalty_pb2.ListLedgerRequest, context: Context
    ) -> loyalty_pb2.ListLedgerResponse:
        pages = await self._queries.ledger_pages([(q.customer_id, q.first, q.after, q.type) for q in request.queries])
        return loyalty_pb2.ListLedgerResponse(
            pages=[
                loyalty_pb2.LedgerPage(
                    entries=[entry_to_proto(e) for e in page.items],
                    cursors=page.cursors,
                    has_next_page=page.has_next_page,
                )
                for page in pages
            ]
        )

    async def ListOtps(self, request: loyalty_pb2.ListOtpsRequest, context: Context) -> loyalty_pb2.ListOtpsResponse:
        found = await self._queries.recent_otps(list(request.customer_ids), request.first or 10)
        now = datetime.now(UTC)
        return loyalty_pb2.ListOtpsResponse(
            customers=[
                loyalty_pb2.CustomerOtps(customer_id=c, otps=[otp_to_proto(o, o.status_at(now)) for o in otps])
                for c, otps in found.items()
            ]
        )

    async def AdjustPoints(
        self, request: loyalty_pb2.AdjustPointsRequest, context: Context
    ) -> loyalty_pb2.PointsResponse:
        entry = await self._commands.adjust_points(
            request.customer_id, request.points, request.remark, request.idempotency_key, request.actor
        )
        return await self._points_response(entry.customer_id, entry)

    async def SetTier(self, request: loyalty_pb2.SetTierRequest, context: Context) -> loyalty_pb2.PointsResponse:
        await self._commands.set_tier(request.customer_id, request.tier, request.remark, request.actor)
        return await self._points_response(request.customer_id, None)

    async def TransferPurchase(
        self, request: loyalty_pb2.TransferPurchaseRequest, context: Context
    ) -> loyalty_pb2.TransferPurchaseResponse:
        moved = await self._commands.transfer_purchase(
            request.transaction_id, request.to_customer_id, request.remark, request.actor
        )
        return loyalty_pb2.TransferPurchaseResponse(purchase=purchase_to_proto(moved))

    async def RequestRedemptionOtp(
        self, request: loyalty_pb2.RequestRedemptionOtpRequest, context: Context
    ) -> loyalty_pb2.OtpRecord:
        otp = await self._commands.request_otp(request.customer_id, request.points, request.actor)
        return otp_to_proto(otp, otp.status)

    async def RedeemPoints(
        self, request: loyalty_pb2.RedeemPointsRequest, context: Context
    ) -> loyalty_pb2.PointsResponse:
        entry = await self._commands.redeem_points(
            request.customer_id, request.points, request.otp, request.idempotency_key, request.actor
        )
        return await self._points_response(entry.customer_id, entry)

    async def _points_response(self, customer_id: str, entry: LedgerEntry | None) -> loyalty_pb2.PointsResponse:
        view: AccountView = await self._queries.account(customer_id)
        response = loyalty_pb2.PointsResponse(account=account_to_proto(view))
        if entry is not None:
            response.entry.CopyFrom(entry_to_proto(entry))
        return response
