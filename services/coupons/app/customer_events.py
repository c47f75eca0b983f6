"""Keeps the customer-status projection in step with profile events; erasure anonymises coupons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from services.coupons.adapters.mongo_coupon_changes import MongoCouponChanges
from services.coupons.adapters.mongo_coupons import ERASED_CUSTOMER, MongoCouponRepository
from services.coupons.adapters.mongo_customers import MongoCustomerStatuses
from services.coupons.adapters.mongo_issue_keys import MongoIssueKeys
from services.coupons.adapters.mongo_limits import MongoLimitSlots
from services.coupons.adapters.mongo_rejections import MongoRejectionLog
from services.coupons.domain.customer_status import CustomerStatus


@dataclass
class CustomerEvents:
    statuses: MongoCustomerStatuses
    coupons: MongoCouponRepository
    keys: MongoIssueKeys
    limits: MongoLimitSlots
    rejections: MongoRejectionLog
    changes: MongoCouponChanges

    async def registered(self, customer_id: str) -> None:
        await self.statuses.remember(customer_id, CustomerStatus.ACTIVE)

    async def registered_many(self, customer_ids: list[str]) -> None:
        await self.statuses.remember_many(customer_ids, CustomerStatus.ACTIVE)

    async def suspended(self, customer_id: str) -> None:
        await self.statuses.change(customer_id, CustomerStatus.SUSPENDED)

    async def reactivated(self, customer_id: str) -> None:
        await self.statuses.change(customer_id, CustomerStatus.ACTIVE)

    async def erased(self, customer_id: str) -> None:
        """Status first, so no issuance starting now can succeed; then the coupons lose the person."""
        await self.statuses.erase(customer_id)
        for key in await self.coupons.anonymise_customer(customer_id, datetime.now(UTC)):
            await self.keys.forget(key)
        await self.rejections.anonymise_customer(customer_id)
        await self.changes.anonymise_customer(customer_id, ERASED_CUSTOMER)
        await self.limits.forget_customer(customer_id)
