"""Domain objects to and from the coupons gRPC messages."""

from __future__ import annotations

from datetime import UTC, datetime

from customer360.coupons.v1 import coupons_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from c360.events import timestamp
from services.coupons.domain.campaign import Campaign
from services.coupons.domain.campaign_definition import CampaignDefinition
from services.coupons.domain.coupon import Coupon


def _set_time(target: Timestamp, moment: datetime | None) -> None:
    if moment is not None:
        target.CopyFrom(timestamp(moment))


def _time(message: coupons_pb2.Campaign, field: str) -> datetime | None:
    if not message.HasField(field):  # type: ignore[arg-type]
        return None
    stamp: Timestamp = getattr(message, field)
    return stamp.ToDatetime(tzinfo=UTC)


def campaign_to_proto(campaign: Campaign) -> coupons_pb2.Campaign:
    message = coupons_pb2.Campaign(
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
        reinstate_on_return=campaign.reinstate_on_return,
    )
    _set_time(message.valid_from, campaign.valid_from)
    _set_time(message.valid_until, campaign.valid_until)
    return message


def definition_from_proto(message: coupons_pb2.Campaign) -> CampaignDefinition:
    return CampaignDefinition(
        name=message.name,
        discount_type=message.discount_type,
        discount_value=message.discount_value,
        code_prefix=message.code_prefix,
        description=message.description or None,
        valid_days=message.valid_days or None,
        valid_from=_time(message, "valid_from"),
        valid_until=_time(message, "valid_until"),
        total_limit=message.total_limit or None,
        per_customer_limit=message.per_customer_limit or None,
        active=message.active,
        reinstate_on_return=message.reinstate_on_return,
    )


def coupon_to_proto(coupon: Coupon) -> coupons_pb2.Coupon:
    message = coupons_pb2.Coupon(
        code=coupon.code,
        customer_id=coupon.customer_id,
        campaign_id=coupon.campaign_id,
        status=coupons_pb2.CouponStatus.Value(f"COUPON_STATUS_{coupon.status.value}"),
        transaction_id=coupon.transaction_id or "",
        issued_by=coupon.issued_by or "",
        remark=coupon.remark or "",
        removed_by=coupon.removed_by or "",
    )
    _set_time(message.issued_at, coupon.issued_at)
    _set_time(message.expires_at, coupon.expires_at)
    _set_time(message.applied_at, coupon.applied_at)
    return message
