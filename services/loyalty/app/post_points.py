"""Posting points so that a crash at any step neither loses nor doubles them.

1. The entry is stored PENDING under a deterministic id (a retry finds it).
2. The account applies it once, remembering the entry id and the balance after.
3. The entry is marked POSTED with that balance (or REJECTED when the account refused it).
A retry after a crash at any step repeats the steps; each is a no-op when done.
Entries a crash left PENDING and nobody retries are finished by the reconciler.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from services.loyalty.app.ports import AccountRepository, LedgerRepository
from services.loyalty.domain.ledger import Change, EntryStatus, InsufficientPoints, LedgerEntry


@dataclass
class PostPoints:
    accounts: AccountRepository
    ledger: LedgerRepository

    async def __call__(self, entry: LedgerEntry) -> LedgerEntry:
        stored = await self.ledger.add_pending(entry)
        return await self.finish(stored)

    async def finish(self, stored: LedgerEntry) -> LedgerEntry:
        if stored.status is EntryStatus.POSTED:
            return stored
        if stored.status is EntryStatus.REJECTED:
            raise InsufficientPoints(0, -stored.points)
        try:
            applied = await self.accounts.apply(Change.of(stored))
        except InsufficientPoints:
            await self.ledger.mark_rejected(stored)
            raise
        await self.ledger.mark_posted(stored, applied)
        return replace(stored, status=EntryStatus.POSTED, balance_after=applied.balance_after, points=applied.points)
