"""The use cases the gRPC port calls, built once by bootstrap."""

from __future__ import annotations

from dataclasses import dataclass

from services.profile.app.catalog import Catalog
from services.profile.app.details import RecordDetails
from services.profile.app.edit_customer import EditCustomer
from services.profile.app.queries import CustomerQueries
from services.profile.app.register_customer import RegisterCustomer
from services.profile.app.status_changes import StatusChanges


@dataclass
class UseCases:
    register: RegisterCustomer
    queries: CustomerQueries
    edit: EditCustomer
    status: StatusChanges
    details: RecordDetails
    catalog: Catalog
