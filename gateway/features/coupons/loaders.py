"""Campaigns by id and customers' coupon pages: one batch call each per request, never one per item."""

from __future__ import annotations

import grpc
from customer360.coupons.v1 import coupons_pb2
from strawberry.dataloader import DataLoader

from gateway.backends import Backends
from gateway.errors import backend_failure
from gateway.loaders import Timeout

# (customer id, section ACTIVE|APPLIED|LAPSED, first, after)
CouponPageKey = tuple[str, str, int, str]


def campaigns_by_id(backends: Backends, timeout: Timeout) -> DataLoader[str, coupons_pb2.Campaign | None]:
    async def load(ids: list[str]) -> list[coupons_pb2.Campaign | None]:
        try:
            reply = await backends.coupons.BatchGetCampaigns(
                coupons_pb2.BatchGetCampaignsRequest(ids=ids), timeout=timeout()
            )
        except grpc.aio.AioRpcError as error:
            raise backend_failure(error, "coupons") from error
        found = {c.id: c for c in reply.campaigns}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def coupon_pages(backends: Backends, timeout: Timeout) -> DataLoader[CouponPageKey, coupons_pb2.CouponPage]:
    async def load(keys: list[CouponPageKey]) -> list[coupons_pb2.CouponPage]:
        queries = [
            coupons_pb2.CouponListQuery(customer_id=c, section=s, page_size=first, page_token=after)
            for c, s, first, after in keys
        ]
        try:
            reply = await backends.coupons.BatchListCoupons(
                coupons_pb2.BatchListCouponsRequest(queries=queries), timeout=timeout()
            )
        except grpc.aio.AioRpcError as error:
            raise backend_failure(error, "coupons") from error
        return list(reply.pages)

    return DataLoader(load_fn=load)
