"""Reads are retried on another instance when one answers UNAVAILABLE (or, draining, CANCELLED);
mutations are sent once.

A real in-process gRPC server (the generic handler API) stands in for a dying instance.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from c360.grpc_client import open_channel
from c360.grpc_retry import is_idempotent_read

calls: list[str] = []
first_refusal: list[grpc.StatusCode] = [grpc.StatusCode.UNAVAILABLE]


def test_reads_are_recognised_by_their_method_names() -> None:
    assert is_idempotent_read("/customer360.loyalty.v1.LoyaltyService/GetAccount")
    assert is_idempotent_read(b"/customer360.profile.v1.ProfileService/BatchGetCustomers")
    assert is_idempotent_read("/customer360.profile.v1.ProfileService/SearchCustomers")
    assert not is_idempotent_read("/customer360.profile.v1.ProfileService/RegisterCustomer")
    assert not is_idempotent_read("/customer360.loyalty.v1.LoyaltyService/AdjustPoints")


async def _unavailable_then_ok(request: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
    calls.append(request.decode())
    if len(calls) == 1:
        await context.abort(first_refusal[0], "instance going away")
    return b"ok"


@pytest.fixture
async def flaky_server() -> AsyncIterator[str]:
    server = grpc.aio.server()
    handler = grpc.unary_unary_rpc_method_handler(_unavailable_then_ok)
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler("test.Flaky", {"GetThing": handler, "ChangeThing": handler})]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    calls.clear()
    yield f"127.0.0.1:{port}"
    await server.stop(0)


@pytest.mark.parametrize("refusal", [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED])
async def test_a_read_refused_by_a_dying_or_draining_instance_is_retried(
    flaky_server: str, refusal: grpc.StatusCode
) -> None:
    first_refusal[0] = refusal
    channel = open_channel(flaky_server)
    try:
        reply = await channel.unary_unary("/test.Flaky/GetThing")(b"read", timeout=5)
    finally:
        await channel.close()
    assert reply == b"ok"
    assert calls == ["read", "read"]


async def test_a_mutation_answered_unavailable_is_not_sent_again(flaky_server: str) -> None:
    first_refusal[0] = grpc.StatusCode.UNAVAILABLE
    channel = open_channel(flaky_server)
    try:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await channel.unary_unary("/test.Flaky/ChangeThing")(b"write", timeout=5)
    finally:
        await channel.close()
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    assert calls == ["write"]
