"""The audit log's types: one entry per mutation executed, newest first."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.features.common import PageInfo


@strawberry.type(description="One mutation as the gateway executed it.")
class AuditEntry:
    id: strawberry.ID
    actor: str = strawberry.field(description="The token's subject.")
    operation: str = strawberry.field(description="The mutation field, e.g. registerCustomer.")
    operation_name: str | None = strawberry.field(description="The client's name for the GraphQL operation.")
    target: str | None = strawberry.field(description="The id the mutation acted on, when it names one.")
    outcome: str = strawberry.field(description="OK, USER_ERRORS or ERROR.")
    codes: list[str] = strawberry.field(description="The userErrors' codes, or the error's code.")
    correlation_id: str
    at: datetime


@strawberry.type
class AuditEntryEdge:
    cursor: str
    node: AuditEntry


@strawberry.type
class AuditEntryConnection:
    edges: list[AuditEntryEdge]
    page_info: PageInfo
