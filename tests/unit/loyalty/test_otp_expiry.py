"""Redemption codes live five minutes: the domain rule, and redeemPoints refusing a code past it."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from c360.errors import PreconditionFailed
from services.loyalty.app.customer_checks import CustomerChecks
from services.loyalty.app.post_points import PostPoints
from services.loyalty.app.redeem_points import RedeemPoints
from services.loyalty.app.request_otp import RequestRedemptionOtp
from services.loyalty.domain.customer import CustomerFacts
from services.loyalty.domain.ledger import EntryStatus, EntryType, LedgerEntry
from services.loyalty.domain.otp import LIFETIME, MAX_ATTEMPTS, issue
from tests.unit.loyalty.fakes import FakeAccounts, FakeCustomers, FakeLedger, FakeOtps

ISSUED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PEPPER = "test-pepper"


class MovableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Redemption:
    """RequestRedemptionOtp and RedeemPoints over fakes sharing one clock, for a customer holding 500 points."""

    def __init__(self) -> None:
        self.clock = MovableClock(ISSUED)
        self.accounts, self.ledger, self.otps = FakeAccounts(), FakeLedger(), FakeOtps()
        customers = FakeCustomers(CustomerFacts("c1"))
        checks = CustomerChecks(self.accounts, customers, customers)
        self.post_points = PostPoints(self.accounts, self.ledger)
        self.request = RequestRedemptionOtp(checks, self.otps, PEPPER, 1_000_000, clock=self.clock)
        self.redeem = RedeemPoints(
            checks, self.accounts, self.ledger, self.otps, self.post_points, PEPPER, 1_000_000, clock=self.clock
        )

    async def credit(self, points: int) -> None:
        entry = LedgerEntry(id="adjust:seed", customer_id="c1", type=EntryType.ADJUST, points=points, created_at=ISSUED)
        await self.post_points(entry)

    async def code_for(self, points: int) -> str:
        otp = await self.request("c1", points, "agent")
        return self.otps.delivered[otp.id]

    def posted(self) -> list[LedgerEntry]:
        return [e for e in self.ledger.entries.values() if e.status is EntryStatus.POSTED]


@pytest.fixture
async def redemption() -> Redemption:
    parts = Redemption()
    await parts.credit(500)
    return parts


def test_an_otp_is_usable_until_five_minutes_after_it_was_issued_and_expired_from_then_on() -> None:
    otp = issue("o1", "c1", 200, "123456", PEPPER, ISSUED)
    assert otp.expires_at == ISSUED + timedelta(minutes=5)
    just_before = ISSUED + timedelta(minutes=5) - timedelta(milliseconds=1)
    assert (otp.status_at(just_before), otp.usable_at(just_before)) == ("PENDING", True)
    for later in (ISSUED + timedelta(minutes=5), ISSUED + timedelta(hours=3)):
        assert (otp.status_at(later), otp.usable_at(later)) == ("EXPIRED", False)


def test_used_blocked_and_exhausted_otps_are_not_usable_even_inside_their_lifetime() -> None:
    otp = issue("o1", "c1", 200, "123456", PEPPER, ISSUED)
    inside = ISSUED + timedelta(minutes=1)
    assert not replace(otp, status="USED").usable_at(inside)
    assert not replace(otp, status="BLOCKED").usable_at(inside)
    assert not replace(otp, attempts=MAX_ATTEMPTS).usable_at(inside)
    assert replace(otp, status="USED").status_at(ISSUED + timedelta(hours=1)) == "USED"


async def test_redeeming_with_the_right_code_after_five_minutes_is_refused_as_expired_and_posts_nothing(
    redemption: Redemption,
) -> None:
    code = await redemption.code_for(200)
    redemption.clock.now = ISSUED + LIFETIME + timedelta(seconds=1)
    with pytest.raises(PreconditionFailed) as refused:
        await redemption.redeem("c1", 200, code, "k-late", "agent")
    assert (refused.value.code, refused.value.field) == ("OTP_EXPIRED", "otp")
    assert redemption.accounts.balance("c1") == 500
    assert [e.id for e in redemption.posted()] == ["adjust:seed"]
    assert await redemption.ledger.get("redeem:k-late") is None
    [otp] = redemption.otps.otps.values()
    assert (otp.status, otp.status_at(redemption.clock.now)) == ("PENDING", "EXPIRED")


async def test_an_expired_code_stays_refused_when_retried_with_the_same_key(redemption: Redemption) -> None:
    code = await redemption.code_for(200)
    redemption.clock.now = ISSUED + timedelta(minutes=30)
    for _ in range(2):
        with pytest.raises(PreconditionFailed, match="expired"):
            await redemption.redeem("c1", 200, code, "k-late", "agent")
    assert redemption.accounts.balance("c1") == 500


async def test_the_right_code_just_before_it_expires_redeems_the_points(redemption: Redemption) -> None:
    code = await redemption.code_for(200)
    redemption.clock.now = ISSUED + LIFETIME - timedelta(seconds=1)
    entry = await redemption.redeem("c1", 200, code, "k-in-time", "agent")
    assert (entry.type, entry.points, entry.balance_after) == (EntryType.REDEEM, -200, 300)
    assert entry.created_at == redemption.clock.now
    assert redemption.accounts.balance("c1") == 300
    assert redemption.ledger.posted_sum("c1") == 300


async def test_a_new_code_after_one_expired_redeems(redemption: Redemption) -> None:
    await redemption.code_for(200)
    redemption.clock.now = ISSUED + timedelta(minutes=6)
    fresh = await redemption.code_for(200)
    entry = await redemption.redeem("c1", 200, fresh, "k-fresh", "agent")
    assert entry.balance_after == 300
