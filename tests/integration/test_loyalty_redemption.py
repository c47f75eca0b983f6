"""Redemption with a one-time code through the gateway: the code travels only in the event for messaging,
is stored hashed, shows masked, and is checked (wrong, exhausted, missing) before a REDEEM entry posts once."""

from __future__ import annotations

import uuid
from typing import Any

from customer360.events.v1.loyalty_events_pb2 import RedemptionOtpRequested
from pymongo import AsyncMongoClient

from c360.events import unpack
from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.loyalty_support import EventTap, assert_ledger_matches_balance, loyalty_view
from tests.integration.profile_support import register
from tests.integration.test_loyalty_points import adjust

Mongo = AsyncMongoClient[dict[str, Any]]

REQUEST = """
mutation($id: ID!, $points: Int!) {
  requestRedemptionOtp(customerId: $id, points: $points) {
    otp { id maskedCode points status expiresAt } userErrors { field code }
  }
}"""

REDEEM = """
mutation($id: ID!, $points: Int!, $otp: String!, $key: String!) {
  redeemPoints(customerId: $id, points: $points, otp: $otp, idempotencyKey: $key) {
    loyalty { pointsBalance redeemedPoints } entry { id type points balanceAfter } userErrors { field code }
  }
}"""


async def request_otp(agent: GraphQLClient, customer_id: str, points: int) -> dict[str, Any]:
    body = await agent.execute(REQUEST, id=customer_id, points=points)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["requestRedemptionOtp"]
    return payload


async def redeem(agent: GraphQLClient, customer_id: str, points: int, otp: str, key: str) -> dict[str, Any]:
    body = await agent.execute(REDEEM, id=customer_id, points=points, otp=otp, key=key)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["redeemPoints"]
    return payload


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def test_a_redemption_needs_the_code_messaging_delivers_and_posts_once(
    gateway: GraphQLClient, stack: Stack, mongo: Mongo
) -> None:
    customer = await register(gateway)
    cid = customer["id"]
    await adjust(gateway, cid, 500)
    agent = gateway.as_user("agent-al", "AGENT")
    async with EventTap(stack) as tap:
        requested = await request_otp(agent, cid, 200)
        assert requested["userErrors"] == []
        otp = requested["otp"]
        assert (otp["points"], otp["status"]) == (200, "PENDING")
        events = await tap.find(cid, "RedemptionOtpRequested")
    delivered = unpack(events[-1], RedemptionOtpRequested)
    assert delivered is not None
    assert delivered.otp_id == otp["id"]
    code = delivered.code
    assert len(code) == 6
    assert code.isdigit()
    assert otp["maskedCode"] == "****" + code[-2:]
    stored = await mongo[f"{stack.config.database_prefix}loyalty"]["otps"].find_one({"_id": otp["id"]})
    assert stored is not None
    assert code not in str(stored.get("code_hash"))
    assert "code" not in stored

    wrong = "000000" if code != "000000" else "111111"
    assert codes(await redeem(agent, cid, 200, wrong, "r-1")) == [("INVALID_OTP", ["otp"])]
    key = uuid.uuid4().hex
    done = await redeem(agent, cid, 200, code, key)
    assert done["userErrors"] == []
    assert (done["entry"]["type"], done["entry"]["points"], done["entry"]["balanceAfter"]) == ("REDEEM", -200, 300)
    assert done["loyalty"] == {"pointsBalance": 300, "redeemedPoints": 200}
    again = await redeem(agent, cid, 200, code, key)
    assert again["entry"]["id"] == done["entry"]["id"]
    assert again["loyalty"]["pointsBalance"] == 300
    assert codes(await redeem(agent, cid, 200, code, uuid.uuid4().hex)) == [("OTP_REQUIRED", ["otp"])]

    view = await loyalty_view(gateway, cid)
    assert [(o["id"], o["status"], o["maskedCode"]) for o in view["loyalty"]["otps"]] == [
        (otp["id"], "USED", otp["maskedCode"])
    ]
    assert await assert_ledger_matches_balance(mongo, stack, cid) == 300


async def test_five_wrong_codes_block_the_otp(gateway: GraphQLClient) -> None:
    customer = await register(gateway)
    await adjust(gateway, customer["id"], 100)
    otp = (await request_otp(gateway, customer["id"], 50))["otp"]
    results = [codes(await redeem(gateway, customer["id"], 50, "999999x", uuid.uuid4().hex)) for _ in range(5)]
    assert results[:4] == [[("INVALID_OTP", ["otp"])]] * 4
    assert results[4] == [("OTP_ATTEMPTS_EXCEEDED", ["otp"])]
    assert codes(await redeem(gateway, customer["id"], 50, "123456", "k")) == [("OTP_ATTEMPTS_EXCEEDED", ["otp"])]
    view = await loyalty_view(gateway, customer["id"])
    assert view["loyalty"]["otps"][0]["id"] == otp["id"]
    assert view["loyalty"]["otps"][0]["status"] == "BLOCKED"
    assert view["loyalty"]["pointsBalance"] == 100


async def test_bad_redemption_requests_are_refused_with_specific_codes(gateway: GraphQLClient) -> None:
    customer = await register(gateway)
    cid = customer["id"]
    await adjust(gateway, cid, 100)
    assert codes(await request_otp(gateway, cid, 0)) == [("INVALID_POINTS", ["points"])]
    assert codes(await request_otp(gateway, cid, 101)) == [("INSUFFICIENT_POINTS", ["points"])]
    assert codes(await request_otp(gateway, "no-such-customer", 10)) == [("NOT_FOUND", ["customerId"])]
    assert codes(await redeem(gateway, cid, 10, "123456", "")) == [("IDEMPOTENCY_KEY_REQUIRED", ["idempotencyKey"])]
    assert codes(await redeem(gateway, cid, 10, "123456", "fresh")) == [("OTP_REQUIRED", ["otp"])]
    body = await gateway.as_user("viewer-vi", "VIEWER").execute(REQUEST, id=cid, points=10)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await eventually(lambda: _balance_is(gateway, cid, 100))


async def _balance_is(gateway: GraphQLClient, customer_id: str, points: int) -> bool:
    return bool((await loyalty_view(gateway, customer_id))["loyalty"]["pointsBalance"] == points)
