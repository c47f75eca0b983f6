"""The HTTP edge: correlation ids on every response, coded errors even below GraphQL, health and readiness."""

from __future__ import annotations

import httpx

from deploy.local.stack import Stack
from tests.integration.conftest import token


async def test_every_response_carries_the_callers_correlation_id_or_a_fresh_one(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        echoed = await http.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {token()}", "x-correlation-id": "order-42.retry-1"},
        )
        minted = await http.post("/graphql", json={"query": "{ __typename }"})
        unsafe = await http.get("/healthz", headers={"x-correlation-id": "a b\tc"})
        other = await http.get("/healthz")
    assert echoed.headers["x-correlation-id"] == "order-42.retry-1"
    assert len(minted.headers["x-correlation-id"]) == 32
    assert unsafe.headers["x-correlation-id"] != "a b\tc"
    assert (
        len({minted.headers["x-correlation-id"], unsafe.headers["x-correlation-id"], other.headers["x-correlation-id"]})
        == 3
    )


async def test_a_body_that_is_not_json_is_a_coded_bad_user_input(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        reply = await http.post(
            "/graphql",
            content=b"{not json",
            headers={"Authorization": f"Bearer {token()}", "content-type": "application/json"},
        )
        wrong_type = await http.post("/graphql", content=b"query", headers={"content-type": "text/plain"})
    assert reply.status_code == 400
    [error] = reply.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "JSON" in error["message"]
    assert wrong_type.status_code == 400
    assert wrong_type.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_method_other_than_get_or_post_is_a_coded_405(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        reply = await http.put("/graphql", json={"query": "{ __typename }"})
    assert reply.status_code == 405
    assert reply.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_request_without_a_query_is_a_coded_bad_user_input(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        reply = await http.post("/graphql", json={"variables": {}}, headers={"Authorization": f"Bearer {token()}"})
    assert reply.status_code == 400
    assert reply.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_graphiql_is_served_only_in_local_mode(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        reply = await http.get("/graphql", headers={"accept": "text/html"})
    assert reply.status_code == 404  # the test stack runs with C360_ENV=test
    assert reply.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_healthz_says_the_process_is_up_and_readyz_that_every_backend_serves(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        health = await http.get("/healthz")
        ready = await http.get("/readyz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True,
        "backends": {"profile": True, "loyalty": True, "coupons": True, "messaging": True},
    }
