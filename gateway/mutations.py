"""Running a mutation's backend call: domain refusals become `userErrors`, outages raise coded errors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import grpc

from gateway.errors import DOMAIN_STATUSES, ERROR_CODE_HEADER, ERROR_FIELD_HEADER, backend_failure, trailing
from gateway.features.common import UserError

T = TypeVar("T")


async def call_backend(call: Awaitable[T], backend: str, input_path: list[str]) -> T | UserError:
    """The reply, or the UserError the service refused with (field path prefixed by `input_path`)."""
    try:
        return await call
    except grpc.aio.AioRpcError as error:
        if error.code() not in DOMAIN_STATUSES:
            raise backend_failure(error, backend) from error
        field = trailing(error, ERROR_FIELD_HEADER)
        return UserError(
            field=[*input_path, *field.split(".")] if field else None,
            code=trailing(error, ERROR_CODE_HEADER) or error.code().name,
            message=error.details() or error.code().name,
        )
