"""What the loyalty use cases need from storage and from the profile service."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.loyalty.domain.account import AccountState
from services.loyalty.domain.customer import CustomerFacts
from services.loyalty.domain.ledger import Change, InsufficientPoints, LedgerEntry
from services.loyalty.domain.otp import Otp
from services.loyalty.domain.purchase import CustomerRef
from services.loyalty.domain.stored_purchase import StoredPurchase, Transfer


@dataclass(frozen=True)
class AppliedOperation:
    """What the account remembers of an applied change, so a retry can finish posting it."""

    entry_id: str
    balance_after: int
    points: int = 0  # the points actually applied (an expiry or reversal may take less than asked)


class AccountRepository(Protocol):
    async def open(self, customer_id: str) -> None:
        """Opens an empty account; no-op when it exists."""

    async def open_many(self, customer_ids: list[str]) -> None:
        """`open` of each, in one write."""

    async def get(self, customer_id: str) -> AccountState | None: ...

    async def get_many(self, customer_ids: list[str]) -> list[AccountState]: ...

    async def apply(self, change: Change) -> AppliedOperation:
        """Applies the change exactly once per change id (opens the account if needed)."""

    async def apply_many(self, customer_id: str, changes: list[Change]) -> list[AppliedOperation]: ...

    async def apply_each(self, customer_id: str, changes: list[Change]) -> list[AppliedOperation | InsufficientPoints]:
        """Like apply_many in one write, but a refused change is reported and skipped, not fatal."""


class LedgerRepository(Protocol):
    async def get(self, entry_id: str) -> LedgerEntry | None: ...

    async def get_many(self, entry_ids: list[str]) -> dict[str, LedgerEntry]: ...

    async def add_pending(self, entry: LedgerEntry) -> LedgerEntry:
        """Stores the entry unless one with its id exists; returns the stored one."""

    async def add_pending_many(self, entries: list[LedgerEntry]) -> None: ...

    async def mark_posted(self, entry: LedgerEntry, applied: AppliedOperation) -> None: ...

    async def mark_posted_many(self, postings: list[tuple[LedgerEntry, AppliedOperation]]) -> None: ...

    async def mark_rejected(self, entry: LedgerEntry) -> None: ...

    async def insert_posted(
        self, postings: list[tuple[LedgerEntry, AppliedOperation]], listed: Collection[str] = frozenset()
    ) -> None: ...

    async def pending_before(self, moment: datetime, limit: int) -> list[LedgerEntry]: ...


class PurchaseRepository(Protocol):
    async def insert_new(self, purchases: list[StoredPurchase], entries: Sequence[LedgerEntry] = ()) -> set[str]: ...

    async def get_many(self, purchase_ids: list[str]) -> dict[str, StoredPurchase]: ...

    async def points_reversed_for(self, partner_id: str, original_transaction_id: str) -> int: ...

    async def by_transaction(self, transaction_id: str) -> list[StoredPurchase]: ...

    async def begin_transfer(self, purchase: StoredPurchase, transfer: Transfer) -> bool: ...

    async def finish_transfer(self, purchase: StoredPurchase, transfer: Transfer) -> None: ...

    async def get(self, purchase_id: str) -> StoredPurchase | None: ...

    async def stalled_transfers(self, before: datetime, limit: int) -> list[StoredPurchase]: ...


class CustomerProjection(Protocol):
    async def get_many(self, customer_ids: list[str]) -> dict[str, CustomerFacts]: ...

    async def ids_by(self, field: str, values: list[str]) -> dict[str, str]: ...

    async def by_referral_code(self, code: str) -> CustomerFacts | None: ...

    async def mark_referral_rewarded(self, customer_id: str) -> None: ...


class EventPublisher(Protocol):
    async def publish(
        self, purchases: list[StoredPurchase], postings: list[tuple[LedgerEntry, AppliedOperation]]
    ) -> None: ...


class CustomerDirectory(Protocol):
    async def resolve(self, ref: CustomerRef, enrol_source: str) -> str | None:
        """The customer id for a reference; an unknown mobile enrols a new customer; None if unknowable."""

    async def exists(self, customer_id: str) -> bool: ...


class OtpRepository(Protocol):
    async def create(self, otp: Otp, code: str, actor: str) -> None:
        """Stores the OTP (hash only) with the code in the event for the messaging service."""

    async def pending(self, customer_id: str, now: datetime) -> list[Otp]:
        """The customer's PENDING codes not yet expired at `now`, newest first."""

    async def latest(self, customer_id: str) -> Otp | None: ...

    async def record_failure(self, otp_id: str) -> int:
        """Counts a wrong code (the last allowed one blocks the OTP); returns the attempts so far."""

    async def consume(self, otp_id: str, entry_id: str, now: datetime) -> bool:
        """PENDING and unexpired at `now` -> USED naming the entry, once; False when no longer usable."""

    async def used_for(self, entry_id: str) -> Otp | None: ...
