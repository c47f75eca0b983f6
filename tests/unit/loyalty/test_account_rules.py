"""Pure rules of the points account: lots, debits, debt, tiers, expiry dates, RFM scores, returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from services.loyalty.domain.account import AccountState, apply, review_tier
from services.loyalty.domain.earn_rule import reversal_points
from services.loyalty.domain.expiry import ExpiryPolicy
from services.loyalty.domain.ledger import Change, EntryType, InsufficientPoints, LedgerEntry
from services.loyalty.domain.rfm import break_positions, score
from services.loyalty.domain.tiers import TierPolicy

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TIERS = TierPolicy({"BRONZE": 0, "SILVER": 100, "GOLD": 500}, window_days=365)


def change(entry_id: str, points: int, kind: EntryType = EntryType.EARN, expires: datetime | None = None) -> Change:
    entry = LedgerEntry(entry_id, "c1", kind, points, NOW, expires_at=expires)
    return Change.of(entry)


def run(*changes: Change, state: AccountState | None = None) -> AccountState:
    state = state or AccountState("c1", NOW)
    for one in changes:
        state, _ = apply(state, one, TIERS, NOW)
    return state


def test_debits_take_points_from_the_lots_that_expire_first_and_the_lots_add_up_to_the_balance() -> None:
    later, sooner = NOW + timedelta(days=300), NOW + timedelta(days=10)
    state = run(change("e1", 50, expires=later), change("e2", 30, expires=sooner), change("r1", -40, EntryType.REDEEM))
    left = {lot.expires_at: lot.left for lot in state.lots}
    assert left == {later: 40}
    assert sum(lot.left for lot in state.lots) == state.points_balance == 40


def test_credits_expiring_the_same_day_share_one_lot() -> None:
    day = NOW + timedelta(days=365)
    state = run(change("e1", 5, expires=day), change("e2", 7, expires=day + timedelta(hours=1)))
    assert [(lot.points, lot.left) for lot in state.lots] == [(12, 12)]


def test_a_debit_beyond_the_balance_is_refused_and_a_reversal_stops_at_zero_with_a_debt_repaid_later() -> None:
    state = run(change("e1", 10))
    with pytest.raises(InsufficientPoints):
        apply(state, change("a1", -11, EntryType.ADJUST), TIERS, NOW)
    after, applied = apply(state, change("rev1", -25, EntryType.REVERSAL), TIERS, NOW)
    assert (after.points_balance, after.points_debt, applied) == (0, 15, -10)
    repaying, applied = apply(after, change("e2", 20), TIERS, NOW)  # the debt is settled from the next credit
    assert (repaying.points_balance, repaying.points_debt, applied) == (5, 0, 5)
    assert sum(lot.left for lot in repaying.lots) == 5


def test_tiers_go_up_at_once_and_down_only_when_the_window_is_over() -> None:
    state, move = review_tier(run(change("e1", 150)), TIERS, NOW)  # as the account does after every write
    assert state.tier == "SILVER"
    assert move is not None
    a_bit_later, move = review_tier(state, TIERS, NOW + timedelta(days=100))
    assert (a_bit_later.tier, move) == ("SILVER", None)
    after_window, move = review_tier(state, TIERS, NOW + timedelta(days=400))
    assert after_window.tier == "BRONZE"
    assert move is not None
    assert (move.from_tier, move.to_tier) == ("SILVER", "BRONZE")


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("never", None),
        ("days:30", NOW + timedelta(days=30)),
        ("end_of_month", datetime(2026, 12, 1, tzinfo=UTC)),
        ("end_of_year", datetime(2027, 1, 1, tzinfo=UTC)),
    ],
)
def test_expiry_policies(policy: str, expected: datetime | None) -> None:
    assert ExpiryPolicy.parse(policy).expires_at(NOW) == expected


def test_rfm_breaks_are_quintiles_and_ties_at_a_break_share_a_score() -> None:
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    breaks = [values[p] for p in break_positions(len(values))]
    assert [score(v, breaks) for v in values] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    tied = [1, 1, 1, 1, 1, 1, 1, 1, 9, 9]
    tied_breaks = [tied[p] for p in break_positions(len(tied))]
    assert {score(v, tied_breaks) for v in tied if v == 1} == {1}


def test_a_return_reverses_points_pro_rata_and_never_more_than_is_left() -> None:
    assert reversal_points(100, Decimal(1000), Decimal(250), 0) == 25
    assert reversal_points(100, Decimal(1000), Decimal(1000), 80) == 20
    assert reversal_points(0, Decimal(1000), Decimal(1000), 0) == 0
