"""The use cases the gRPC port calls, built once by bootstrap."""

from __future__ import annotations

from dataclasses import dataclass

from services.profile.app.catalog import Catalog
from services.profile.app.details import RecordDetails
from services.profile.app.edit_customer import EditCustomer
from services.profile.app.export_customers import ExportCustomers
from services.profile.app.import_customers import ImportCustomers
from services.profile.app.notes import Notes
from services.profile.app.queries import CustomerQueries
from services.profile.app.register_customer import RegisterCustomer
from services.profile.app.status_changes import StatusChanges
from services.profile.app.timeline import Timeline


@dataclass
class UseCases:
    register: RegisterCustomer
    queries: CustomerQueries
    edit: EditCustomer
    status: StatusChanges
    details: RecordDetails
    catalog: Catalog
    notes: Notes
    timeline: Timeline
    imports: ImportCustomers
    export: ExportCustomers
