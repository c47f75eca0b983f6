"""A points account: balance, lots, counters, tier and spend metrics, changed only by `apply`.

Invariant: the points left in the lots add up to the balance.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from services.loyalty.domain.ledger import (
    EARNING_TYPES,
    REFUSABLE_DEBITS,
    Change,
    EntryType,
    InsufficientPoints,
    LedgerEntry,
)
from services.loyalty.domain.spend import SpendMetrics
from services.loyalty.domain.tiers import TierPolicy

FAR_FUTURE = datetime.max


@dataclass(frozen=True)
class Lot:
    id: str
    type: EntryType
    points: int
    left: int
    created_at: datetime
    expires_at: datetime | None = None
    transaction_id: str | None = None
    store_id: str | None = None
    terminal_id: str | None = None

    def expiry_order(self) -> tuple[bool, datetime, datetime]:
        expires = self.expires_at
        return (expires is None, expires.replace(tzinfo=None) if expires else FAR_FUTURE, self.created_at)


@dataclass(frozen=True)
class TierMove:
    from_tier: str
    to_tier: str
    reason: str


@dataclass(frozen=True)
class AccountState:
    customer_id: str
    opened_at: datetime
    points_balance: int = 0
    lifetime_points: int = 0
    redeemed_points: int = 0
    expired_points: int = 0
    referral_points: int = 0
    points_debt: int = 0
    tier: str = "BRONZE"
    tier_review_at: datetime | None = None
    earned_by_day: dict[str, int] = field(default_factory=dict)
    lots: tuple[Lot, ...] = ()
    spend: SpendMetrics = field(default_factory=SpendMetrics)

    @property
    def next_expiry(self) -> Lot | None:
        expiring = [lot for lot in self.lots if lot.expires_at is not None and lot.left > 0]
        return min(expiring, key=Lot.expiry_order) if expiring else None


def apply(state: AccountState, change: Change, tiers: TierPolicy, now: datetime) -> tuple[AccountState, int]:
    """The account after one change, and the points actually applied (see LedgerEntry)."""
    applied = 0
    if change.entry is not None and change.entry.points != 0:
        state, applied = _apply_points(state, change, now, tiers)
    if change.spend is not None:
        state = replace(state, spend=state.spend.plus(change.spend))
    return state, applied


def review_tier(state: AccountState, tiers: TierPolicy, now: datetime) -> tuple[AccountState, TierMove | None]:
    """Upgrades at once; re-rates (possibly down) only once the window since the last change has passed."""
    earned = tiers.earned_in_window(state.earned_by_day, now)
    deserved = tiers.tier_for(earned)
    due = state.tier_review_at is not None and now >= state.tier_review_at
    if tiers.rank(deserved) > tiers.rank(state.tier) or (due and deserved != state.tier):
        reason = "upgrade" if tiers.rank(deserved) > tiers.rank(state.tier) else "window review"
        moved = replace(state, tier=deserved, tier_review_at=now + tiers.window)
        return moved, TierMove(state.tier, deserved, reason)
    if due:
        return replace(state, tier_review_at=now + tiers.window), None
    return state, None


def set_tier(state: AccountState, tier: str, tiers: TierPolicy, now: datetime) -> AccountState:
    return replace(state, tier=tier, tier_review_at=now + tiers.window)


def _apply_points(state: AccountState, change: Change, now: datetime, tiers: TierPolicy) -> tuple[AccountState, int]:
    entry = change.entry
    assert entry is not None
    if entry.points > 0:
        # Points owed from earlier reversals are settled first; only the rest is credited (and applied).
        repaid = min(state.points_debt, entry.points)
        credited = entry.points - repaid
        lots = _with_credit(state.lots, replace(entry, points=credited)) if credited else state.lots
        earned = entry.points if entry.type in (*EARNING_TYPES, EntryType.TRANSFER) else 0
        days = dict(state.earned_by_day)
        if earned:
            day = now.date().isoformat()
            days[day] = days.get(day, 0) + earned
        start = tiers.window_start_day(now)
        return replace(
            state,
            points_balance=state.points_balance + credited,
            points_debt=state.points_debt - repaid,
            lifetime_points=state.lifetime_points + earned,
            referral_points=state.referral_points + (entry.points if entry.type is EntryType.REFERRAL else 0),
            earned_by_day={d: p for d, p in days.items() if d > start},
            lots=lots,
        ), credited
    wanted = -entry.points
    if entry.type is EntryType.EXPIRE:
        expiring = next((x for x in state.lots if x.id == entry.expired_lot_id), None)
        taken = min(expiring.left, state.points_balance) if expiring else 0
        remaining = tuple(x for x in state.lots if x.id != entry.expired_lot_id)
        return replace(
            state,
            points_balance=state.points_balance - taken,
            expired_points=state.expired_points + taken,
            lots=remaining,
        ), -taken
    if entry.type in REFUSABLE_DEBITS and wanted > state.points_balance:
        raise InsufficientPoints(state.points_balance, wanted)
    taken = min(wanted, state.points_balance)
    lifetime = state.lifetime_points
    if entry.type in (EntryType.REVERSAL, EntryType.TRANSFER):
        lifetime = max(lifetime - wanted, 0)
    return replace(
        state,
        points_balance=state.points_balance - taken,
        redeemed_points=state.redeemed_points + (taken if entry.type is EntryType.REDEEM else 0),
        points_debt=state.points_debt + (wanted - taken),
        lifetime_points=lifetime,
        lots=_consume(state.lots, taken),
    ), -taken


def lot_id(entry: LedgerEntry) -> str:
    """Credits of one type expiring on the same day share a lot, which keeps the account document small."""
    return f"{entry.type.value}:{entry.expires_at.date().isoformat() if entry.expires_at else 'never'}"


def _with_credit(lots: tuple[Lot, ...], entry: LedgerEntry) -> tuple[Lot, ...]:
    key = lot_id(entry)
    same = next((lot for lot in lots if lot.id == key), None)
    if same is None:
        fresh = Lot(
            id=key,
            type=entry.type,
            points=entry.points,
            left=entry.points,
            created_at=entry.created_at,
            expires_at=entry.expires_at,
            transaction_id=entry.transaction_id,
            store_id=entry.store_id,
            terminal_id=entry.terminal_id,
        )
        return (*lots, fresh)
    merged = replace(
        same,
        points=same.points + entry.points,
        left=same.left + entry.points,
        expires_at=max(same.expires_at, entry.expires_at) if same.expires_at and entry.expires_at else same.expires_at,
        transaction_id=same.transaction_id if same.transaction_id == entry.transaction_id else None,
        store_id=same.store_id if same.store_id == entry.store_id else None,
        terminal_id=same.terminal_id if same.terminal_id == entry.terminal_id else None,
    )
    return tuple(merged if lot.id == key else lot for lot in lots)


def expiry_entry_id(lot: Lot) -> str:
    """Names the expiry of a lot as it stands: points merged into it later expire under a new name."""
    return f"expire:{lot.id}@{lot.points}"


def _consume(lots: tuple[Lot, ...], points: int) -> tuple[Lot, ...]:
    """Takes points from the lots that expire first; emptied lots are dropped."""
    left = points
    kept: list[Lot] = []
    for lot in sorted(lots, key=Lot.expiry_order):
        take = min(lot.left, left)
        left -= take
        if lot.left - take > 0:
            kept.append(replace(lot, left=lot.left - take))
    return tuple(kept)


def expired_lots(state: AccountState, now: datetime) -> list[Lot]:
    return [lot for lot in state.lots if lot.expires_at is not None and lot.expires_at <= now and lot.left > 0]
