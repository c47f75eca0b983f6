"""Posts a purchase batch's account changes with as few writes as FerretDB allows.

Per customer the account applies a chunk of changes in one compare-and-set, remembering their
ids; then the round's ledger entries are inserted already POSTED, in one bulk insert. A crash
between the two is finished by the redelivered batch: the account recognises the change ids
and answers with the same balances, and entries already in the ledger are not applied again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass

from services.loyalty.app.ports import AccountRepository, AppliedOperation, LedgerRepository
from services.loyalty.domain.ledger import Change, LedgerEntry

CHUNK = 50
PARALLEL_CUSTOMERS = 32  # accounts written side by side (each a compare-and-set by _id)
Posting = tuple[LedgerEntry, AppliedOperation]


@dataclass
class PostPurchaseChanges:
    accounts: AccountRepository
    ledger: LedgerRepository

    async def __call__(
        self, changes: list[Change], maybe_done: set[str], listed: Collection[str] = frozenset()
    ) -> list[Posting]:
        """Applies what is not applied yet; returns every posting of the batch (for its events).
        Only the entries named in `maybe_done` are looked up in the ledger first; those in `listed` are
        in their customers' newest lists already."""
        done = await self.ledger.get_many([c.entry.id for c in changes if c.entry is not None and c.id in maybe_done])
        postings: list[Posting] = [(e, AppliedOperation(e.id, e.balance_after or 0, e.points)) for e in done.values()]
        by_customer: dict[str, list[Change]] = {}
        for change in changes:
            if change.entry is None or change.entry.id not in done:
                by_customer.setdefault(change.customer_id, []).append(change)
        gate = asyncio.Semaphore(PARALLEL_CUSTOMERS)

        async def one_chunk(customer_id: str, chunk: list[Change]) -> list[Posting]:
            async with gate:
                applied = await self.accounts.apply_many(customer_id, chunk)
            return [(c.entry, a) for c, a in zip(chunk, applied, strict=True) if c.entry is not None]

        # Rounds of at most one chunk per customer, each followed by the ledger insert, so no account ever
        # holds more applied-but-unrecorded changes than it remembers (a crash is then always recognised).
        for start in range(0, max((len(m) for m in by_customer.values()), default=0), CHUNK):
            rounds = [
                one_chunk(c, m[start : start + CHUNK]) for c, m in by_customer.items() if m[start : start + CHUNK]
            ]
            fresh = [p for ps in await asyncio.gather(*rounds) for p in ps]
            await self.ledger.insert_posted(fresh, listed)
            postings += fresh
        return postings
