"""CouponsService over gRPC: proto in, use case, proto out; refusals are DomainErrors."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
from customer360.coupons.v1 import coupons_pb2, coupons_pb2_grpc

from c360.errors import InvalidInput, NotFound
from services.coupons.adapters.mongo_bulk_jobs import MongoBulkJobs
from services.coupons.adapters.mongo_campaigns import MongoCampaignRepository
from services.coupons.app.bulk_issue import StartBulkIssue
from services.coupons.app.create_campaign import CreateCampaign
from services.coupons.app.issue_coupon import IssueCoupon, IssueRequest
from services.coupons.app.lapse_coupons import LapseCoupons
from services.coupons.app.queries import CouponListQuery, CouponQueries
from services.coupons.app.remove_coupon import RemoveCoupon
from services.coupons.ports.bulk_job_mapping import bulk_job_to_proto
from services.coupons.proto_mapping import campaign_to_proto, coupon_to_proto, definition_from_proto

Context = grpc.aio.ServicerContext[Any, Any]
T = TypeVar("T")
MAX_PAGE = 200
MAX_BATCH = 500


@dataclass
class CouponsUseCases:
    campaigns: MongoCampaignRepository
    create_campaign: CreateCampaign
    issue: IssueCoupon
    remove: RemoveCoupon
    queries: CouponQueries
    start_bulk: StartBulkIssue
    bulk_jobs: MongoBulkJobs
    lapse: LapseCoupons


def finish_even_if_cancelled(work: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
    """A caller's deadline must not stop an issuance halfway (slots taken, coupon not stored): it completes."""
    task = asyncio.ensure_future(work)
    task.add_done_callback(lambda done: done.cancelled() or done.exception())  # retrieved: never "unhandled"
    return asyncio.shield(task)


class CouponsServicer(coupons_pb2_grpc.CouponsServiceServicer):
    def __init__(self, use_cases: CouponsUseCases) -> None:
        self._do = use_cases

    async def ListCampaigns(
        self, request: coupons_pb2.ListCampaignsRequest, context: Context
    ) -> coupons_pb2.ListCampaignsResponse:
        size = request.page_size or 50
        if not 0 < size <= MAX_PAGE:
            raise InvalidInput("INVALID_PAGE_SIZE", f"Page size must be 1 to {MAX_PAGE}.", "first")
        try:
            after = int(request.page_token) if request.page_token else -1
        except ValueError as error:
            raise InvalidInput("INVALID_CURSOR", "The cursor is not one this service issued.", "after") from error
        rows = await self._do.campaigns.page(after, size + 1)
        more = len(rows) > size
        rows = rows[:size]
        return coupons_pb2.ListCampaignsResponse(
            campaigns=[campaign_to_proto(c) for _, c in rows],
            next_page_token=str(rows[-1][0]) if more and rows else "",
            cursors=[str(seq) for seq, _ in rows],
        )

    async def BatchGetCampaigns(
        self, request: coupons_pb2.BatchGetCampaignsRequest, context: Context
    ) -> coupons_pb2.BatchGetCampaignsResponse:
        ids = list(dict.fromkeys(request.ids))[:MAX_BATCH]
        campaigns = await self._do.campaigns.get_many(ids)
        return coupons_pb2.BatchGetCampaignsResponse(campaigns=[campaign_to_proto(c) for c in campaigns])

    async def CreateCampaign(
        self, request: coupons_pb2.CreateCampaignRequest, context: Context
    ) -> coupons_pb2.Campaign:
        campaign = await self._do.create_campaign(definition_from_proto(request.campaign), request.actor)
        return campaign_to_proto(campaign)

    async def IssueCoupon(self, request: coupons_pb2.IssueCouponRequest, context: Context) -> coupons_pb2.Coupon:
        issuance = IssueRequest(request.customer_id, request.campaign_id, request.idempotency_key, request.actor)
        return coupon_to_proto(await finish_even_if_cancelled(self._do.issue(issuance)))

    async def RemoveCoupon(self, request: coupons_pb2.RemoveCouponRequest, context: Context) -> coupons_pb2.Coupon:
        coupon = await self._do.remove(request.code, request.remark, request.actor, request.customer_id)
        return coupon_to_proto(coupon)

    async def BatchListCoupons(
        self, request: coupons_pb2.BatchListCouponsRequest, context: Context
    ) -> coupons_pb2.BatchListCouponsResponse:
        if len(request.queries) > MAX_BATCH:
            raise InvalidInput("BATCH_TOO_LARGE", f"At most {MAX_BATCH} lists per call.", "queries")
        queries = [CouponListQuery(q.customer_id, q.section, q.page_size, q.page_token) for q in request.queries]
        pages = [
            coupons_pb2.CouponPage(
                coupons=[coupon_to_proto(c) for c in page.coupons],
                next_page_token=page.next_page_token,
                cursors=page.cursors,
            )
            for page in await self._do.queries.pages(queries)
        ]
        return coupons_pb2.BatchListCouponsResponse(pages=pages)

    async def StartBulkIssue(
        self, request: coupons_pb2.StartBulkIssueRequest, context: Context
    ) -> coupons_pb2.BulkIssueJob:
        job_id = await self._do.start_bulk(
            request.campaign_id, list(request.customer_ids), request.list_id, request.actor
        )
        return await self._job(job_id)

    async def GetBulkIssueJob(
        self, request: coupons_pb2.GetBulkIssueJobRequest, context: Context
    ) -> coupons_pb2.BulkIssueJob:
        return await self._job(request.id)

    async def LapseExpiredCoupons(
        self, request: coupons_pb2.LapseExpiredCouponsRequest, context: Context
    ) -> coupons_pb2.LapseExpiredCouponsResponse:
        return coupons_pb2.LapseExpiredCouponsResponse(lapsed=await self._do.lapse())

    async def _job(self, job_id: str) -> coupons_pb2.BulkIssueJob:
        job = await self._do.bulk_jobs.get(job_id)
        if job is None:
            raise NotFound(f"No bulk issuance job with id {job_id}.", "JOB_NOT_FOUND", "id")
        return bulk_job_to_proto(job)
