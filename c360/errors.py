"""Expected failures of the domain, as data: a stable code, a message and the offending field.

Plain Python, no framework: domain code raises these, the gRPC port turns the
kind into a status code, and the gateway turns them into `userErrors`.
"""

from __future__ import annotations

from enum import Enum


class ErrorKind(Enum):
    INVALID = "INVALID"  # bad input
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"  # would break a uniqueness rule
    PRECONDITION = "PRECONDITION"  # valid input, wrong state
    FORBIDDEN = "FORBIDDEN"


class DomainError(Exception):
    kind: ErrorKind = ErrorKind.INVALID

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    kind = ErrorKind.INVALID


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND

    def __init__(self, message: str, code: str = "NOT_FOUND", field: str | None = None) -> None:
        super().__init__(code, message, field)


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT


class PreconditionFailed(DomainError):
    kind = ErrorKind.PRECONDITION


class Forbidden(DomainError):
    kind = ErrorKind.FORBIDDEN

    def __init__(self, message: str, code: str = "FORBIDDEN", field: str | None = None) -> None:
        super().__init__(code, message, field)
