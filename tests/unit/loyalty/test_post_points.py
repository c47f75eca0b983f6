from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.loyalty.app.post_points import PostPoints
from services.loyalty.domain.account import expiry_entry_id
from services.loyalty.domain.ledger import EntryStatus, EntryType, InsufficientPoints, LedgerEntry
from tests.unit.loyalty.fakes import CrashAfter, FakeAccounts, FakeLedger


def entry(entry_id: str, points: int, kind: EntryType = EntryType.EARN) -> LedgerEntry:
    return LedgerEntry(id=entry_id, customer_id="c1", type=kind, points=points, created_at=datetime.now(UTC))


@pytest.fixture
def parts() -> tuple[FakeAccounts, FakeLedger, PostPoints]:
    accounts, ledger = FakeAccounts(), FakeLedger()
    return accounts, ledger, PostPoints(accounts, ledger)


async def test_posting_the_same_entry_twice_counts_once(parts: tuple[FakeAccounts, FakeLedger, PostPoints]) -> None:
    accounts, ledger, post = parts
    first = await post(entry("earn:tx1", 185))
    again = await post(entry("earn:tx1", 185))
    assert accounts.balance("c1") == 185
    assert first.balance_after == again.balance_after == 185
    assert ledger.posted_sum("c1") == 185


async def test_a_crash_between_balance_and_ledger_is_finished_by_the_retry(
    parts: tuple[FakeAccounts, FakeLedger, PostPoints],
) -> None:
    accounts, ledger, post = parts
    await post(entry("earn:tx0", 10))
    accounts.crash_after_next_apply = True
    with pytest.raises(CrashAfter):
        await post(entry("earn:tx1", 185))
    assert ledger.entries["earn:tx1"].status is EntryStatus.PENDING
    retried = await post(entry("earn:tx1", 185))
    assert retried.status is EntryStatus.POSTED
    assert retried.balance_after == 195
    assert accounts.balance("c1") == 195 == ledger.posted_sum("c1")


async def test_a_deduction_beyond_the_balance_is_refused(parts: tuple[FakeAccounts, FakeLedger, PostPoints]) -> None:
    accounts, _ledger, post = parts
    await post(entry("earn:tx1", 50))
    with pytest.raises(InsufficientPoints):
        await post(entry("adjust:k1", -51, EntryType.ADJUST))
    assert accounts.balance("c1") == 50


async def test_counters_track_lifetime_redeemed_and_expired_points(
    parts: tuple[FakeAccounts, FakeLedger, PostPoints],
) -> None:
    accounts, _, post = parts
    soon = datetime.now(UTC) + timedelta(days=1)
    await post(entry("earn:1", 100))
    await post(replace(entry("earn:2", 20), expires_at=soon))
    await post(entry("redeem:1", -5, EntryType.REDEEM))  # taken from the lot that expires first
    expiring = accounts.states["c1"].next_expiry
    assert expiring is not None
    assert (expiring.left, expiring.expires_at) == (15, soon)
    await post(entry(expiry_entry_id(expiring), -15, EntryType.EXPIRE))
    counters = accounts.states["c1"]
    assert (counters.points_balance, counters.lifetime_points) == (100, 120)
    assert (counters.redeemed_points, counters.expired_points) == (5, 15)
    assert counters.next_expiry is None
