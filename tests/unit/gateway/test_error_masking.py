"""Unexpected failures reach clients masked, with a correlation id, and reach the logs with their stack."""

from __future__ import annotations

import logging

import grpc
import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from c360.logging import set_correlation_id
from gateway.errors import CodedError, ErrorPolicy, backend_failure
from gateway.http_errors import CorrelationAndErrors


@strawberry.type
class Query:
    @strawberry.field
    def broken(self) -> int | None:
        raise RuntimeError("database password is hunter2")

    @strawberry.field
    def refused(self) -> int:
        raise CodedError("NOT_FOUND", "No such thing.")

    @strawberry.field
    def fine(self) -> int:
        return 1


SCHEMA = strawberry.Schema(query=Query, extensions=[ErrorPolicy])


async def test_an_unexpected_exception_is_masked_with_a_correlation_id_and_logged_with_its_stack(
    caplog: pytest.LogCaptureFixture,
) -> None:
    set_correlation_id("cid-123")
    with caplog.at_level(logging.ERROR, logger="gateway.errors"):
        result = await SCHEMA.execute("{ broken fine }")
    [error] = result.errors or []
    assert error.message == "Unexpected error (correlation id cid-123)."
    assert error.extensions == {"code": "INTERNAL", "correlationId": "cid-123"}
    assert error.path == ["broken"]
    assert "hunter2" not in error.message
    assert result.data == {"broken": None, "fine": 1}
    [record] = [r for r in caplog.records if r.name == "gateway.errors"]
    assert record.exc_info is not None
    assert "hunter2" in str(record.exc_info[1])


async def test_coded_errors_and_invalid_queries_pass_through_with_their_codes() -> None:
    refused = await SCHEMA.execute("{ refused }")
    assert [(e.message, (e.extensions or {})["code"]) for e in refused.errors or []] == [
        ("No such thing.", "NOT_FOUND")
    ]
    invalid = await SCHEMA.execute("{ nope }")
    assert (invalid.errors or [])[0].extensions == {"code": "BAD_USER_INPUT"}


def _rpc_error(code: grpc.StatusCode, details: str) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details=details)


def test_an_unmapped_backend_status_is_masked_like_an_exception_and_a_mapped_one_keeps_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    set_correlation_id("cid-456")
    with caplog.at_level(logging.ERROR, logger="gateway.errors"):
        masked = backend_failure(_rpc_error(grpc.StatusCode.UNKNOWN, "KeyError: 'secret_column'"), "loyalty")
    assert masked.message == "Unexpected error (correlation id cid-456)."
    assert masked.extensions == {"code": "INTERNAL", "correlationId": "cid-456"}
    assert any("secret_column" in r.getMessage() for r in caplog.records)
    unavailable = backend_failure(_rpc_error(grpc.StatusCode.UNAVAILABLE, "connection refused"), "loyalty")
    assert (unavailable.message, unavailable.extensions) == (
        "The loyalty service: connection refused.",
        {"code": "UNAVAILABLE"},
    )


def _app() -> Starlette:
    async def crash(request: Request) -> Response:
        raise RuntimeError("stack trace material")

    async def ok(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/crash", crash), Route("/ok", ok)], middleware=[Middleware(CorrelationAndErrors)])


def _client(raise_app_exceptions: bool = True) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


async def test_an_exception_below_graphql_is_a_coded_json_500_with_the_correlation_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with _client(raise_app_exceptions=False) as client:
        with caplog.at_level(logging.ERROR):
            reply = await client.get("/crash", headers={"x-correlation-id": "req-9"})
    assert reply.status_code == 500
    assert reply.headers["x-correlation-id"] == "req-9"
    assert reply.json() == {
        "data": None,
        "errors": [
            {
                "message": "Unexpected error (correlation id req-9).",
                "extensions": {"code": "INTERNAL", "correlationId": "req-9"},
            }
        ],
    }
    assert any(r.exc_info and "stack trace material" in str(r.exc_info[1]) for r in caplog.records)


async def test_responses_carry_a_fresh_correlation_id_when_the_callers_is_missing_or_unsafe() -> None:
    async with _client() as client:
        fresh = (await client.get("/ok")).headers["x-correlation-id"]
        unsafe = (await client.get("/ok", headers={"x-correlation-id": "x" * 200})).headers["x-correlation-id"]
    assert len(fresh) == len(unsafe) == 32
    assert fresh != unsafe
