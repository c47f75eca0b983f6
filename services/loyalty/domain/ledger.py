"""Ledger entries: every movement of points, and the balance it left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from services.loyalty.domain.spend import SpendDelta


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
    REJECTED = "REJECTED"  # refused by the account (e.g. insufficient points); never counts


# Debits that may not take the balance below zero; the others are clamped and the rest recorded as debt.
REFUSABLE_DEBITS = (EntryType.REDEEM, EntryType.ADJUST)
EARNING_TYPES = (EntryType.EARN, EntryType.REFERRAL)


@dataclass(frozen=True)
class LedgerEntry:
    """`id` is deterministic (e.g. `earn:<purchase id>`), which is what makes posting idempotent.

    `points` is what was asked; the account decides what is applied (an expiry takes what
    is left of its lot, a reversal stops at zero), and the posted entry records that.
    """

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
    expires_at: datetime | None = None  # for credits: when the lot they create expires
    spend: SpendDelta | None = None  # the purchase metrics that change with these points

    @property
    def expired_lot_id(self) -> str:
        """EXPIRE entries are named `expire:<lot id>@<lot points>` (see account.expiry_entry_id)."""
        return self.id.removeprefix("expire:").rpartition("@")[0]


@dataclass(frozen=True)
class Change:
    """One effect on an account (points and/or spend metrics), applied at most once per id."""

    id: str
    customer_id: str
    entry: LedgerEntry | None = None
    spend: SpendDelta | None = None

    @classmethod
    def of(cls, entry: LedgerEntry) -> Change:
        return cls(entry.id, entry.customer_id, entry, entry.spend)


class InsufficientPoints(Exception):
    def __init__(self, balance: int, wanted: int) -> None:
        super().__init__(f"Balance is {balance} points; {wanted} requested.")
        self.balance = balance
        self.wanted = wanted
