"""Writes every executed mutation field to the audit log, so feature mutations need no code for it.

The outcome is read from what the resolver returned (a payload with `userErrors`)
or raised (a coded error; anything else counts as INTERNAL). A failed audit write
does not fail the mutation, which has already happened: it is logged as an error.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo
from strawberry.extensions import SchemaExtension

from c360.logging import correlation_id
from gateway.audit import OUTCOME_ERROR, OUTCOME_OK, OUTCOME_USER_ERRORS, AuditEntry, AuditLog

log = logging.getLogger(__name__)
ResolveInfo = GraphQLResolveInfo[Any]

AUDIT_WRITE_SECONDS = 2.0
# Where a mutation names what it acts on, in order of preference (GraphQL argument names).
TARGET_ARGUMENTS = ("id", "customerId", "noteId", "transactionId", "toCustomerId", "code", "listId", "jobId")
RESULT_TARGETS = ("customer", "note", "coupon", "message", "purchase", "job", "definition")


class AuditMutations(SchemaExtension):
    def resolve(self, _next: Callable[..., Any], root: Any, info: ResolveInfo, *args: Any, **kwargs: Any) -> Any:
        result = _next(root, info, *args, **kwargs)
        if info.path.prev is not None or info.operation.operation.value != "mutation":
            return result
        audit = getattr(info.context, "audit", None)
        if audit is None:
            return result
        return _audited(result, audit, info, kwargs)


async def _audited(result: Any, audit: AuditLog, info: ResolveInfo, arguments: Mapping[str, Any]) -> Any:
    try:
        value = await result if inspect.isawaitable(result) else result
    except Exception as error:
        code = (error.extensions or {}).get("code") if isinstance(error, GraphQLError) else None
        await _write(audit, info, arguments, None, OUTCOME_ERROR, [str(code or "INTERNAL")])
        raise
    codes = [str(getattr(e, "code", "")) for e in getattr(value, "user_errors", None) or []]
    await _write(audit, info, arguments, value, OUTCOME_USER_ERRORS if codes else OUTCOME_OK, codes)
    return value


async def _write(
    audit: AuditLog, info: ResolveInfo, arguments: Mapping[str, Any], value: Any, outcome: str, codes: list[str]
) -> None:
    context = info.context
    entry = AuditEntry(
        actor=context.actor() if hasattr(context, "actor") else "",
        operation=info.field_name,
        operation_name=info.operation.name.value if info.operation.name else None,
        target=target_of(arguments, value),
        outcome=outcome,
        codes=codes,
        correlation_id=correlation_id(),
    )
    try:
        await asyncio.wait_for(audit.record(entry), AUDIT_WRITE_SECONDS)
    except Exception:
        log.exception("audit write failed; the mutation itself went through", extra={"fields": {"audit": entry}})


def target_of(arguments: Mapping[str, Any], value: Any = None) -> str | None:
    """The id a mutation acted on: from its arguments (or its `input`), else from the object it returned."""
    for scope in (arguments, arguments.get("input")):
        if isinstance(scope, Mapping):
            for name in TARGET_ARGUMENTS:
                if scope.get(name):
                    return str(scope[name])
    for name in RESULT_TARGETS:
        found_id = getattr(getattr(value, name, None), "id", None)
        if found_id:
            return str(found_id)
    deleted = getattr(value, "deleted_id", None)
    return str(deleted) if deleted else None
