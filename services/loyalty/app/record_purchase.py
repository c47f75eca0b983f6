"""RecordPurchase: a partner's purchase becomes a stored purchase and earned points, once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from services.loyalty.app.ports import CustomerDirectory, PurchaseRepository
from services.loyalty.app.post_points import PostPoints
from services.loyalty.domain.earn_rule import EarnRule
from services.loyalty.domain.ledger import EntryType, LedgerEntry
from services.loyalty.domain.purchase import InvalidPurchase, PurchaseEvent

log = logging.getLogger(__name__)


@dataclass
class RecordPurchase:
    purchases: PurchaseRepository
    customers: CustomerDirectory
    post_points: PostPoints
    earn_rule: EarnRule

    async def __call__(self, purchase: PurchaseEvent) -> None:
        if await self.purchases.is_posted(purchase.purchase_id):
            return
        customer_id = await self.customers.resolve(purchase.customer, enrol_source=f"partner:{purchase.partner_id}")
        if customer_id is None:
            raise InvalidPurchase("unknown customer: no customer matches the given identifiers")
        points = self.earn_rule.points_for(purchase.total, purchase.currency) if purchase.kind == "SALE" else 0
        if not await self.purchases.record(purchase, customer_id, points):
            log.info(
                "skipped a purchase whose event id was already used", extra={"fields": {"event": purchase.event_id}}
            )
            return
        if points > 0:
            await self.post_points(
                LedgerEntry(
                    id=f"earn:{purchase.purchase_id}",
                    customer_id=customer_id,
                    type=EntryType.EARN,
                    points=points,
                    created_at=datetime.now(UTC),
                    transaction_id=purchase.transaction_id,
                    store_id=purchase.store_id,
                    terminal_id=purchase.terminal_id,
                    actor=f"partner:{purchase.partner_id}",
                )
            )
        await self.purchases.mark_posted(purchase.purchase_id)
