"""EditCustomer: any subset of fields; publishes CustomerUpdated with the names of what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from services.profile.app.changes import CustomerChanges, EventOf
from services.profile.domain.customer import Customer, ProfileRules
from services.profile.domain.edits import CustomerEdit, apply_edit
from services.profile.proto_mapping import customer_updated


@dataclass
class EditCustomer:
    changes: CustomerChanges
    rules: ProfileRules

    async def __call__(self, customer_id: str, edit: CustomerEdit, actor: str) -> Customer:
        def change(current: Customer) -> tuple[Customer, list[EventOf]]:
            edited, changed = apply_edit(current, edit, self.rules, datetime.now(UTC).date())
            return edited, [customer_updated(changed)] if changed else []

        return await self.changes.apply(customer_id, change, actor)
