"""bulkIssueCoupons: starts a background job; clients follow it with couponBulkJob(id)."""

from __future__ import annotations

from customer360.coupons.v1 import coupons_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.coupons.bulk_types import CouponBulkJob
from gateway.features.coupons.payloads import BulkIssueCouponsInput, CouponBulkJobPayload
from gateway.mutations import call_backend


async def bulk_issue_coupons(info: GatewayInfo, input: BulkIssueCouponsInput) -> CouponBulkJobPayload:
    context = info.context
    request = coupons_pb2.StartBulkIssueRequest(
        campaign_id=str(input.campaign_id),
        list_id=str(input.list_id or ""),
        customer_ids=[str(i) for i in input.customer_ids or []],
        actor=context.actor(),
    )
    reply = await call_backend(
        context.backends.coupons.StartBulkIssue(request, timeout=context.timeout()), "coupons", ["input"]
    )
    if isinstance(reply, UserError):
        return CouponBulkJobPayload(user_errors=[reply])
    return CouponBulkJobPayload(job=CouponBulkJob(record=reply))
