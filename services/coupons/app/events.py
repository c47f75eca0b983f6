"""The coupons service's events, ready for a document's outbox."""

from __future__ import annotations

from customer360.events.v1 import coupons_events_pb2
from google.protobuf.message import Message

from c360.events import new_envelope, timestamp, to_outbox
from c360.outbox import OutboxRecord
from services.coupons.domain.campaign import Campaign
from services.coupons.domain.coupon import Coupon

PRODUCER = "coupons"


def outbox_event(customer_id: str, payload: Message, topic: str, actor: str = "system") -> list[OutboxRecord]:
    return [to_outbox(new_envelope(customer_id, PRODUCER, payload, actor=actor), topic)]


def coupon_issued(coupon: Coupon, campaign: Campaign) -> coupons_events_pb2.CouponIssued:
    event = coupons_events_pb2.CouponIssued(
        code=coupon.code,
        campaign_id=campaign.id,
        campaign_name=campaign.name,
        description=campaign.description or "",
        discount_type=campaign.discount_type.value,
        discount_value=str(campaign.discount_value),
    )
    if coupon.expires_at is not None:
        event.expires_at.CopyFrom(timestamp(coupon.expires_at))
    return event
