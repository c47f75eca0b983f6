"""RecordPurchases: a batch of partner purchases becomes stored purchases, points and metrics, each once.

Bulk steps, each idempotent, so redelivery after a crash anywhere resumes the work:
1. new purchases are priced and inserted (unique purchase id and event id; the
   PurchaseRecorded event rides in each document's outbox);
2. the stored documents, not the incoming events, decide what is applied;
3. each customer's changes are applied in one compare-and-set per chunk (remembering
   change ids), then the ledger entries are inserted POSTED (post_purchase_changes.py);
4. PurchaseRecorded and PointsChanged are published, with event ids derived from the
   purchase and entry, before the batch's offsets are committed.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from decimal import Decimal

from services.loyalty.app.ports import CustomerProjection, EventPublisher, PurchaseRepository
from services.loyalty.app.post_purchase_changes import PostPurchaseChanges
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
    post_changes: PostPurchaseChanges
    events: EventPublisher
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
        customers = await self.resolve(list(unique.values())) if unique else {}
        for position, purchase in enumerate(batch):
            pid = purchase.purchase_id
            if pid in unique and pid not in customers and position not in poison:
                poison[position] = "unknown customer: no customer matches the given identifiers"
        priced = await self.price([p for p in unique.values() if p.purchase_id in customers], customers, {})
        # The changes of new purchases are known now: their ledger entries are listed with the purchases.
        planned = {p.purchase_id: purchase_change(p, self.expiry) for p in priced}
        entries = [c.entry for c in planned.values() if c.entry is not None]
        inserted = await self.purchases.insert_new(priced, entries)
        # What was there already (a redelivery, or a partner retry) is taken as stored, not as priced now.
        stored = await self.purchases.get_many([p.purchase_id for p in priced if p.purchase_id not in inserted])
        to_post = [p for p in priced if p.purchase_id in inserted] + list(stored.values())
        if not to_post:
            return poison
        changes = [
            planned[s.purchase_id] if s.purchase_id in inserted else purchase_change(s, self.expiry) for s in to_post
        ]
        facts = {f.id: f for f in customers.values()}  # as resolved; read only for purchases stored under others
        if missing := list({s.customer_id for s in to_post} - facts.keys()):
            facts.update(await self.customers.get_many(missing))
        rewards = await referral_changes(to_post, facts, self.customers, self.referral_points, self.expiry)
        # Only changes of purchases stored before this call (and rewards) can have been applied already.
        maybe_done = {purchase_change(s, self.expiry).id for s in stored.values()} | {c.id for c, _ in rewards}
        listed = {e.id for e in entries}
        postings = await self.post_changes([*changes, *(change for change, _ in rewards)], maybe_done, listed)
        await self.events.publish(to_post, postings)
        await asyncio.gather(*(self.customers.mark_referral_rewarded(referred) for _, referred in rewards))
        log.info("recorded purchases", extra={"fields": {"purchases": len(to_post), "poison": len(poison)}})
        return poison
