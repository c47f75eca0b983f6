"""The purchase document's shape (its PurchaseRecorded event is published directly: loyalty_events.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.loyalty.domain.purchase import CustomerRef, Discount, PurchaseEvent, PurchaseItem
from services.loyalty.domain.stored_purchase import StoredPurchase, Transfer

Document = dict[str, Any]


def to_document(stored: StoredPurchase) -> Document:
    purchase = stored.event
    return {
        "_id": purchase.purchase_id,
        "event_id": purchase.event_id,
        "partner_id": purchase.partner_id,
        "transaction_id": purchase.transaction_id,
        "receipt_id": purchase.receipt_id,
        "customer_id": stored.customer_id,
        "occurred_at": purchase.occurred_at,
        "type": purchase.kind,
        "store_id": purchase.store_id,
        "terminal_id": purchase.terminal_id,
        "source": purchase.source,
        "currency": purchase.currency,
        "total": str(purchase.total),
        "items": [
            {
                "sku": item.sku,
                "name": item.name,
                "category": item.category,
                "quantity": item.quantity,
                "unit_price": str(item.unit_price),
            }
            for item in purchase.items
        ],
        "discounts": [{"description": d.description, "amount": d.amount} for d in purchase.discounts],
        "coupon_codes": list(purchase.coupon_codes),
        "points_redeemed": purchase.points_redeemed,
        "points_earned": stored.points_earned,
        "points_reversed": stored.points_reversed,
        "original_transaction_id": purchase.original_transaction_id,
        "transfers": 0,
        "transfer": None,
    }


def from_document(doc: Document) -> StoredPurchase:
    transfer = doc.get("transfer")
    event = PurchaseEvent(
        event_id=doc["event_id"],
        partner_id=doc["partner_id"],
        transaction_id=doc["transaction_id"],
        occurred_at=doc["occurred_at"],
        customer=CustomerRef(customer_id=doc["customer_id"]),
        total=Decimal(doc["total"]),
        currency=doc["currency"],
        items=tuple(
            PurchaseItem(i["sku"], i["quantity"], Decimal(i["unit_price"]), i.get("name"), i.get("category"))
            for i in doc.get("items") or ()
        ),
        kind=doc.get("type", "SALE"),
        receipt_id=doc.get("receipt_id"),
        store_id=doc.get("store_id"),
        terminal_id=doc.get("terminal_id"),
        source=doc.get("source") or "IN_STORE",
        coupon_codes=tuple(doc.get("coupon_codes") or ()),
        points_redeemed=doc.get("points_redeemed", 0),
        original_transaction_id=doc.get("original_transaction_id"),
        discounts=tuple(Discount(d.get("description", ""), d.get("amount", "")) for d in doc.get("discounts") or ()),
    )
    return StoredPurchase(
        event=event,
        customer_id=doc["customer_id"],
        points_earned=doc.get("points_earned", 0),
        points_reversed=doc.get("points_reversed", 0),
        transfers=doc.get("transfers", 0),
        transfer=Transfer(**transfer) if transfer else None,
    )
