"""ProfileService over gRPC: thin translation; errors are mapped by the shared interceptor.

The RPCs are spread over mixins by theme (record, catalog, notes and timeline,
bulk import/export); this class assembles them.
"""

from __future__ import annotations

from services.profile.ports.grpc_bulk import BulkRpcs
from services.profile.ports.grpc_catalog import CatalogRpcs
from services.profile.ports.grpc_notes import NoteRpcs
from services.profile.ports.grpc_record import RecordRpcs


class ProfileServicer(RecordRpcs, CatalogRpcs, NoteRpcs, BulkRpcs):
    pass
