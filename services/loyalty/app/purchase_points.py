"""Deciding, once and before storing, what a new purchase is worth in points and to whom."""

from __future__ import annotations

from dataclasses import dataclass

from services.loyalty.app.ports import PurchaseRepository
from services.loyalty.domain.customer import CustomerFacts
from services.loyalty.domain.earn_rule import EarnRule, reversal_points
from services.loyalty.domain.purchase import PurchaseEvent
from services.loyalty.domain.stored_purchase import StoredPurchase


@dataclass
class PricePurchases:
    purchases: PurchaseRepository
    earn_rule: EarnRule

    async def __call__(
        self, new: list[PurchaseEvent], customers: dict[str, CustomerFacts], stored: dict[str, StoredPurchase]
    ) -> list[StoredPurchase]:
        """Sales earn unless the customer is suspended; returns reverse their original's points pro rata."""
        priced: dict[str, StoredPurchase] = {}
        reversed_so_far: dict[str, int] = {}
        for purchase in new:
            facts = customers[purchase.purchase_id]
            if purchase.kind == "SALE":
                points = self.earn_rule.points_for(purchase.total, purchase.currency) if facts.earns else 0
                priced[purchase.purchase_id] = StoredPurchase(purchase, facts.id, points_earned=points)
                continue
            original_id = f"{purchase.partner_id}:{purchase.original_transaction_id or ''}"
            original = priced.get(original_id) or stored.get(original_id) or await self.purchases.get(original_id)
            if original is None or original.event.kind != "SALE":
                priced[purchase.purchase_id] = StoredPurchase(purchase, facts.id)
                continue
            if original_id not in reversed_so_far:
                reversed_so_far[original_id] = await self.purchases.points_reversed_for(
                    purchase.partner_id, purchase.original_transaction_id or ""
                )
            points = reversal_points(
                original.points_earned, original.event.total, purchase.total, reversed_so_far[original_id]
            )
            reversed_so_far[original_id] += points
            # The points come back from whoever holds the original now (it may have been transferred).
            priced[purchase.purchase_id] = StoredPurchase(purchase, original.customer_id, points_reversed=points)
        return list(priced.values())
