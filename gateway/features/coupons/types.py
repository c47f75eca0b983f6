"""Coupons as clients see them, and their Relay connection."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

import strawberry
from customer360.coupons.v1 import coupons_pb2

from gateway.context import GatewayInfo
from gateway.errors import CodedError
from gateway.features.common import PageInfo
from gateway.features.coupons.campaign_types import Campaign, time_or_none
from gateway.features.coupons.loaders import campaigns_by_id


@strawberry.enum
class CouponStatus(Enum):
    ACTIVE = "ACTIVE"
    APPLIED = "APPLIED"
    LAPSED = "LAPSED"
    REMOVED = "REMOVED"


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
