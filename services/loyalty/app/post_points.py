"""Posting points so that a crash at any step neither loses nor doubles them.

1. The entry is stored PENDING under a deterministic id (a retry finds it).
2. The account applies it once, remembering the entry id and the balance after.
3. The entry is marked POSTED with that balance (or REJECTED when the account refused it).
A retry after a crash at any step repeats the steps; each is a no-op when done.
Entries a crash left PENDING and nobody retries are finished by the reconciler.

Concurrent postings to one account are grouped (group commit): whoever arrives while
a group is being written waits for the next group, so a hot account costs a few
writes per group instead of a compare-and-set race per request. The group runs in
its own task, so a caller giving up (deadline) never leaves its step half done.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from services.loyalty.app.ports import AccountRepository, AppliedOperation, LedgerRepository
from services.loyalty.domain.ledger import Change, EntryStatus, InsufficientPoints, LedgerEntry

Waiting = tuple[LedgerEntry, "asyncio.Future[LedgerEntry]"]


@dataclass
class PostPoints:
    accounts: AccountRepository
    ledger: LedgerRepository
    _waiting: dict[str, list[Waiting]] = field(default_factory=dict)
    _workers: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    async def __call__(self, entry: LedgerEntry) -> LedgerEntry:
        """Posts the entry (or finds it posted); raises InsufficientPoints when the account refuses it.

        When an entry with the same id but other customer, type or points exists, that one is returned
        untouched: callers compare it with theirs (an idempotency key reused for another request)."""
        future: asyncio.Future[LedgerEntry] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(entry.customer_id, []).append((entry, future))
        if entry.customer_id not in self._workers:
            self._workers[entry.customer_id] = asyncio.create_task(self._drain(entry.customer_id))
        return await future

    async def finish(self, stored: LedgerEntry) -> LedgerEntry:
        return await self(stored)

    async def _drain(self, customer_id: str) -> None:
        try:
            while self._waiting.get(customer_id):
                group = self._waiting.pop(customer_id)
                try:
                    outcomes = await self._post_group(customer_id, [entry for entry, _ in group])
                except Exception as error:  # the callers see it; their retries start over idempotently
                    for _, future in group:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for entry, future in group:
                    if future.done():
                        continue
                    outcome = outcomes[entry.id]
                    if isinstance(outcome, InsufficientPoints):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            del self._workers[customer_id]

    async def _post_group(
        self, customer_id: str, entries: list[LedgerEntry]
    ) -> dict[str, LedgerEntry | InsufficientPoints]:
        unique = list({entry.id: entry for entry in entries}.values())
        await self.ledger.add_pending_many(unique)
        stored = await self.ledger.get_many([entry.id for entry in unique])
        outcomes: dict[str, LedgerEntry | InsufficientPoints] = {}
        pending: list[LedgerEntry] = []
        for entry in unique:
            found = stored.get(entry.id, entry)
            if (found.customer_id, found.type, found.points) != (entry.customer_id, entry.type, entry.points):
                outcomes[entry.id] = found  # the id was used for something else: the caller tells them apart
            elif found.status is EntryStatus.POSTED:
                outcomes[entry.id] = found
            elif found.status is EntryStatus.REJECTED:
                outcomes[entry.id] = InsufficientPoints(0, -found.points)
            else:
                pending.append(found)
        if not pending:
            return outcomes
        results = await self.accounts.apply_each(customer_id, [Change.of(entry) for entry in pending])
        postings: list[tuple[LedgerEntry, AppliedOperation]] = []
        for entry, result in zip(pending, results, strict=True):
            if isinstance(result, InsufficientPoints):
                await self.ledger.mark_rejected(entry)
                outcomes[entry.id] = result
            else:
                postings.append((entry, result))
                outcomes[entry.id] = replace(
                    entry, status=EntryStatus.POSTED, balance_after=result.balance_after, points=result.points
                )
        await self.ledger.mark_posted_many(postings)
        return outcomes
