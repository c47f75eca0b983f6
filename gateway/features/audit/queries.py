"""auditLog(first, after, actor): who changed what, for ADMIN only."""

from __future__ import annotations

import strawberry

from gateway.audit import AuditEntry as StoredEntry
from gateway.context import GatewayInfo
from gateway.errors import CodedError
from gateway.features.audit.types import AuditEntry, AuditEntryConnection, AuditEntryEdge
from gateway.features.common import PageInfo
from gateway.permissions import Role, requires

MAX_PAGE = 100


def _node(entry: StoredEntry) -> AuditEntry:
    return AuditEntry(
        id=strawberry.ID(entry.id),
        actor=entry.actor,
        operation=entry.operation,
        operation_name=entry.operation_name,
        target=entry.target,
        outcome=entry.outcome,
        codes=entry.codes,
        correlation_id=entry.correlation_id,
        at=entry.at,
    )


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="Mutations executed through this gateway, newest first; optionally one actor's.",
        permission_classes=[requires(Role.ADMIN)],
    )
    async def audit_log(
        self, info: GatewayInfo, first: int = 20, after: str | None = None, actor: str | None = None
    ) -> AuditEntryConnection:
        if not 1 <= first <= MAX_PAGE:
            raise CodedError("BAD_USER_INPUT", f"first must be between 1 and {MAX_PAGE}.")
        audit = info.context.audit
        if audit is None:
            raise CodedError("UNAVAILABLE", "The audit log is not configured on this gateway.")
        try:
            entries, more = await audit.page(first, after, actor)
        except ValueError as error:
            raise CodedError("BAD_USER_INPUT", str(error)) from error
        edges = [AuditEntryEdge(cursor=entry.id, node=_node(entry)) for entry in entries]
        return AuditEntryConnection(
            edges=edges, page_info=PageInfo(has_next_page=more, end_cursor=edges[-1].cursor if edges else None)
        )
