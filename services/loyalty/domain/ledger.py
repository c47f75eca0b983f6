"""Ledger entries: every movement of points, and the balance it left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class EntryType(Enum):
    EARN = "EARN"
    REDEEM = "REDEEM"
    ADJUST = "ADJUST"
    EXPIRE = "EXPIRE"
    REFERRAL = "REFERRAL"
    TRANSFER = "TRANSFER"
    REVERSAL = "REVERSAL"


class EntryStatus(Enum):
    PENDING = "PENDING"  # written, not yet applied to the balance
    POSTED = "POSTED"  # applied; counts in the ledger sum


@dataclass(frozen=True)
class LedgerEntry:
    """`id` is deterministic (e.g. `earn:<purchase id>`), which is what makes posting idempotent."""

    id: str
    customer_id: str
    type: EntryType
    points: int
    created_at: datetime
    status: EntryStatus = EntryStatus.PENDING
    balance_after: int | None = None
    remark: str | None = None
    actor: str | None = None
    transaction_id: str | None = None
    store_id: str | None = None
    terminal_id: str | None = None


@dataclass(frozen=True)
class Account:
    customer_id: str
    points_balance: int
    lifetime_points: int
    redeemed_points: int
    expired_points: int
    tier: str
    opened_at: datetime


@dataclass(frozen=True)
class Counters:
    """The running totals an account keeps beside its balance."""

    points_balance: int = 0
    lifetime_points: int = 0
    redeemed_points: int = 0
    expired_points: int = 0

    def after(self, entry: LedgerEntry) -> Counters:
        """Applies one entry; refuses to take the balance below zero."""
        balance = self.points_balance + entry.points
        if entry.points < 0 and balance < 0:
            raise InsufficientPoints(self.points_balance, -entry.points)
        earned = entry.points if entry.type in (EntryType.EARN, EntryType.REFERRAL) and entry.points > 0 else 0
        return Counters(
            points_balance=balance,
            lifetime_points=self.lifetime_points + earned,
            redeemed_points=self.redeemed_points + (-entry.points if entry.type is EntryType.REDEEM else 0),
            expired_points=self.expired_points + (-entry.points if entry.type is EntryType.EXPIRE else 0),
        )


class InsufficientPoints(Exception):
    def __init__(self, balance: int, wanted: int) -> None:
        super().__init__(f"Balance is {balance} points; {wanted} requested.")
        self.balance = balance
        self.wanted = wanted
