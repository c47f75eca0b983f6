"""Inputs and payloads of the loyalty mutations."""

from __future__ import annotations

import strawberry
from customer360.loyalty.v1 import loyalty_pb2

from gateway.features.common import UserError
from gateway.features.loyalty.metrics_types import Purchase
from gateway.features.loyalty.types import LedgerEntry, Loyalty, OtpRecord


@strawberry.input
class AdjustPointsInput:
    customer_id: strawberry.ID
    points: int
    remark: str
    idempotency_key: str


@strawberry.type
class PointsPayload:
    loyalty: Loyalty | None = None
    entry: LedgerEntry | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, reply: loyalty_pb2.PointsResponse | UserError) -> PointsPayload:
        if isinstance(reply, UserError):
            return cls(user_errors=[reply])
        entry = LedgerEntry.of(reply.entry) if reply.HasField("entry") else None
        return cls(loyalty=Loyalty(account=reply.account), entry=entry)


@strawberry.type
class PurchasePayload:
    purchase: Purchase | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OtpPayload:
    otp: OtpRecord | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
