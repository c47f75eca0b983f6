"""SetTier: a manual tier override with a remark; the next downgrade review is a full window away."""

from __future__ import annotations

from dataclasses import dataclass

from c360.errors import InvalidInput
from services.loyalty.adapters.mongo_accounts import MongoAccountRepository
from services.loyalty.app.customer_checks import CustomerChecks, require_remark
from services.loyalty.domain.account import AccountState
from services.loyalty.domain.tiers import TierPolicy


@dataclass
class SetTier:
    checks: CustomerChecks
    accounts: MongoAccountRepository
    tiers: TierPolicy

    async def __call__(self, customer_id: str, tier: str, remark: str, actor: str) -> AccountState:
        name = tier.strip().upper()
        if name not in self.tiers.thresholds:
            known = ", ".join(self.tiers.thresholds)
            raise InvalidInput("UNKNOWN_TIER", f"Unknown tier {tier[:32]!r}; one of {known}.", "tier")
        remark = require_remark(remark)
        await self.checks.account(customer_id)
        return await self.accounts.set_tier(customer_id, name, remark, actor)
