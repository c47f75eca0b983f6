"""Applies many account changes: entries stored PENDING in bulk, one compare-and-set per customer chunk.

Chunks stay well under the number of change ids an account remembers, so a crash
between an account write and the ledger marks is always recognised on retry.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from services.loyalty.app.ports import AccountRepository, LedgerRepository
from services.loyalty.domain.ledger import Change

CHUNK = 50
PARALLEL_CUSTOMERS = 8


@dataclass
class ApplyChanges:
    accounts: AccountRepository
    ledger: LedgerRepository

    async def __call__(self, changes: list[Change]) -> None:
        await self.ledger.add_pending_many([c.entry for c in changes if c.entry is not None])
        by_customer: dict[str, list[Change]] = {}
        for change in changes:
            by_customer.setdefault(change.customer_id, []).append(change)
        gate = asyncio.Semaphore(PARALLEL_CUSTOMERS)

        async def one_customer(customer_id: str, mine: list[Change]) -> None:
            async with gate:
                for start in range(0, len(mine), CHUNK):
                    await self._apply_chunk(customer_id, mine[start : start + CHUNK])

        await asyncio.gather(*(one_customer(c, mine) for c, mine in by_customer.items()))

    async def _apply_chunk(self, customer_id: str, chunk: list[Change]) -> None:
        applied = await self.accounts.apply_many(customer_id, chunk)
        postings = [(c.entry, a) for c, a in zip(chunk, applied, strict=True) if c.entry is not None]
        await self.ledger.mark_posted_many(postings)
