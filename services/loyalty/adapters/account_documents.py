"""The account document's shape: AccountState in and out, decimals as strings, lots as a list."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from services.loyalty.domain.account import AccountState, Lot
from services.loyalty.domain.ledger import EntryType
from services.loyalty.domain.spend import CategoryTotal, SpendMetrics

Document = dict[str, Any]


def new_account(now: datetime | None = None) -> Document:
    return {**state_fields(AccountState("", now or datetime.now(UTC))), "version": 0, "ops": []}


def state_fields(state: AccountState) -> Document:
    """Every field `apply` may change, plus the top-level copies the background jobs query by."""
    spend = state.spend
    next_lot = state.next_expiry
    return {
        "opened_at": state.opened_at,
        "points_balance": state.points_balance,
        "lifetime_points": state.lifetime_points,
        "redeemed_points": state.redeemed_points,
        "expired_points": state.expired_points,
        "referral_points": state.referral_points,
        "points_debt": state.points_debt,
        "tier": state.tier,
        "tier_review_at": state.tier_review_at,
        "earned_by_day": state.earned_by_day,
        "lots": [_lot_fields(lot) for lot in state.lots],
        "next_lot_expiry": next_lot.expires_at if next_lot else None,
        "spend": {
            "lifetime": str(spend.lifetime_spend),
            "orders": spend.orders,
            "last_value": None if spend.last_value is None else str(spend.last_value),
            "last_at": spend.last_at,
            "categories": [
                {"category": c.category, "amount": str(c.amount), "quantity": c.quantity} for c in spend.categories
            ],
        },
        # What the RFM job ranks: numbers a database can sort.
        "rfm_orders": spend.orders,
        "rfm_spend": float(spend.lifetime_spend),
        "rfm_last_at": spend.last_at,
    }


def to_state(doc: Document, default_tier: str) -> AccountState:
    spend = doc.get("spend") or {}
    return AccountState(
        customer_id=doc["_id"],
        opened_at=doc.get("opened_at") or datetime.now(UTC),
        points_balance=doc.get("points_balance", 0),
        lifetime_points=doc.get("lifetime_points", 0),
        redeemed_points=doc.get("redeemed_points", 0),
        expired_points=doc.get("expired_points", 0),
        referral_points=doc.get("referral_points", 0),
        points_debt=doc.get("points_debt", 0),
        tier=doc.get("tier") or default_tier,
        tier_review_at=doc.get("tier_review_at"),
        earned_by_day=dict(doc.get("earned_by_day") or {}),
        lots=tuple(_lot(d) for d in doc.get("lots") or ()),
        spend=SpendMetrics(
            lifetime_spend=Decimal(spend.get("lifetime", "0")),
            orders=spend.get("orders", 0),
            last_value=Decimal(spend["last_value"]) if spend.get("last_value") is not None else None,
            last_at=spend.get("last_at"),
            categories=tuple(
                CategoryTotal(c["category"], Decimal(c["amount"]), c["quantity"]) for c in spend.get("categories") or ()
            ),
        ),
    )


def _lot_fields(lot: Lot) -> Document:
    return {
        "id": lot.id,
        "type": lot.type.value,
        "points": lot.points,
        "left": lot.left,
        "created_at": lot.created_at,
        "expires_at": lot.expires_at,
        "transaction_id": lot.transaction_id,
        "store_id": lot.store_id,
        "terminal_id": lot.terminal_id,
    }


def _lot(doc: Document) -> Lot:
    return Lot(
        id=doc["id"],
        type=EntryType(doc["type"]),
        points=doc["points"],
        left=doc["left"],
        created_at=doc["created_at"],
        expires_at=doc.get("expires_at"),
        transaction_id=doc.get("transaction_id"),
        store_id=doc.get("store_id"),
        terminal_id=doc.get("terminal_id"),
    )
