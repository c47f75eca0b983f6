"""What one batch of imported rows does: creates, updates (name and email only) and row errors.

Upsert by mobile: an existing customer keeps consent, status, points and every
other field. A mobile seen earlier in the file is reported, and the later row wins.
Counting depends only on the file and on who existed before, so a dry run and
the real run report the same numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from c360.errors import DomainError
from services.profile.domain.csv_format import ImportRow
from services.profile.domain.customer import Customer, ProfileRules, Registration, new_customer


@dataclass(frozen=True)
class RowError:
    line: int
    code: str
    message: str


@dataclass
class BatchPlan:
    created: dict[str, tuple[Customer, int]] = field(default_factory=dict)  # mobile -> (new record, line)
    updated: dict[str, tuple[Customer, list[str]]] = field(default_factory=dict)  # mobile -> (record, changed)
    errors: list[RowError] = field(default_factory=list)
    created_count: int = 0
    updated_count: int = 0
    invalid_count: int = 0


def updated_by_row(customer: Customer, row: ImportRow) -> tuple[Customer, list[str]]:
    changes = {"first_name": row.first_name, "last_name": row.last_name, "email": row.email}
    changed: dict[str, Any] = {k: v for k, v in changes.items() if v is not None and getattr(customer, k) != v}
    return dataclasses.replace(customer, **changed), list(changed)


@dataclass
class BatchPlanner:
    rules: ProfileRules
    source: str
    new_id: Callable[[], str]
    new_referral_code: Callable[[], str]
    seen: dict[str, int] = field(default_factory=dict)  # mobile -> line of its latest valid row

    def plan(
        self,
        rows: list[ImportRow | RowError],
        existing: dict[str, Customer],
        now: datetime,
        ids: dict[str, str] | None = None,
    ) -> BatchPlan:
        """`ids`: the id a new customer of a mobile gets (drawn by `new_id` when absent)."""
        plan = BatchPlan()
        for row in rows:
            if isinstance(row, RowError):
                plan.errors.append(row)
                plan.invalid_count += 1
                continue
            try:
                self._plan_row(plan, row, existing, now, (ids or {}).get(row.mobile))
            except DomainError as refused:
                plan.errors.append(RowError(row.line, refused.code, refused.message))
                plan.invalid_count += 1
        return plan

    def _plan_row(
        self, plan: BatchPlan, row: ImportRow, existing: dict[str, Customer], now: datetime, new_id: str | None
    ) -> None:
        mobile, earlier = row.mobile, self.seen.get(row.mobile)
        if mobile in plan.created:
            plan.created[mobile] = (self._new(row, plan.created[mobile][0].id, now), row.line)
        elif mobile in plan.updated or mobile in existing:
            base = plan.updated[mobile][0] if mobile in plan.updated else existing[mobile]
            record, changed = updated_by_row(base, row)
            before = plan.updated.get(mobile, (base, []))[1]
            plan.updated[mobile] = (record, list(dict.fromkeys([*before, *changed])))
        elif earlier is None:
            plan.created[mobile] = (self._new(row, new_id or self.new_id(), now), row.line)
        if earlier is not None:
            plan.errors.append(
                RowError(row.line, "DUPLICATE_IN_FILE", f"Same mobile as line {earlier}; this later row wins.")
            )
        if earlier is None and mobile not in existing:
            plan.created_count += 1
        else:
            plan.updated_count += 1
        self.seen[mobile] = row.line

    def _new(self, row: ImportRow, customer_id: str, now: datetime) -> Customer:
        registration = Registration(
            first_name=row.first_name or "",
            mobile=row.mobile,
            last_name=row.last_name,
            email=row.email,
            customer_type=row.customer_type,
            ext_ref=row.ext_ref,
            date_of_birth=row.date_of_birth,
            gender=row.gender,
            source=self.source,
        )
        return new_customer(registration, self.rules, customer_id, now, self.new_referral_code())
