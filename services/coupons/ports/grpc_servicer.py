"""CouponsService over gRPC."""

from __future__ import annotations

from typing import Any

import grpc
from customer360.coupons.v1 import coupons_pb2, coupons_pb2_grpc

from c360.errors import InvalidInput
from services.coupons.adapters.mongo_campaigns import MongoCampaignRepository
from services.coupons.domain.campaign import Campaign

Context = grpc.aio.ServicerContext[Any, Any]
MAX_PAGE = 200


def campaign_to_proto(campaign: Campaign) -> coupons_pb2.Campaign:
    return coupons_pb2.Campaign(
        id=campaign.id,
        name=campaign.name,
        description=campaign.description or "",
        discount_type=campaign.discount_type.value,
        discount_value=str(campaign.discount_value),
        valid_days=campaign.valid_days or 0,
        per_customer_limit=campaign.per_customer_limit or 0,
        total_limit=campaign.total_limit or 0,
        code_prefix=campaign.code_prefix,
        active=campaign.active,
    )


class CouponsServicer(coupons_pb2_grpc.CouponsServiceServicer):
    def __init__(self, campaigns: MongoCampaignRepository) -> None:
        self._campaigns = campaigns

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
        rows = await self._campaigns.page(after, size + 1)
        more = len(rows) > size
        rows = rows[:size]
        return coupons_pb2.ListCampaignsResponse(
            campaigns=[campaign_to_proto(c) for _, c in rows],
            next_page_token=str(rows[-1][0]) if more and rows else "",
        )
