"""Refuses every operation of an unauthenticated request before anything is executed."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension

from gateway.errors import CodedError


class RequireAuthentication(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if getattr(context, "principal", None) is None:
            reason = getattr(context, "auth_failure", None) or "Authentication required."
            self.execution_context.result = ExecutionResult(data=None, errors=[CodedError("UNAUTHENTICATED", reason)])
        yield
