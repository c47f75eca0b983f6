"""In-memory stand-ins for the loyalty repository ports, with the same idempotency rules."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime

from services.loyalty.app.ports import AppliedOperation
from services.loyalty.domain.account import AccountState, apply
from services.loyalty.domain.customer import CustomerFacts
from services.loyalty.domain.ledger import Change, EntryStatus, InsufficientPoints, LedgerEntry
from services.loyalty.domain.otp import MAX_ATTEMPTS, Otp
from services.loyalty.domain.tiers import TierPolicy


class CrashAfter(Exception):
    """Simulates the process dying right after a step completed."""


class FakeAccounts:
    def __init__(self, tiers: TierPolicy | None = None) -> None:
        self.states: dict[str, AccountState] = {}
        self.applied: dict[tuple[str, str], AppliedOperation] = {}
        self.crash_after_next_apply = False
        self.tiers = tiers or TierPolicy()

    async def open(self, customer_id: str) -> None:
        self.states.setdefault(customer_id, AccountState(customer_id, datetime.now(UTC)))

    async def open_many(self, customer_ids: list[str]) -> None:
        for customer_id in customer_ids:
            await self.open(customer_id)

    async def get(self, customer_id: str) -> AccountState | None:
        return self.states.get(customer_id)

    async def get_many(self, customer_ids: list[str]) -> list[AccountState]:
        return [self.states[c] for c in customer_ids if c in self.states]

    async def apply(self, change: Change) -> AppliedOperation:
        return (await self.apply_many(change.customer_id, [change]))[0]

    async def apply_many(self, customer_id: str, changes: list[Change]) -> list[AppliedOperation]:
        results = await self.apply_each(customer_id, changes)
        for result in results:
            if isinstance(result, InsufficientPoints):
                raise result
        return [r for r in results if isinstance(r, AppliedOperation)]

    async def apply_each(self, customer_id: str, changes: list[Change]) -> list[AppliedOperation | InsufficientPoints]:
        await self.open(customer_id)
        state = self.states[customer_id]
        results: list[AppliedOperation | InsufficientPoints] = []
        fresh: dict[tuple[str, str], AppliedOperation] = {}
        for change in changes:
            key = (customer_id, change.id)
            if key not in self.applied and key not in fresh:
                try:
                    state, points = apply(state, change, self.tiers, datetime.now(UTC))
                except InsufficientPoints as refused:
                    results.append(refused)
                    continue
                fresh[key] = AppliedOperation(change.id, state.points_balance, points)
            results.append(self.applied.get(key) or fresh[key])
        self.states[customer_id] = state
        self.applied.update(fresh)
        if self.crash_after_next_apply:
            self.crash_after_next_apply = False
            raise CrashAfter("apply")
        return results

    def balance(self, customer_id: str) -> int:
        return self.states[customer_id].points_balance


class FakeLedger:
    def __init__(self) -> None:
        self.entries: dict[str, LedgerEntry] = {}

    async def get(self, entry_id: str) -> LedgerEntry | None:
        return self.entries.get(entry_id)

    async def get_many(self, entry_ids: list[str]) -> dict[str, LedgerEntry]:
        return {i: self.entries[i] for i in entry_ids if i in self.entries}

    async def add_pending(self, entry: LedgerEntry) -> LedgerEntry:
        return self.entries.setdefault(entry.id, entry)

    async def add_pending_many(self, entries: list[LedgerEntry]) -> None:
        for entry in entries:
            self.entries.setdefault(entry.id, entry)

    async def mark_posted(self, entry: LedgerEntry, applied: AppliedOperation) -> None:
        stored = self.entries[entry.id]
        if stored.status is EntryStatus.PENDING:
            self.entries[entry.id] = replace(
                stored, status=EntryStatus.POSTED, balance_after=applied.balance_after, points=applied.points
            )

    async def mark_posted_many(self, postings: list[tuple[LedgerEntry, AppliedOperation]]) -> None:
        for entry, applied in postings:
            await self.mark_posted(entry, applied)

    async def insert_posted(
        self, postings: list[tuple[LedgerEntry, AppliedOperation]], listed: Collection[str] = frozenset()
    ) -> None:
        for entry, applied in postings:
            posted = replace(entry, status=EntryStatus.POSTED, balance_after=applied.balance_after)
            self.entries.setdefault(entry.id, replace(posted, points=applied.points))

    async def mark_rejected(self, entry: LedgerEntry) -> None:
        if self.entries[entry.id].status is EntryStatus.PENDING:
            self.entries[entry.id] = replace(self.entries[entry.id], status=EntryStatus.REJECTED)

    async def pending_before(self, moment: datetime, limit: int) -> list[LedgerEntry]:
        return [e for e in self.entries.values() if e.status is EntryStatus.PENDING][:limit]

    def posted_sum(self, customer_id: str) -> int:
        return sum(
            e.points for e in self.entries.values() if e.customer_id == customer_id and e.status is EntryStatus.POSTED
        )


class FakeOtps:
    """Keeps OTPs and the codes that would go to the messaging service, with the Mongo repository's guards."""

    def __init__(self) -> None:
        self.otps: dict[str, Otp] = {}
        self.delivered: dict[str, str] = {}

    async def create(self, otp: Otp, code: str, actor: str) -> None:
        self.otps[otp.id] = otp
        self.delivered[otp.id] = code

    async def pending(self, customer_id: str, now: datetime) -> list[Otp]:
        found = [o for o in self._of(customer_id) if o.status == "PENDING" and o.expires_at > now]
        return found[:MAX_ATTEMPTS]

    async def latest(self, customer_id: str) -> Otp | None:
        return next(iter(self._of(customer_id)), None)

    async def record_failure(self, otp_id: str) -> int:
        otp = self.otps[otp_id]
        if otp.status == "PENDING":
            attempts = otp.attempts + 1
            otp = replace(otp, attempts=attempts, status="BLOCKED" if attempts >= MAX_ATTEMPTS else "PENDING")
            self.otps[otp_id] = otp
        return otp.attempts

    async def consume(self, otp_id: str, entry_id: str, now: datetime) -> bool:
        otp = self.otps[otp_id]
        if otp.status != "PENDING" or otp.attempts >= MAX_ATTEMPTS or otp.expires_at <= now:
            return False
        self.otps[otp_id] = replace(otp, status="USED", entry_id=entry_id)
        return True

    async def used_for(self, entry_id: str) -> Otp | None:
        return next((o for o in self.otps.values() if o.entry_id == entry_id and o.status == "USED"), None)

    def _of(self, customer_id: str) -> list[Otp]:
        mine = [o for o in self.otps.values() if o.customer_id == customer_id]
        return sorted(mine, key=lambda o: o.created_at, reverse=True)


class FakeCustomers:
    """The customer projection and the profile directory in one: the customers the service knows."""

    def __init__(self, *facts: CustomerFacts) -> None:
        self.facts = {f.id: f for f in facts}

    async def get_many(self, customer_ids: list[str]) -> dict[str, CustomerFacts]:
        return {c: self.facts[c] for c in customer_ids if c in self.facts}

    async def ids_by(self, field: str, values: list[str]) -> dict[str, str]:
        return {}

    async def by_referral_code(self, code: str) -> CustomerFacts | None:
        return next((f for f in self.facts.values() if f.referral_code == code), None)

    async def mark_referral_rewarded(self, customer_id: str) -> None:
        self.facts[customer_id] = replace(self.facts[customer_id], referral_rewarded=True)

    async def exists(self, customer_id: str) -> bool:
        return customer_id in self.facts

    async def resolve(self, ref: object, enrol_source: str) -> str | None:
        return None
