"""In-memory stand-ins for the loyalty repository ports, with the same idempotency rules."""

from __future__ import annotations

from dataclasses import replace

from services.loyalty.app.ports import AppliedOperation
from services.loyalty.domain.ledger import Account, Counters, EntryStatus, LedgerEntry


class CrashAfter(Exception):
    """Simulates the process dying right after a step completed."""


class FakeAccounts:
    def __init__(self) -> None:
        self.counters: dict[str, Counters] = {}
        self.applied: dict[tuple[str, str], int] = {}
        self.crash_after_next_apply = False

    async def open(self, customer_id: str) -> None:
        self.counters.setdefault(customer_id, Counters())

    async def get(self, customer_id: str) -> Account | None:
        return None

    async def get_many(self, customer_ids: list[str]) -> list[Account]:
        return []

    async def apply(self, entry: LedgerEntry) -> AppliedOperation:
        key = (entry.customer_id, entry.id)
        if key not in self.applied:
            counters = self.counters.get(entry.customer_id, Counters()).after(entry)
            self.counters[entry.customer_id] = counters
            self.applied[key] = counters.points_balance
            if self.crash_after_next_apply:
                self.crash_after_next_apply = False
                raise CrashAfter("apply")
        return AppliedOperation(entry.id, self.applied[key])


class FakeLedger:
    def __init__(self) -> None:
        self.entries: dict[str, LedgerEntry] = {}

    async def add_pending(self, entry: LedgerEntry) -> LedgerEntry:
        return self.entries.setdefault(entry.id, entry)

    async def mark_posted(self, entry: LedgerEntry, applied: AppliedOperation) -> None:
        stored = self.entries[entry.id]
        if stored.status is EntryStatus.PENDING:
            self.entries[entry.id] = replace(stored, status=EntryStatus.POSTED, balance_after=applied.balance_after)

    def posted_sum(self, customer_id: str) -> int:
        return sum(
            e.points for e in self.entries.values() if e.customer_id == customer_id and e.status is EntryStatus.POSTED
        )
