"""What every client meets first: authentication, user errors with stable codes, correlation ids."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, random_mobile, token

REGISTER = """
mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id } userErrors { field code message } }
}"""


async def test_requests_without_a_valid_token_are_unauthenticated(stack: Stack) -> None:
    query = '{ customer360(id: "x") { id } }'
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        for headers in (
            {},
            {"Authorization": "Bearer not-a-token"},
            {"Authorization": f"Bearer {token()}x"},
            {"Authorization": f"Basic {token()}"},
        ):
            body = (await http.post("/graphql", json={"query": query}, headers=headers)).json()
            assert body["data"] is None
            assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", headers


async def test_unknown_customer_is_null_not_an_error(gateway: GraphQLClient) -> None:
    body = await gateway.execute("query($id: ID!) { customer360(id: $id) { id } }", id=uuid.uuid4().hex)
    assert "errors" not in body
    assert body["data"] == {"customer360": None}


async def test_invalid_input_comes_back_as_user_errors_with_field_paths(gateway: GraphQLClient) -> None:
    cases = [
        ({"firstName": "Ana", "mobile": "12345"}, "INVALID_MOBILE", ["input", "mobile"]),
        ({"firstName": "Ana", "mobile": random_mobile(), "email": "nope"}, "INVALID_EMAIL", ["input", "email"]),
        ({"firstName": " ", "mobile": random_mobile()}, "REQUIRED", ["input", "firstName"]),
        ({"firstName": "Ana", "mobile": random_mobile(), "customerType": "X"}, "UNKNOWN_CUSTOMER_TYPE", None),
        ({"firstName": "A" * 500, "mobile": random_mobile()}, "TOO_LONG", ["input", "firstName"]),
    ]
    for data, code, field in cases:
        payload = (await gateway.execute(REGISTER, input=data))["data"]["registerCustomer"]
        assert payload["customer"] is None
        [error] = payload["userErrors"]
        assert error["code"] == code
        if field:
            assert error["field"] == field
        assert error["message"]


async def test_concurrent_registrations_with_one_mobile_give_one_customer_and_duplicate_errors(
    gateway: GraphQLClient,
) -> None:
    mobile = random_mobile()
    formats = [mobile, mobile.replace("+62", "0"), mobile.replace("+62", "+62 "), mobile] * 2
    payloads = await asyncio.gather(
        *(gateway.execute(REGISTER, input={"firstName": "Ana", "mobile": m}) for m in formats)
    )
    results = [p["data"]["registerCustomer"] for p in payloads]
    created = [r for r in results if r["customer"]]
    refused = [r["userErrors"][0]["code"] for r in results if not r["customer"]]
    assert len(created) == 1
    assert refused == ["DUPLICATE_MOBILE"] * (len(formats) - 1)


async def test_the_callers_correlation_id_reaches_the_service_logs(gateway: GraphQLClient, stack: Stack) -> None:
    cid = f"test-{uuid.uuid4().hex}"
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        reply = await http.post(
            "/graphql",
            json={"query": REGISTER, "variables": {"input": {"firstName": "Ana", "mobile": random_mobile()}}},
            headers={"Authorization": f"Bearer {token()}", "x-correlation-id": cid},
        )
    assert reply.json()["data"]["registerCustomer"]["userErrors"] == []
    lines = [json.loads(line) for line in stack.log_tail("profile", 400).splitlines() if cid in line]
    rpc: dict[str, Any] = next(line for line in lines if line["msg"] == "rpc")
    assert rpc["method"].endswith("/RegisterCustomer")
    assert rpc["correlation_id"] == cid
    assert rpc["outcome"] == "OK"


async def test_a_role_too_low_is_forbidden_field_by_field(gateway: GraphQLClient) -> None:
    mobile = random_mobile()
    viewer = gateway.as_user("viewer-vic", "VIEWER")
    refused = await viewer.execute(REGISTER, input={"firstName": "Ana", "mobile": mobile})
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert refused["errors"][0]["path"] == ["registerCustomer"]

    agent = gateway.as_user("agent-ana", "AGENT")
    created = (await agent.execute(REGISTER, input={"firstName": "Ana", "mobile": mobile}))["data"]
    customer_id = created["registerCustomer"]["customer"]["id"]
    seen = await viewer.execute("query($id: ID!) { customer360(id: $id) { id } }", id=customer_id)
    assert "errors" not in seen
    assert seen["data"] == {"customer360": {"id": customer_id}}

    nobody = gateway.as_user("no-roles")
    hidden = await nobody.execute("query($id: ID!) { customer360(id: $id) { id } }", id=customer_id)
    assert hidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
