"""How failures reach clients: domain refusals as `userErrors`, outages as coded GraphQL errors.

Codes are the contract's: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT,
UNAVAILABLE, DEADLINE_EXCEEDED, RATE_LIMITED, INTERNAL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import grpc
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from c360.logging import correlation_id

log = logging.getLogger(__name__)

ERROR_CODE_HEADER = "x-error-code"
ERROR_FIELD_HEADER = "x-error-field"

_CODE_BY_STATUS = {
    grpc.StatusCode.UNAVAILABLE: "UNAVAILABLE",
    grpc.StatusCode.DEADLINE_EXCEEDED: "DEADLINE_EXCEEDED",
    grpc.StatusCode.NOT_FOUND: "NOT_FOUND",
    grpc.StatusCode.INVALID_ARGUMENT: "BAD_USER_INPUT",
    grpc.StatusCode.PERMISSION_DENIED: "FORBIDDEN",
    grpc.StatusCode.UNAUTHENTICATED: "UNAUTHENTICATED",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "RATE_LIMITED",
}
# Statuses a service uses for refusals of the request itself, which belong in `userErrors`.
DOMAIN_STATUSES = {
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.ALREADY_EXISTS,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.PERMISSION_DENIED,
}


class CodedError(GraphQLError):
    """An expected failure: passes to the client unmasked, with `extensions.code`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, extensions={"code": code})
        self.code = code


def backend_failure(error: grpc.aio.AioRpcError, backend: str) -> CodedError:
    """A mapped status with the backend's message; any other is masked like an exception of our own."""
    code = _CODE_BY_STATUS.get(error.code(), "INTERNAL")
    if code == "INTERNAL":
        log.error("backend %s failed: %s %s", backend, error.code(), error.details())
        return masked_error()
    return CodedError(code, f"The {backend} service: {error.details() or error.code().name}.")


def masked_error() -> CodedError:
    """All a client learns of an unexpected failure: the correlation id under which the logs have the rest."""
    cid = correlation_id()
    error = CodedError("INTERNAL", f"Unexpected error (correlation id {cid}).")
    error.extensions = {"code": "INTERNAL", "correlationId": cid}
    return error


def trailing(error: grpc.aio.AioRpcError, name: str) -> str | None:
    for key, value in error.trailing_metadata() or ():
        if key == name:
            return value if isinstance(value, str) else value.decode()
    return None


class ErrorPolicy(SchemaExtension):
    """Unexpected exceptions are logged with their stack and masked; coded errors pass through."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        result.errors = [public_error(error) for error in result.errors or []]


def public_error(error: GraphQLError) -> GraphQLError:
    """What a client may see of an error: itself when coded, else a masked INTERNAL with a correlation id.

    Idempotent, so the HTTP view applies it again as a safety net for paths around the extension.
    """
    original = error.original_error
    if original is None:
        if not (error.extensions or {}).get("code"):  # a parse or validation error: the query is at fault
            error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}
        return error
    if isinstance(original, GraphQLError) and (original.extensions or {}).get("code"):
        return error
    log.error("unexpected error at %s", error.path, exc_info=original)
    masked = masked_error()
    return GraphQLError(masked.message, nodes=error.nodes, path=error.path, extensions=masked.extensions)
