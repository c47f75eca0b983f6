"""The ledger document's shape, including the spend change a posting carries (so anyone can finish it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.loyalty.domain.ledger import EntryStatus, EntryType, LedgerEntry
from services.loyalty.domain.spend import CategoryTotal, SpendDelta

Document = dict[str, Any]


def to_document(entry: LedgerEntry) -> Document:
    return {
        "_id": entry.id,
        "customer_id": entry.customer_id,
        "type": entry.type.value,
        "points": entry.points,
        "status": entry.status.value,
        "balance_after": entry.balance_after,
        "remark": entry.remark,
        "actor": entry.actor,
        "transaction_id": entry.transaction_id,
        "store_id": entry.store_id,
        "terminal_id": entry.terminal_id,
        "created_at": entry.created_at,
        "expires_at": entry.expires_at,
        "spend": _spend_fields(entry.spend) if entry.spend else None,
    }


def from_document(doc: Document) -> LedgerEntry:
    return LedgerEntry(
        id=doc["_id"],
        customer_id=doc["customer_id"],
        type=EntryType(doc["type"]),
        points=doc["points"],
        status=EntryStatus(doc["status"]),
        balance_after=doc.get("balance_after"),
        remark=doc.get("remark"),
        actor=doc.get("actor"),
        transaction_id=doc.get("transaction_id"),
        store_id=doc.get("store_id"),
        terminal_id=doc.get("terminal_id"),
        created_at=doc["created_at"],
        expires_at=doc.get("expires_at"),
        spend=_spend(doc["spend"]) if doc.get("spend") else None,
    )


def _spend_fields(delta: SpendDelta) -> Document:
    return {
        "amount": str(delta.amount),
        "orders": delta.orders,
        "total": str(delta.total),
        "occurred_at": delta.occurred_at,
        "categories": [
            {"category": c.category, "amount": str(c.amount), "quantity": c.quantity} for c in delta.categories
        ],
    }


def _spend(doc: Document) -> SpendDelta:
    return SpendDelta(
        amount=Decimal(doc["amount"]),
        orders=doc["orders"],
        total=Decimal(doc["total"]),
        occurred_at=doc.get("occurred_at"),
        categories=tuple(CategoryTotal(c["category"], Decimal(c["amount"]), c["quantity"]) for c in doc["categories"]),
    )
