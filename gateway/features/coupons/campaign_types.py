"""Campaigns as clients see them, and their Relay connection."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import strawberry
from customer360.coupons.v1 import coupons_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from gateway.features.common import Node, PageInfo


def time_or_none(message: coupons_pb2.Coupon | coupons_pb2.Campaign, field: str) -> datetime | None:
    if not message.HasField(field):  # type: ignore[arg-type]
        return None
    stamp: Timestamp = getattr(message, field)
    return stamp.ToDatetime(tzinfo=UTC)


@strawberry.type
class Campaign(Node):
    record: strawberry.Private[coupons_pb2.Campaign]
    id: strawberry.ID

    @classmethod
    def of(cls, record: coupons_pb2.Campaign) -> Campaign:
        return cls(record=record, id=strawberry.ID(record.id))

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def description(self) -> str | None:
        return self.record.description or None

    @strawberry.field(description="PERCENT, AMOUNT or FREE_ITEM.")
    def discount_type(self) -> str:
        return self.record.discount_type

    @strawberry.field
    def discount_value(self) -> Decimal:
        return Decimal(self.record.discount_value or "0")

    @strawberry.field(description="Days a coupon stays valid from its issue; null when only the window applies.")
    def valid_days(self) -> int | None:
        return self.record.valid_days or None

    @strawberry.field(description="Null: no limit per customer.")
    def per_customer_limit(self) -> int | None:
        return self.record.per_customer_limit or None

    @strawberry.field(description="Null: no limit on coupons issued in total.")
    def total_limit(self) -> int | None:
        return self.record.total_limit or None

    @strawberry.field
    def code_prefix(self) -> str:
        return self.record.code_prefix

    @strawberry.field
    def active(self) -> bool:
        return self.record.active

    @strawberry.field
    def valid_from(self) -> datetime | None:
        return time_or_none(self.record, "valid_from")

    @strawberry.field
    def valid_until(self) -> datetime | None:
        return time_or_none(self.record, "valid_until")

    @strawberry.field(description="Whether a return of the purchase that applied a coupon gives it back.")
    def reinstate_on_return(self) -> bool:
        return self.record.reinstate_on_return


@strawberry.type
class CampaignEdge:
    cursor: str
    node: Campaign


@strawberry.type
class CampaignConnection:
    edges: list[CampaignEdge]
    page_info: PageInfo
