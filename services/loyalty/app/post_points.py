"""Posting points so that a crash at any step neither loses nor doubles them.

1. The entry is stored PENDING under a deterministic id (a retry finds it).
2. The account applies it once, remembering the entry id and the balance after.
3. The entry is marked POSTED with that balance.
A retry after a crash at any step repeats the steps; each is a no-op when done.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.loyalty.app.ports import AccountRepository, LedgerRepository
from services.loyalty.domain.ledger import EntryStatus, LedgerEntry


@dataclass
class PostPoints:
    accounts: AccountRepository
    ledger: LedgerRepository

    async def __call__(self, entry: LedgerEntry) -> LedgerEntry:
        stored = await self.ledger.add_pending(entry)
        if stored.status is EntryStatus.POSTED:
            return stored
        applied = await self.accounts.apply(stored)
        await self.ledger.mark_posted(stored, applied)
        return LedgerEntry(**{**vars(stored), "status": EntryStatus.POSTED, "balance_after": applied.balance_after})
