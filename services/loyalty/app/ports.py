"""What the loyalty use cases need from storage and from the profile service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from services.loyalty.domain.ledger import Account, LedgerEntry
from services.loyalty.domain.purchase import CustomerRef, PurchaseEvent


@dataclass(frozen=True)
class AppliedOperation:
    """What the account remembers of an applied entry, so a retry can finish posting it."""

    entry_id: str
    balance_after: int


class AccountRepository(Protocol):
    async def open(self, customer_id: str) -> None:
        """Opens an empty account; no-op when it exists."""

    async def get(self, customer_id: str) -> Account | None: ...

    async def get_many(self, customer_ids: list[str]) -> list[Account]: ...

    async def apply(self, entry: LedgerEntry) -> AppliedOperation:
        """Adds the entry's points to the balance exactly once per entry id (opens the account if needed)."""


class LedgerRepository(Protocol):
    async def add_pending(self, entry: LedgerEntry) -> LedgerEntry:
        """Stores the entry unless one with its id exists; returns the stored one."""

    async def mark_posted(self, entry: LedgerEntry, applied: AppliedOperation) -> None: ...


class PurchaseRepository(Protocol):
    async def record(self, purchase: PurchaseEvent, customer_id: str, points: int) -> bool:
        """Stores the purchase once per purchase id and event id; False when it was already there."""

    async def mark_posted(self, purchase_id: str) -> None: ...

    async def is_posted(self, purchase_id: str) -> bool: ...


class CustomerDirectory(Protocol):
    async def resolve(self, ref: CustomerRef, enrol_source: str) -> str | None:
        """The customer id for a reference; an unknown mobile enrols a new customer; None if unknowable."""
