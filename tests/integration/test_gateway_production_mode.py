"""A second gateway configured as production would be: trusted documents only, a tight rate limit, RS256 via JWKS.

It runs beside the test stack's gateway, on the same backends, with its own settings;
the JWKS is served by a local HTTP server from a key pair made here.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from websockets.asyncio.client import ClientConnection, connect

from deploy.local.stack import Stack
from gateway.persisted_queries import document_hash
from tests.integration.conftest import GraphQLClient, token
from tests.integration.gateway_support import extra_gateway
from tests.integration.profile_support import register

VIEW = "query View($id: ID!) { customer360(id: $id) { id } }"
TYPENAME = "query Typename { __typename }"
LIVE = "subscription Live($id: ID!) { customerTimeline(customerId: $id) { type summary } }"
SET_TAG = 'mutation($id: ID!, $v: String!) { setTag(customerId: $id, key: "probe", value: $v) { customer { id } } }'
KEY_ID = "test-key-1"
SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(SIGNING_KEY.public_key()))
    body = json.dumps({"keys": [{**public, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()


@pytest.fixture(scope="module")
async def strict_gateway(stack: Stack, jwks_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    trusted = tmp_path_factory.mktemp("trusted") / "documents.json"
    trusted.write_text(json.dumps({document_hash(q): q for q in (VIEW, TYPENAME, LIVE)}))
    production = {
        "C360_ENV": "production",
        "C360_GATEWAY_TRUSTED_DOCUMENTS_FILE": str(trusted),
        "C360_GATEWAY_RATE_LIMIT_PER_SECOND": "0.01",
        "C360_GATEWAY_RATE_LIMIT_BURST": "3",
        "C360_GATEWAY_JWKS_URL": jwks_url,
    }
    async with extra_gateway(stack, "strict-gateway", production) as url:
        yield url


async def _post(url: str, bearer: str, payload: dict[str, Any]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url) as http:
        return await http.post("/graphql", json=payload, headers={"Authorization": f"Bearer {bearer}"})


def _subject() -> str:
    return f"user-{uuid.uuid4().hex[:8]}"


async def test_only_trusted_documents_run_whether_sent_as_text_or_by_hash(strict_gateway: str) -> None:
    bearer = token(_subject(), ("VIEWER",))
    as_text = (await _post(strict_gateway, bearer, {"query": VIEW, "variables": {"id": "nobody"}})).json()
    assert as_text == {"data": {"customer360": None}}  # production mode: no diagnostics in `extensions`
    by_hash = await _post(
        strict_gateway,
        bearer,
        {
            "variables": {"id": "nobody"},
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_hash(VIEW)}},
        },
    )
    assert by_hash.json() == {"data": {"customer360": None}}

    untrusted = (await _post(strict_gateway, bearer, {"query": '{ customer360(id: "x") { id } }'})).json()
    assert untrusted["data"] is None
    assert untrusted["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "trusted documents" in untrusted["errors"][0]["message"]

    unknown = await _post(strict_gateway, bearer, {"extensions": {"persistedQuery": {"sha256Hash": "ab" * 32}}})
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_token_over_its_rate_is_refused_with_rate_limited_while_others_go_on(strict_gateway: str) -> None:
    hasty, calm = token(_subject(), ("VIEWER",)), token(_subject(), ("VIEWER",))
    replies = [(await _post(strict_gateway, hasty, {"query": TYPENAME})).json() for _ in range(4)]
    assert [r.get("data") for r in replies[:3]] == [{"__typename": "Query"}] * 3
    assert replies[3]["data"] is None
    assert replies[3]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert (await _post(strict_gateway, calm, {"query": TYPENAME})).json() == {"data": {"__typename": "Query"}}


async def test_rs256_tokens_are_verified_against_the_jwks_beside_hs256_ones(strict_gateway: str) -> None:
    claims = {"sub": _subject(), "roles": ["VIEWER"]}
    signed = jwt.encode(claims, SIGNING_KEY, algorithm="RS256", headers={"kid": KEY_ID})
    assert (await _post(strict_gateway, signed, {"query": TYPENAME})).json() == {"data": {"__typename": "Query"}}
    hs256 = token(_subject(), ("VIEWER",))
    assert (await _post(strict_gateway, hs256, {"query": TYPENAME})).json() == {"data": {"__typename": "Query"}}

    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for forged in (
        jwt.encode(claims, impostor, algorithm="RS256", headers={"kid": KEY_ID}),
        jwt.encode(claims, impostor, algorithm="RS256", headers={"kid": "unknown-key"}),
    ):
        body = (await _post(strict_gateway, forged, {"query": TYPENAME})).json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def _first_message(ws: ClientConnection, within_seconds: float) -> dict[str, Any] | None:
    try:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), within_seconds))
    except TimeoutError:
        return None
    return message


async def test_an_rs256_token_in_connection_init_opens_a_live_timeline(
    strict_gateway: str, gateway: GraphQLClient
) -> None:
    customer = await register(gateway)
    claims = {"sub": _subject(), "roles": ["VIEWER"]}
    signed = jwt.encode(claims, SIGNING_KEY, algorithm="RS256", headers={"kid": KEY_ID})
    url = strict_gateway.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {signed}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        subscribe = {"query": LIVE, "variables": {"id": customer["id"]}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        message = None
        for attempt in range(30):  # live once an edit made after subscribing shows up
            body = await gateway.execute(SET_TAG, id=customer["id"], v=str(attempt))
            assert "errors" not in body, body
            message = await _first_message(ws, 2.0)
            if message is not None:
                break
    assert message is not None, "the subscription never delivered an entry"
    assert message["type"] == "next", message
    assert message["payload"]["data"]["customerTimeline"]["type"]
