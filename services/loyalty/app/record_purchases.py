"""RecordPurchases: a batch of partner purchases becomes stored purchases, points and metrics, each once.

Bulk steps, each idempotent, so redelivery after a crash anywhere resumes the work:
1. new purchases are priced and inserted (unique purchase id and event id; the
   PurchaseRecorded event rides in each document's outbox);
2. the stored documents, not the incoming events, decide what is applied;
3. ledger entries are inserted PENDING, applied per customer (one compare-and-set
   per chunk, remembering change ids), marked POSTED; then purchases are marked posted.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from decimal import Decimal

from services.loyalty.app.apply_changes import ApplyChanges
from services.loyalty.app.ports import CustomerProjection, PurchaseRepository
from services.loyalty.app.purchase_points import PricePurchases
from services.loyalty.app.purchase_postings import purchase_change, referral_changes
from services.loyalty.app.resolve_customers import ResolveCustomers
from services.loyalty.domain.expiry import ExpiryPolicy
from services.loyalty.domain.purchase import InvalidPurchase, PurchaseEvent, check_business_rules

log = logging.getLogger(__name__)


@dataclass
class RecordPurchases:
    purchases: PurchaseRepository
    customers: CustomerProjection
    resolve: ResolveCustomers
    price: PricePurchases
    apply_changes: ApplyChanges
    expiry: ExpiryPolicy
    referral_points: int
    total_tolerance: Decimal

    async def __call__(self, batch: list[PurchaseEvent]) -> dict[int, str]:
        """Records the batch; returns the positions of purchases that can never apply, with the reason."""
        poison: dict[int, str] = {}
        unique: dict[str, PurchaseEvent] = {}
        for position, purchase in enumerate(batch):
            try:
                check_business_rules(purchase, self.total_tolerance)
            except InvalidPurchase as invalid:
                poison[position] = str(invalid)
                continue
            unique.setdefault(purchase.purchase_id, purchase)
        stored = await self.purchases.get_many(list(unique))
        new = [p for pid, p in unique.items() if pid not in stored]
        customers = await self.resolve(new) if new else {}
        for position, purchase in enumerate(batch):
            pid = purchase.purchase_id
            if pid in unique and pid not in stored and pid not in customers and position not in poison:
                poison[position] = "unknown customer: no customer matches the given identifiers"
        priced = await self.price([p for p in new if p.purchase_id in customers], customers, stored)
        await self.purchases.insert_new(priced)
        stored = await self.purchases.get_many(list(unique))
        to_post = [s for s in stored.values() if not s.posted]
        if not to_post:
            return poison
        changes = [purchase_change(s, self.expiry) for s in to_post]
        facts = await self.customers.get_many(list({s.customer_id for s in to_post}))
        rewards = await referral_changes(to_post, facts, self.customers, self.referral_points, self.expiry)
        await self.apply_changes([*changes, *(change for change, _ in rewards)])
        await self.purchases.mark_posted([s.purchase_id for s in to_post])
        await asyncio.gather(*(self.customers.mark_referral_rewarded(referred) for _, referred in rewards))
        log.info("recorded purchases", extra={"fields": {"posted": len(to_post), "poison": len(poison)}})
        return poison
