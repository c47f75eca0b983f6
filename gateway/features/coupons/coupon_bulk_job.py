"""couponBulkJob(id): the progress of a bulk issuance; null when there is no such job."""

from __future__ import annotations

import grpc
import strawberry
from customer360.coupons.v1 import coupons_pb2

from gateway.context import GatewayInfo
from gateway.errors import backend_failure
from gateway.features.coupons.bulk_types import CouponBulkJob


async def coupon_bulk_job(info: GatewayInfo, id: strawberry.ID) -> CouponBulkJob | None:
    context = info.context
    try:
        reply = await context.backends.coupons.GetBulkIssueJob(
            coupons_pb2.GetBulkIssueJobRequest(id=str(id)), timeout=context.timeout()
        )
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            return None
        raise backend_failure(error, "coupons") from error
    return CouponBulkJob(record=reply)
