"""The account document's shape: AccountState in and out, decimals as strings.

What only the service reads (the lots, the points earned by day, the spend per
category, the operations remembered) is kept as JSON text, not as nested
documents: FerretDB 1.24 converts every nested document of a document it reads
or writes, so an account with its 120 remembered operations cost 28 ms of the
store's CPU per update as nested documents against a few as text (measured). The
fields that background jobs and sorts query stay plain top-level values.
Documents written before (`lots`, `earned_by_day`, `spend.categories`, `ops` as
nested documents) are still read; the next update rewrites them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from services.loyalty.domain.account import AccountState, Lot
from services.loyalty.domain.ledger import EntryType
from services.loyalty.domain.spend import CategoryTotal, SpendMetrics

Document = dict[str, Any]


LEGACY_FIELDS = ("lots", "earned_by_day", "ops")  # nested documents of accounts written before the text fields
OPERATIONS = "ops_log"  # the remembered operations, as JSON text
NOT_READ = {"ops": 0, OPERATIONS: 0, "outbox": 0}  # what reads of an account's state leave out


def new_account(now: datetime | None = None) -> Document:
    return {**state_fields(AccountState("", now or datetime.now(UTC))), "version": 0, OPERATIONS: "[]"}


def remembered_operations(doc: Document) -> dict[str, Document]:
    """Change id -> {id, balance_after, points} of the operations the account remembers."""
    if OPERATIONS in doc:
        ops = [{"id": i, "balance_after": b, "points": p} for i, b, p in json.loads(doc[OPERATIONS])]
    else:
        ops = list(doc.get("ops") or [])
    return {op["id"]: op for op in ops}


def operations_text(ops: list[Document]) -> str:
    return json.dumps([[op["id"], op["balance_after"], op.get("points", 0)] for op in ops], separators=(",", ":"))


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
        "detail": json.dumps(
            {
                "lots": [_lot_fields(lot) for lot in state.lots],
                "earned_by_day": state.earned_by_day,
                "categories": [
                    {"category": c.category, "amount": str(c.amount), "quantity": c.quantity} for c in spend.categories
                ],
            },
            separators=(",", ":"),
        ),
        "next_lot_expiry": next_lot.expires_at if next_lot else None,
        "spend": {
            "lifetime": str(spend.lifetime_spend),
            "orders": spend.orders,
            "last_value": None if spend.last_value is None else str(spend.last_value),
            "last_at": spend.last_at,
        },
        # What the RFM job ranks: numbers a database can sort.
        "rfm_orders": spend.orders,
        "rfm_spend": float(spend.lifetime_spend),
        "rfm_last_at": spend.last_at,
    }


def to_state(doc: Document, default_tier: str) -> AccountState:
    spend = doc.get("spend") or {}
    if "detail" in doc:
        detail = json.loads(doc["detail"])
        lots, days, categories = detail["lots"], detail["earned_by_day"], detail["categories"]
    else:  # written before the text fields
        lots, days, categories = doc.get("lots") or (), doc.get("earned_by_day") or {}, spend.get("categories") or ()
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
        earned_by_day=dict(days),
        lots=tuple(_lot(d) for d in lots),
        spend=SpendMetrics(
            lifetime_spend=Decimal(spend.get("lifetime", "0")),
            orders=spend.get("orders", 0),
            last_value=Decimal(spend["last_value"]) if spend.get("last_value") is not None else None,
            last_at=spend.get("last_at"),
            categories=tuple(CategoryTotal(c["category"], Decimal(c["amount"]), c["quantity"]) for c in categories),
        ),
    )


def _lot_fields(lot: Lot) -> Document:
    return {
        "id": lot.id,
        "type": lot.type.value,
        "points": lot.points,
        "left": lot.left,
        "created_at": lot.created_at.isoformat(),
        "expires_at": lot.expires_at.isoformat() if lot.expires_at else None,
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
        created_at=_moment(doc["created_at"]),
        expires_at=_moment(doc["expires_at"]) if doc.get("expires_at") else None,
        transaction_id=doc.get("transaction_id"),
        store_id=doc.get("store_id"),
        terminal_id=doc.get("terminal_id"),
    )


def _moment(value: datetime | str) -> datetime:
    """A lot's time: ISO text in the JSON detail, a BSON date in documents written before it."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value
