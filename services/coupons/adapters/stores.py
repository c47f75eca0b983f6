"""Every MongoDB store of the coupons service, made from one database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.coupons.adapters.mongo_bulk_jobs import MongoBulkJobs
from services.coupons.adapters.mongo_campaigns import MongoCampaignRepository
from services.coupons.adapters.mongo_coupon_changes import MongoCouponChanges
from services.coupons.adapters.mongo_coupons import MongoCouponRepository
from services.coupons.adapters.mongo_customers import MongoCustomerStatuses
from services.coupons.adapters.mongo_issue_keys import MongoIssueKeys
from services.coupons.adapters.mongo_limits import MongoLimitSlots
from services.coupons.adapters.mongo_rejections import MongoRejectionLog


@dataclass
class Stores:
    campaigns: MongoCampaignRepository
    coupons: MongoCouponRepository
    limits: MongoLimitSlots
    statuses: MongoCustomerStatuses
    rejections: MongoRejectionLog
    bulk_jobs: MongoBulkJobs
    changes: MongoCouponChanges
    keys: MongoIssueKeys

    async def ensure_indexes(self) -> None:
        for store in vars(self).values():
            await store.ensure_indexes()

    @classmethod
    def open(cls, database: AsyncDatabase[dict[str, Any]]) -> Stores:
        return cls(
            campaigns=MongoCampaignRepository(database),
            coupons=MongoCouponRepository(database),
            limits=MongoLimitSlots(database),
            statuses=MongoCustomerStatuses(database),
            rejections=MongoRejectionLog(database),
            bulk_jobs=MongoBulkJobs(database),
            changes=MongoCouponChanges(database),
            keys=MongoIssueKeys(database),
        )
