"""A bulk issuance job as clients follow it: progress, and refusals counted by code."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from customer360.coupons.v1 import coupons_pb2


@strawberry.type
class CouponBulkFailure:
    code: str
    count: int


@strawberry.type
class CouponBulkJob:
    record: strawberry.Private[coupons_pb2.BulkIssueJob]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def campaign_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.campaign_id)

    @strawberry.field
    def list_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.record.list_id) if self.record.list_id else None

    @strawberry.field(description="Customers to go through; 0 until a list's members are read.")
    def total(self) -> int:
        return self.record.total

    @strawberry.field
    def processed(self) -> int:
        return self.record.processed

    @strawberry.field
    def issued(self) -> int:
        return self.record.issued

    @strawberry.field
    def failed(self) -> int:
        return self.record.failed

    @strawberry.field(description="Refusals by code, e.g. COUPON_LIMIT_REACHED, CUSTOMER_SUSPENDED.")
    def failures(self) -> list[CouponBulkFailure]:
        return [CouponBulkFailure(code=f.code, count=f.count) for f in self.record.failures]

    @strawberry.field
    def finished(self) -> bool:
        return self.record.finished

    @strawberry.field(description="Why the job could not run at all (e.g. an unknown list).")
    def error(self) -> str | None:
        return self.record.error or None

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at.ToDatetime(tzinfo=UTC)
