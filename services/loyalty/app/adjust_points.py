"""AdjustPoints: a manager's + or - correction with a remark, applied once per idempotency key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from services.loyalty.app.customer_checks import (
    CustomerChecks,
    insufficient,
    key_reused,
    require_key,
    require_points,
    require_remark,
)
from services.loyalty.app.ports import AccountRepository, LedgerRepository
from services.loyalty.app.post_points import PostPoints
from services.loyalty.domain.expiry import ExpiryPolicy
from services.loyalty.domain.ledger import EntryType, InsufficientPoints, LedgerEntry


@dataclass
class AdjustPoints:
    checks: CustomerChecks
    accounts: AccountRepository
    ledger: LedgerRepository
    post_points: PostPoints
    expiry: ExpiryPolicy
    max_points: int

    async def __call__(self, customer_id: str, points: int, remark: str, key: str, actor: str) -> LedgerEntry:
        key = require_key(key)
        points = require_points(points, self.max_points, allow_negative=True)
        remark = require_remark(remark)
        await self.checks.account(customer_id)
        now = datetime.now(UTC)
        entry = LedgerEntry(
            id=f"adjust:{key}",
            customer_id=customer_id,
            type=EntryType.ADJUST,
            points=points,
            created_at=now,
            remark=remark,
            actor=actor,
            expires_at=self.expiry.expires_at(now) if points > 0 else None,
        )
        try:
            posted = await self.post_points(entry)
        except InsufficientPoints as error:
            raise insufficient(error) from error
        if (posted.customer_id, posted.points, posted.remark) != (customer_id, points, remark):
            raise key_reused()
        return posted
