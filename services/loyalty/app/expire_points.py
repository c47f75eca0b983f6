"""The expiry job: posts EXPIRE entries for lots past their date, and reviews tiers whose window ended.

Safe to run concurrently and repeatedly: an expiry entry is named after its lot
(`expire:<lot id>`), so it posts once, and takes only what is left of the lot.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from services.loyalty.adapters.mongo_accounts import MongoAccountRepository
from services.loyalty.app.post_points import PostPoints
from services.loyalty.app.reconcile import periodically
from services.loyalty.domain.account import expired_lots, expiry_entry_id
from services.loyalty.domain.ledger import EntryType, LedgerEntry

BATCH = 200


@dataclass
class ExpirePoints:
    accounts: MongoAccountRepository
    post_points: PostPoints
    interval_seconds: float

    async def run_once(self) -> int:
        now = datetime.now(UTC)
        expired = 0
        for customer_id in await self.accounts.due_for_expiry(now, BATCH):
            account = await self.accounts.get(customer_id)
            for lot in expired_lots(account, now) if account else []:
                await self.post_points(
                    LedgerEntry(
                        id=expiry_entry_id(lot),
                        customer_id=customer_id,
                        type=EntryType.EXPIRE,
                        points=-lot.left,
                        created_at=now,
                        remark=f"points earned {lot.created_at.date().isoformat()} expired",
                        actor="system",
                        transaction_id=lot.transaction_id,
                    )
                )
                expired += 1
        reviewed = await self.accounts.due_for_tier_review(now, BATCH)
        for customer_id in reviewed:
            await self.accounts.review_tier(customer_id)
        return expired + len(reviewed)

    async def run(self, stop: asyncio.Event) -> None:
        await periodically(self.run_once, self.interval_seconds, stop)
