"""campaigns(first, after): the campaigns coupons can be issued from, in creation order."""

from __future__ import annotations

import grpc
from customer360.coupons.v1 import coupons_pb2

from gateway.context import GatewayInfo
from gateway.errors import backend_failure
from gateway.features.common import PageInfo
from gateway.features.coupons.campaign_types import Campaign, CampaignConnection, CampaignEdge
from gateway.features.coupons.loaders import campaigns_by_id


async def campaigns(info: GatewayInfo, first: int | None = 50, after: str | None = None) -> CampaignConnection:
    context = info.context
    try:
        reply = await context.backends.coupons.ListCampaigns(
            coupons_pb2.ListCampaignsRequest(page_size=first or 50, page_token=after or ""), timeout=context.timeout()
        )
    except grpc.aio.AioRpcError as error:
        raise backend_failure(error, "coupons") from error
    loader = context.loaders.get(campaigns_by_id)
    edges = []
    for record, cursor in zip(reply.campaigns, reply.cursors, strict=True):
        loader.prime(record.id, record)
        edges.append(CampaignEdge(cursor=cursor, node=Campaign.of(record)))
    page_info = PageInfo(has_next_page=bool(reply.next_page_token), end_cursor=edges[-1].cursor if edges else None)
    return CampaignConnection(edges=edges, page_info=page_info)
