"""Kafka consumers: profile events feed the recipients projection; coupon and loyalty events ask for messages."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC

from customer360.events.v1 import events_pb2
from customer360.events.v1.coupons_events_pb2 import CouponIssued
from customer360.events.v1.loyalty_events_pb2 import RedemptionOtpRequested
from customer360.events.v1.profile_events_pb2 import (
    ChannelLinkChanged,
    CustomerErased,
    CustomerRegistered,
    CustomerUpdated,
    OptInChanged,
)
from google.protobuf.message import DecodeError

from c360.events import parse_envelope, unpack
from c360.kafka.consumer import PoisonMessage, Record
from services.messaging.app.notifications import CouponIssuedNotice, Notifications
from services.messaging.app.profile_projection import ProfileProjection


def envelope_of(record: Record) -> events_pb2.EventEnvelope:
    try:
        envelope = parse_envelope(record.value or b"")
    except DecodeError as error:
        raise PoisonMessage(f"not an event envelope: {error}") from error
    if not envelope.customer_id or not envelope.event_id:
        raise PoisonMessage("event without customer id or event id")
    return envelope


@dataclass
class ProfileEventsConsumer:
    projection: ProfileProjection

    async def prelude(self, records: list[Record]) -> set[int]:
        """A fetch's registrations of customers not known yet, in one write (an import floods the topic)."""
        registered: dict[int, tuple[str, str, str, str]] = {}
        for position, record in enumerate(records):
            with contextlib.suppress(PoisonMessage):  # the handler dead-letters it
                envelope = envelope_of(record)
                if (event := unpack(envelope, CustomerRegistered)) is not None:
                    c = event.customer
                    registered[position] = (envelope.customer_id, c.first_name, c.mobile, c.email)
        created = await self.projection.registered_many(list({c[0]: c for c in registered.values()}.values()))
        return {position for position, contact in registered.items() if contact[0] in created}

    async def __call__(self, record: Record) -> None:
        envelope = envelope_of(record)
        customer_id = envelope.customer_id
        registered, updated = unpack(envelope, CustomerRegistered), unpack(envelope, CustomerUpdated)
        changed = registered.customer if registered is not None else updated.customer if updated is not None else None
        if changed is not None:
            await self.projection.contact_changed(customer_id, changed.first_name, changed.mobile, changed.email)
        if (opt_in := unpack(envelope, OptInChanged)) is not None:
            await self.projection.opt_in_changed(customer_id, opt_in.campaign, opt_in.opted_in)
        if (link := unpack(envelope, ChannelLinkChanged)) is not None:
            await self.projection.channel_link_changed(customer_id, link.channel, link.link_id)
        if unpack(envelope, CustomerErased) is not None:
            await self.projection.erased(customer_id)


@dataclass
class NotificationEventsConsumer:
    """`coupons.events` and `loyalty.events`: only CouponIssued and RedemptionOtpRequested matter here."""

    notifications: Notifications

    async def __call__(self, record: Record) -> None:
        envelope = envelope_of(record)
        if (coupon := unpack(envelope, CouponIssued)) is not None:
            notice = CouponIssuedNotice(
                event_id=envelope.event_id,
                customer_id=envelope.customer_id,
                code=coupon.code,
                campaign_name=coupon.campaign_name,
                expires_at=coupon.expires_at.ToDatetime(tzinfo=UTC) if coupon.HasField("expires_at") else None,
                occurred_at=envelope.occurred_at.ToDatetime(tzinfo=UTC),
            )
            await self.notifications.coupon_issued(notice)
        if (otp := unpack(envelope, RedemptionOtpRequested)) is not None:
            await self.notifications.redemption_otp(envelope.event_id, envelope.customer_id, otp.code, otp.points)
