"""createCampaign: an administrator defines a coupon campaign."""

from __future__ import annotations

from datetime import datetime

from customer360.coupons.v1 import coupons_pb2

from c360.events import timestamp
from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.coupons.campaign_types import Campaign
from gateway.features.coupons.payloads import CampaignPayload, CreateCampaignInput
from gateway.mutations import call_backend

UNSET_LIMIT = 0


def _limit(value: int | None) -> int:
    """Absent means no limit (0 on the wire); a given value is sent as is, so 0 or less is refused there."""
    if value is None:
        return UNSET_LIMIT
    return value if value > 0 else -1


def _campaign(data: CreateCampaignInput) -> coupons_pb2.Campaign:
    message = coupons_pb2.Campaign(
        name=data.name,
        description=data.description or "",
        discount_type=data.discount_type,
        discount_value=str(data.discount_value),
        code_prefix=data.code_prefix,
        valid_days=_limit(data.valid_days),
        total_limit=_limit(data.total_limit),
        per_customer_limit=_limit(data.per_customer_limit),
        active=data.active,
        reinstate_on_return=data.reinstate_on_return,
    )
    moments: list[tuple[str, datetime | None]] = [("valid_from", data.valid_from), ("valid_until", data.valid_until)]
    for field, moment in moments:
        if moment is not None:
            getattr(message, field).CopyFrom(timestamp(moment))
    return message


async def create_campaign(info: GatewayInfo, input: CreateCampaignInput) -> CampaignPayload:
    context = info.context
    request = coupons_pb2.CreateCampaignRequest(campaign=_campaign(input), actor=context.actor())
    reply = await call_backend(
        context.backends.coupons.CreateCampaign(request, timeout=context.timeout()), "coupons", ["input"]
    )
    if isinstance(reply, UserError):
        return CampaignPayload(user_errors=[reply])
    return CampaignPayload(campaign=Campaign.of(reply))
