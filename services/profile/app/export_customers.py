"""ExportCustomers: every non-deleted customer as CSV, produced batch by batch (constant memory)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

from services.profile.adapters.mongo_customers import MongoCustomerRepository
from services.profile.domain.csv_format import EXPORT_COLUMNS
from services.profile.domain.customer import Customer, CustomerStatus

BATCH_SIZE = 1000


def _cells(c: Customer) -> list[str]:
    return [
        c.id,
        c.mobile,
        c.first_name,
        c.last_name or "",
        c.email or "",
        c.customer_type,
        c.ext_ref or "",
        c.date_of_birth.isoformat() if c.date_of_birth else "",
        c.gender or "",
        c.status.value,
        c.member_since.isoformat(),
        c.referral_code,
    ]


@dataclass
class ExportCustomers:
    customers: MongoCustomerRepository

    async def __call__(self) -> AsyncIterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        criteria = {"status": {"$ne": CustomerStatus.DELETED.value}}
        async for batch in self.customers.scan(criteria, BATCH_SIZE):
            writer.writerows(_cells(c) for c in batch)
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
        if buffer.getvalue():
            yield buffer.getvalue().encode()
