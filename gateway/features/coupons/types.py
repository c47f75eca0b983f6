"""The coupons feature's types: campaigns, coupons and their Relay connections."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum

import strawberry
from customer360.coupons.v1 import coupons_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from gateway.context import GatewayInfo
from gateway.errors import CodedError
from gateway.features.common import Node, PageInfo
from gateway.features.coupons.loaders import campaigns_by_id


@strawberry.enum
class CouponStatus(Enum):
    ACTIVE = "ACTIVE"
    APPLIED = "APPLIED"
    LAPSED = "LAPSED"
    REMOVED = "REMOVED"


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
class Coupon:
    record: strawberry.Private[coupons_pb2.Coupon]

    @strawberry.field
    def code(self) -> str:
        return self.record.code

    @strawberry.field(description="Resolved in one batch call for every coupon of the response.")
    async def campaign(self, info: GatewayInfo) -> Campaign:
        found = await info.context.loaders.get(campaigns_by_id).load(self.record.campaign_id)
        if found is None:
            raise CodedError("NOT_FOUND", f"No campaign with id {self.record.campaign_id}.")
        return Campaign.of(found)

    @strawberry.field
    def status(self) -> CouponStatus:
        return CouponStatus(coupons_pb2.CouponStatus.Name(self.record.status).removeprefix("COUPON_STATUS_"))

    @strawberry.field
    def issued_at(self) -> datetime:
        return self.record.issued_at.ToDatetime(tzinfo=UTC)

    @strawberry.field
    def expires_at(self) -> datetime | None:
        return time_or_none(self.record, "expires_at")

    @strawberry.field
    def applied_at(self) -> datetime | None:
        return time_or_none(self.record, "applied_at")

    @strawberry.field
    def transaction_id(self) -> str | None:
        return self.record.transaction_id or None

    @strawberry.field
    def issued_by(self) -> str | None:
        return self.record.issued_by or None

    @strawberry.field(description="Why the coupon was removed.")
    def remark(self) -> str | None:
        return self.record.remark or None

    @strawberry.field(description="Who removed the coupon.")
    def removed_by(self) -> str | None:
        return self.record.removed_by or None


@strawberry.type
class CouponEdge:
    cursor: str
    node: Coupon


@strawberry.type
class CouponConnection:
    edges: list[CouponEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: coupons_pb2.CouponPage) -> CouponConnection:
        edges = [CouponEdge(cursor=c, node=Coupon(record=r)) for r, c in zip(page.coupons, page.cursors, strict=True)]
        more = bool(page.next_page_token)
        return cls(edges=edges, page_info=PageInfo(has_next_page=more, end_cursor=edges[-1].cursor if edges else None))


@strawberry.type
class CampaignEdge:
    cursor: str
    node: Campaign


@strawberry.type
class CampaignConnection:
    edges: list[CampaignEdge]
    page_info: PageInfo
