"""One line a person reads for each event that happened to a customer (never a secret, never PII)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from customer360.events.v1 import (
    coupons_events_pb2 as coupons,
)
from customer360.events.v1 import (
    events_pb2,
)
from customer360.events.v1 import (
    loyalty_events_pb2 as loyalty,
)
from customer360.events.v1 import (
    messaging_events_pb2 as messaging,
)
from customer360.events.v1 import (
    profile_events_pb2 as profile,
)

from c360.events import event_type, unpack


def _points(e: loyalty.PointsChanged) -> str:
    return f"{e.points:+d} points ({e.type}), balance {e.balance_after}"


def _purchase(e: loyalty.PurchaseRecorded) -> str:
    kind = "Return" if e.kind == "RETURN" else "Purchase"
    where = f" at store {e.store_id}" if e.store_id else ""
    receipt = f", receipt {e.receipt_id}" if e.receipt_id else ""
    return f"{kind} of {e.total} {e.currency}{where}{receipt}, {e.points_earned} points earned"


_SUMMARIES: dict[type[Any], Callable[[Any], str]] = {
    profile.CustomerRegistered: lambda e: "Registered",
    profile.CustomerUpdated: lambda e: "Edited: " + ", ".join(e.changed_fields),
    profile.CustomerSuspended: lambda e: f"Suspended: {e.reason}",
    profile.CustomerReactivated: lambda e: "Reactivated",
    profile.CustomerErased: lambda e: "Personal data erased",
    profile.OptInChanged: lambda e: f"Opted {'in to' if e.opted_in else 'out of'} {e.campaign}",
    profile.ChannelLinkChanged: lambda e: f"{e.channel} link {'set' if e.link_id else 'removed'}",
    profile.NoteAdded: lambda e: f"Note added by {e.author_id}",
    profile.NoteEdited: lambda e: f"Note edited by {e.author_id}",
    profile.NoteDeleted: lambda e: f"Note deleted by {e.author_id}",
    loyalty.PointsChanged: _points,
    loyalty.PurchaseRecorded: _purchase,
    loyalty.TierChanged: lambda e: f"Tier changed from {e.from_tier} to {e.to_tier}",
    loyalty.RedemptionOtpRequested: lambda e: f"Redemption code requested for {e.points} points",
    coupons.CouponIssued: lambda e: f"Coupon {e.code} issued ({e.campaign_name or e.campaign_id})",
    coupons.CouponApplied: lambda e: f"Coupon {e.code} applied to {e.transaction_id}",
    coupons.CouponRejected: lambda e: f"Coupon {e.code} rejected: {e.reason}",
    coupons.CouponLapsed: lambda e: f"Coupon {e.code} lapsed",
    coupons.CouponRemoved: lambda e: f"Coupon {e.code} removed",
    coupons.CouponReinstated: lambda e: f"Coupon {e.code} reinstated",
    messaging.MessageSent: lambda e: (
        f"{e.channel} message {e.status.lower() or 'sent'}" + (f" ({e.campaign})" if e.campaign else "")
    ),
    messaging.MessageStatusChanged: lambda e: f"{e.channel} message {e.status.lower()}",
}


def summarise(envelope: events_pb2.EventEnvelope) -> tuple[str, str] | None:
    """(type, summary), or None for events that do not belong in a timeline (e.g. link-only ones)."""
    for payload_type, summary in _SUMMARIES.items():
        payload = unpack(envelope, payload_type)
        if payload is not None:
            return event_type(envelope), summary(payload)[:300]
    return None
