"""A backend that is down or slow costs only its own section; the circuit breaker spares it, then lets it back."""

from __future__ import annotations

import signal
from typing import Any

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually, random_mobile

REGISTER = """
mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id } userErrors { code } }
}"""
VIEW = "query($id: ID!) { customer360(id: $id) { id profile { firstName } loyalty { pointsBalance tier } } }"


async def new_customer(gateway: GraphQLClient) -> str:
    body = await gateway.execute(REGISTER, input={"firstName": "Rhea", "mobile": random_mobile()})
    customer_id: str = body["data"]["registerCustomer"]["customer"]["id"]
    return customer_id


def assert_only_loyalty_failed(body: dict[str, Any], code: str) -> dict[str, Any]:
    view = body["data"]["customer360"]
    assert view["profile"] == {"firstName": "Rhea"}
    assert view["loyalty"] is None
    [error] = body["errors"]
    assert error["path"] == ["customer360", "loyalty"]
    assert error["extensions"]["code"] == code
    return dict(error)


async def test_each_response_counts_its_backend_calls_in_test_mode(gateway: GraphQLClient) -> None:
    customer_id = await new_customer(gateway)
    body = await gateway.execute(VIEW, id=customer_id)
    assert body["data"]["customer360"]["loyalty"]["tier"]
    assert body["extensions"]["rpcCalls"] == {"profile": 1, "loyalty": 1}


async def test_a_slow_backend_nulls_only_its_section_with_deadline_exceeded(
    gateway: GraphQLClient, stack: Stack
) -> None:
    customer_id = await new_customer(gateway)
    loyalty = stack.processes["loyalty"]
    loyalty.send_signal(signal.SIGSTOP)  # alive, connected, and silent: calls run into the request budget
    try:
        body = await gateway.execute(VIEW, id=customer_id)
    finally:
        loyalty.send_signal(signal.SIGCONT)
    assert_only_loyalty_failed(body, "DEADLINE_EXCEEDED")
    await eventually(lambda: _loyalty_answers(gateway, customer_id))


async def test_a_stopped_backend_nulls_only_its_section_then_fails_fast_and_is_probed_back(
    gateway: GraphQLClient, stack: Stack
) -> None:
    customer_id = await new_customer(gateway)
    stack.kill("loyalty")
    try:
        body = await gateway.execute(VIEW, id=customer_id)
        assert "circuit open" not in assert_only_loyalty_failed(body, "UNAVAILABLE")["message"]
        assert body["extensions"]["rpcCalls"]["loyalty"] == 1

        async def refused_without_calling() -> dict[str, Any] | None:
            body = await gateway.execute(VIEW, id=customer_id)
            return body if "loyalty" not in body["extensions"]["rpcCalls"] else None

        # After a few consecutive failures the breaker opens: loyalty is not even called any more.
        fast = await eventually(refused_without_calling, within_seconds=10)
        assert "circuit open" in assert_only_loyalty_failed(fast, "UNAVAILABLE")["message"]
    finally:
        stack.start_process("loyalty")
        await stack.wait_ready()
    # After the pause a probe goes through, succeeds, and the breaker closes.
    await eventually(lambda: _loyalty_answers(gateway, customer_id), within_seconds=30)


async def _loyalty_answers(gateway: GraphQLClient, customer_id: str) -> bool:
    body = await gateway.execute(VIEW, id=customer_id)
    return "errors" not in body and body["data"]["customer360"]["loyalty"] is not None
