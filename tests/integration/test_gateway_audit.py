"""Every mutation lands in the gateway's audit log, readable by ADMIN only; a CLI mints local tokens."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from typing import Any

import httpx

from deploy.local.stack import Stack
from tests.integration.conftest import JWT_SECRET, GraphQLClient, random_mobile

REGISTER = """
mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id } userErrors { code } }
}"""
AUDIT = """
query Audit($actor: String, $first: Int!, $after: String) {
  auditLog(actor: $actor, first: $first, after: $after) {
    edges { cursor node { actor operation operationName target outcome codes correlationId at } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _entries(gateway: GraphQLClient, actor: str, first: int = 20) -> list[dict[str, Any]]:
    body = await gateway.execute(AUDIT, actor=actor, first=first)
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["auditLog"]["edges"]]


async def test_each_mutation_is_audited_with_actor_target_and_outcome(gateway: GraphQLClient) -> None:
    actor = f"agent-{uuid.uuid4().hex[:8]}"
    agent = gateway.as_user(actor, "AGENT")
    created = await agent.execute(REGISTER, input={"firstName": "Aud", "mobile": random_mobile()})
    customer_id = created["data"]["registerCustomer"]["customer"]["id"]
    await agent.execute(REGISTER, input={"firstName": "Aud", "mobile": "12345"})

    refused, ok = await _entries(gateway, actor)  # newest first
    assert ok["actor"] == actor
    assert ok["operation"] == "registerCustomer"
    assert ok["operationName"] == "Register"
    assert ok["target"] == customer_id
    assert (ok["outcome"], ok["codes"]) == ("OK", [])
    assert ok["correlationId"]
    assert ok["at"] <= refused["at"]
    assert (refused["outcome"], refused["codes"], refused["target"]) == ("USER_ERRORS", ["INVALID_MOBILE"], None)


async def test_a_refused_mutation_is_audited_with_its_error_code(gateway: GraphQLClient) -> None:
    actor = f"viewer-{uuid.uuid4().hex[:8]}"
    body = await gateway.as_user(actor, "VIEWER").execute(REGISTER, input={"firstName": "A", "mobile": random_mobile()})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    [entry] = await _entries(gateway, actor)
    assert (entry["operation"], entry["outcome"], entry["codes"]) == ("registerCustomer", "ERROR", ["FORBIDDEN"])


async def test_the_audit_log_pages_newest_first(gateway: GraphQLClient) -> None:
    actor = f"agent-{uuid.uuid4().hex[:8]}"
    agent = gateway.as_user(actor, "AGENT")
    for _ in range(3):
        await agent.execute(REGISTER, input={"firstName": "Pag", "mobile": random_mobile()})
    everything = await _entries(gateway, actor)
    first = (await gateway.execute(AUDIT, actor=actor, first=2))["data"]["auditLog"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await gateway.execute(AUDIT, actor=actor, first=2, after=first["pageInfo"]["endCursor"]))["data"]
    assert rest["auditLog"]["pageInfo"] == {"hasNextPage": False, "endCursor": rest["auditLog"]["edges"][-1]["cursor"]}
    paged = [e["node"] for e in first["edges"] + rest["auditLog"]["edges"]]
    assert paged == everything
    assert len(paged) == 3


async def test_only_admins_read_the_audit_log(gateway: GraphQLClient) -> None:
    for role in ("VIEWER", "AGENT", "MANAGER"):
        body = await gateway.as_user(f"nosy-{role.lower()}", role).execute(AUDIT, first=1)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["errors"][0]["path"] == ["auditLog"]


async def test_a_bad_page_size_or_cursor_is_bad_user_input(gateway: GraphQLClient) -> None:
    for variables in ({"first": 0}, {"first": 101}, {"first": 5, "after": "not-a-cursor"}):
        body = await gateway.execute(AUDIT, **variables)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", variables


async def test_the_token_cli_mints_a_token_the_gateway_accepts_and_audits_by_subject(
    gateway: GraphQLClient, stack: Stack
) -> None:
    subject = f"cli-{uuid.uuid4().hex[:8]}"
    cli = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "gateway.token", "--sub", subject, "--roles", "AGENT"),
        env={**os.environ, "C360_JWT_SECRET": JWT_SECRET, "C360_ENV": "test"},
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await cli.communicate()
    assert cli.returncode == 0
    minted = output.decode().strip()
    async with httpx.AsyncClient(base_url=stack.gateway_url) as http:
        reply = await http.post(
            "/graphql",
            json={"query": REGISTER, "variables": {"input": {"firstName": "Cli", "mobile": random_mobile()}}},
            headers={"Authorization": f"Bearer {minted}"},
        )
    assert reply.json()["data"]["registerCustomer"]["userErrors"] == []
    [entry] = await _entries(gateway, subject)
    assert entry["outcome"] == "OK"
