"""A partner's purchase event, checked and turned into typed values.

Schema validation is done by the caller's validator (compiled once at start-up);
this module adds the rules a JSON schema cannot say.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from services.loyalty.domain.currencies import ISO_4217
from services.loyalty.domain.spend import CategoryTotal, SpendDelta


class InvalidPurchase(ValueError):
    """The event can never be applied; its message is the dead-letter reason."""


@dataclass(frozen=True)
class PurchaseItem:
    sku: str
    quantity: int
    unit_price: Decimal
    name: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Discount:
    description: str
    amount: str


@dataclass(frozen=True)
class CustomerRef:
    customer_id: str | None = None
    mobile: str | None = None
    ext_ref: str | None = None


@dataclass(frozen=True)
class PurchaseEvent:
    event_id: str
    partner_id: str
    transaction_id: str
    occurred_at: datetime
    customer: CustomerRef
    total: Decimal
    currency: str
    items: tuple[PurchaseItem, ...]
    kind: str = "SALE"
    receipt_id: str | None = None
    store_id: str | None = None
    terminal_id: str | None = None
    source: str = "IN_STORE"
    coupon_codes: tuple[str, ...] = ()
    points_redeemed: int = 0
    original_transaction_id: str | None = None
    discounts: tuple[Discount, ...] = ()

    @property
    def purchase_id(self) -> str:
        """One id per partner transaction: the natural dedupe key."""
        return f"{self.partner_id}:{self.transaction_id}"


SchemaCheck = Callable[[Any], list[str]]


def parse_purchase(raw: bytes, schema_errors: SchemaCheck) -> PurchaseEvent:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidPurchase(f"not JSON: {error}") from error
    problems = schema_errors(data)
    if problems:
        raise InvalidPurchase("schema violation: " + "; ".join(problems[:5]))
    try:
        occurred_at = datetime.fromisoformat(data["occurred_at"].replace("Z", "+00:00"))
        total = Decimal(data["total"])
        items = tuple(
            PurchaseItem(
                sku=item["sku"],
                quantity=item["quantity"],
                unit_price=Decimal(item["unit_price"]),
                name=item.get("name"),
                category=item.get("category"),
            )
            for item in data["items"]
        )
    except (ValueError, InvalidOperation) as error:
        raise InvalidPurchase(f"unreadable value: {error}") from error
    if occurred_at.tzinfo is None:
        raise InvalidPurchase("occurred_at must carry a time zone")
    customer = data["customer"]
    return PurchaseEvent(
        event_id=data["event_id"],
        partner_id=data["partner_id"],
        transaction_id=data["transaction_id"],
        occurred_at=occurred_at,
        customer=CustomerRef(customer.get("customer_id"), customer.get("mobile"), customer.get("ext_ref")),
        total=total,
        currency=data["currency"],
        items=items,
        kind=data.get("type", "SALE"),
        receipt_id=data.get("receipt_id"),
        store_id=data.get("store_id"),
        terminal_id=data.get("terminal_id"),
        source=data.get("source", "IN_STORE"),
        coupon_codes=tuple(data.get("coupon_codes") or ()),
        points_redeemed=data.get("points_redeemed", 0),
        original_transaction_id=data.get("original_transaction_id"),
        discounts=tuple(
            Discount(str(d.get("description", "")), str(d.get("amount", ""))) for d in data.get("discounts") or ()
        ),
    )


def check_business_rules(purchase: PurchaseEvent, tolerance: Decimal) -> None:
    """What the schema cannot say: a known currency, and a total that matches the items less the discounts
    (within the tolerance, for the partner's rounding)."""
    if purchase.currency not in ISO_4217:
        raise InvalidPurchase(f"unknown currency: {purchase.currency}")
    if any(item.quantity <= 0 for item in purchase.items):
        raise InvalidPurchase("negative quantity: every item needs a quantity of at least 1")
    if purchase.items:
        items_total = sum((item.unit_price * item.quantity for item in purchase.items), Decimal(0))
        expected = items_total - discounts_total(purchase.discounts)
        if abs(abs(purchase.total) - expected) > tolerance:
            raise InvalidPurchase(
                f"total mismatch: total {purchase.total} but the items less discounts add up to {expected}"
            )


def discounts_total(discounts: tuple[Discount, ...]) -> Decimal:
    """Money taken off the items: a discount is money off whichever sign the partner writes it with
    (the contract does not say); one without an amount takes nothing off."""
    total = Decimal(0)
    for discount in discounts:
        if not discount.amount.strip():
            continue
        try:
            amount = Decimal(discount.amount)
        except InvalidOperation as error:
            raise InvalidPurchase(f"unreadable value: discount amount {discount.amount[:32]!r}") from error
        if not amount.is_finite():
            raise InvalidPurchase(f"unreadable value: discount amount {discount.amount[:32]!r}")
        total += abs(amount)
    return total


def spend_delta(purchase: PurchaseEvent) -> SpendDelta:
    """A sale adds its spend and one order; a return takes its amount back."""
    categories: dict[str, CategoryTotal] = {}
    for item in purchase.items:
        if not item.category:
            continue
        now = categories.get(item.category, CategoryTotal(item.category, Decimal(0), 0))
        categories[item.category] = CategoryTotal(
            item.category, now.amount + item.unit_price * item.quantity, now.quantity + item.quantity
        )
    sale = SpendDelta(
        amount=abs(purchase.total),
        orders=1,
        total=abs(purchase.total),
        occurred_at=purchase.occurred_at,
        categories=tuple(categories.values()),
    )
    return sale if purchase.kind == "SALE" else SpendDelta(**{**vars(sale.negated()), "orders": 0})
