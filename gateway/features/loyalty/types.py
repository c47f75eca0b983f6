"""The loyalty section's types: points, lots, ledger, OTPs."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

import strawberry
from customer360.loyalty.v1 import loyalty_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from gateway.context import GatewayInfo
from gateway.features.common import PageInfo
from gateway.features.loyalty.loaders import ledger_pages, otps_by_customer
from gateway.features.loyalty.paging import page_size, slice_after


def history_key(customer_id: str, first: int | None, after: str | None, entry_type: str) -> tuple[str, int, str, str]:
    """The loader key of a ledger page; `entry_type`: a LedgerEntryType's name, or "" for every type."""
    return (customer_id, page_size(first), after or "", entry_type)


def otps_key(customer_id: str, first: int | None) -> tuple[str, int]:
    return (customer_id, page_size(first))


@strawberry.enum
class LedgerEntryType(Enum):
    EARN = "EARN"
    REDEEM = "REDEEM"
    ADJUST = "ADJUST"
    EXPIRE = "EXPIRE"
    REFERRAL = "REFERRAL"
    TRANSFER = "TRANSFER"
    REVERSAL = "REVERSAL"


def time_of(stamp: Timestamp) -> datetime:
    return stamp.ToDatetime(tzinfo=UTC)


@strawberry.type
class PointsExpiry:
    points: int
    expires_at: datetime


@strawberry.type
class Referral:
    code: str
    referred_count: int
    points_earned: int


@strawberry.type
class LedgerEntry:
    id: strawberry.ID
    type: LedgerEntryType
    points: int
    balance_after: int
    remark: str | None
    actor: str | None
    transaction_id: str | None
    store_id: str | None
    terminal_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, e: loyalty_pb2.LedgerEntry) -> LedgerEntry:
        return cls(
            id=strawberry.ID(e.id),
            type=LedgerEntryType(e.type),
            points=e.points,
            balance_after=e.balance_after,
            remark=e.remark or None,
            actor=e.actor or None,
            transaction_id=e.transaction_id or None,
            store_id=e.store_id or None,
            terminal_id=e.terminal_id or None,
            created_at=time_of(e.created_at),
        )


@strawberry.type
class PointsLot:
    id: strawberry.ID
    points: int
    points_left: int
    transaction_id: str | None
    store_id: str | None
    terminal_id: str | None
    created_at: datetime
    expires_at: datetime | None
    type: LedgerEntryType

    @classmethod
    def of(cls, lot: loyalty_pb2.PointsLot) -> PointsLot:
        return cls(
            id=strawberry.ID(lot.id),
            points=lot.points,
            points_left=lot.points_left,
            transaction_id=lot.transaction_id or None,
            store_id=lot.store_id or None,
            terminal_id=lot.terminal_id or None,
            created_at=time_of(lot.created_at),
            expires_at=time_of(lot.expires_at) if lot.HasField("expires_at") else None,
            type=LedgerEntryType(lot.type),
        )


@strawberry.type
class OtpRecord:
    id: strawberry.ID
    masked_code: str
    points: int
    status: str
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, otp: loyalty_pb2.OtpRecord) -> OtpRecord:
        return cls(
            id=strawberry.ID(otp.id),
            masked_code=otp.masked_code,
            points=otp.points,
            status=otp.status,
            created_at=time_of(otp.created_at),
            expires_at=time_of(otp.expires_at),
        )


@strawberry.type
class LedgerEdge:
    cursor: str
    node: LedgerEntry


@strawberry.type
class LedgerConnection:
    edges: list[LedgerEdge]
    page_info: PageInfo


@strawberry.type
class PointsLotEdge:
    cursor: str
    node: PointsLot


@strawberry.type
class PointsLotConnection:
    edges: list[PointsLotEdge]
    page_info: PageInfo


@strawberry.type
class Loyalty:
    account: strawberry.Private[loyalty_pb2.Account]

    @strawberry.field
    def points_balance(self) -> int:
        return self.account.points_balance

    @strawberry.field
    def lifetime_points(self) -> int:
        return self.account.lifetime_points

    @strawberry.field
    def redeemed_points(self) -> int:
        return self.account.redeemed_points

    @strawberry.field
    def expired_points(self) -> int:
        return self.account.expired_points

    @strawberry.field
    def tier(self) -> str:
        return self.account.tier or "BRONZE"

    @strawberry.field(description="Points that return debits (reversals) could not take because the balance was gone.")
    def points_debt(self) -> int:
        return self.account.points_debt

    @strawberry.field(description="The lot that expires first: its points left and its date.")
    def next_expiry(self) -> PointsExpiry | None:
        if not self.account.HasField("next_expiry"):
            return None
        lot = self.account.next_expiry
        return PointsExpiry(points=lot.points_left, expires_at=time_of(lot.expires_at))

    @strawberry.field
    def referral(self) -> Referral:
        a = self.account
        return Referral(code=a.referral_code, referred_count=a.referred_count, points_earned=a.referral_points)

    @strawberry.field(description="Ledger entries, newest first.")
    async def history(
        self, info: GatewayInfo, first: int | None = 20, after: str | None = None, type: LedgerEntryType | None = None
    ) -> LedgerConnection:
        key = history_key(self.account.customer_id, first, after, type.value if type else "")
        page = await info.context.loaders.get(ledger_pages).load(key)
        edges = [LedgerEdge(cursor=c, node=LedgerEntry.of(e)) for c, e in zip(page.cursors, page.entries, strict=True)]
        end = edges[-1].cursor if edges else None
        return LedgerConnection(edges=edges, page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=end))

    @strawberry.field(description="Earned lots with points left, the ones that expire first first.")
    def statement(self, first: int | None = 20, after: str | None = None) -> PointsLotConnection:
        lots = [(lot.id, lot) for lot in self.account.lots]
        chosen, has_next = slice_after(lots, page_size(first), after)
        edges = [PointsLotEdge(cursor=cursor, node=PointsLot.of(lot)) for cursor, lot in chosen]
        end = edges[-1].cursor if edges else None
        return PointsLotConnection(edges=edges, page_info=PageInfo(has_next_page=has_next, end_cursor=end))

    @strawberry.field(description="Recent redemption codes, masked, newest first.")
    async def otps(self, info: GatewayInfo, first: int | None = 10) -> list[OtpRecord]:
        found = await info.context.loaders.get(otps_by_customer).load(otps_key(self.account.customer_id, first))
        return [OtpRecord.of(otp) for otp in found]
