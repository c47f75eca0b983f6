"""Redemption with a one-time code through the gateway: the code travels only in the event for messaging,
is stored hashed, shows masked, and is checked (wrong, exhausted, missing) before a REDEEM entry posts once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from customer360.events.v1.loyalty_events_pb2 import RedemptionOtpRequested
from pymongo import AsyncMongoClient

from c360.events import unpack
from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.loyalty_support import (
    EventTap,
    account_exists,
    assert_ledger_matches_balance,
    loyalty_snapshot,
    loyalty_view,
)
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


async def test_five_wrong_codes_block_the_otp(gateway: GraphQLClient, stack: Stack, mongo: Mongo) -> None:
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
    assert await assert_ledger_matches_balance(mongo, stack, customer["id"]) == 100


async def test_bad_redemption_requests_are_refused_with_specific_codes(
    gateway: GraphQLClient, stack: Stack, mongo: Mongo
) -> None:
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
    assert await assert_ledger_matches_balance(mongo, stack, cid) == 100


async def test_a_code_past_its_five_minutes_is_refused_as_expired_and_redeems_nothing(
    gateway: GraphQLClient, stack: Stack, mongo: Mongo
) -> None:
    customer = await register(gateway)
    cid = customer["id"]
    await adjust(gateway, cid, 300)
    agent = gateway.as_user("agent-al", "AGENT")
    otp, code = await _requested_with_code(agent, stack, mongo, cid, 100)
    # Five minutes pass: the service judges a code by its stored expiry, so moving that back is moving time on.
    issued = datetime.now(UTC) - timedelta(minutes=5)
    otps = mongo[f"{stack.config.database_prefix}loyalty"]["otps"]
    moved = await otps.update_one(
        {"_id": otp["id"]}, {"$set": {"created_at": issued, "expires_at": issued + timedelta(minutes=5)}}
    )
    assert moved.modified_count == 1
    before = await loyalty_snapshot(mongo, stack, cid)

    key = uuid.uuid4().hex
    assert codes(await redeem(agent, cid, 100, code, key)) == [("OTP_EXPIRED", ["otp"])]
    assert codes(await redeem(agent, cid, 100, code, key)) == [("OTP_EXPIRED", ["otp"])]
    assert codes(await redeem(agent, cid, 100, code, uuid.uuid4().hex)) == [("OTP_EXPIRED", ["otp"])]
    view = await loyalty_view(gateway, cid)
    assert [(o["id"], o["status"]) for o in view["loyalty"]["otps"]] == [(otp["id"], "EXPIRED")]
    assert (view["loyalty"]["pointsBalance"], view["loyalty"]["redeemedPoints"]) == (300, 0)
    assert await loyalty_snapshot(mongo, stack, cid) == before
    assert await assert_ledger_matches_balance(mongo, stack, cid) == 300

    # A refused key was not spent: with a fresh code the same request goes through.
    _, fresh_code = await _requested_with_code(agent, stack, mongo, cid, 100)
    done = await redeem(agent, cid, 100, fresh_code, key)
    assert done["userErrors"] == []
    assert done["loyalty"] == {"pointsBalance": 200, "redeemedPoints": 100}
    assert await assert_ledger_matches_balance(mongo, stack, cid) == 200


async def test_bad_redemptions_are_refused_with_specific_codes_and_change_nothing(
    gateway: GraphQLClient, stack: Stack, mongo: Mongo
) -> None:
    customer, other = await register(gateway), await register(gateway)
    cid = customer["id"]
    await adjust(gateway, cid, 500)
    await adjust(gateway, other["id"], 500)
    agent = gateway.as_user("agent-al", "AGENT")
    _, code = await _requested_with_code(agent, stack, mongo, cid, 100)
    used_key = uuid.uuid4().hex
    assert (await redeem(agent, cid, 100, code, used_key))["userErrors"] == []
    pending, pending_code = await _requested_with_code(agent, stack, mongo, cid, 50)
    before = await loyalty_snapshot(mongo, stack, cid)
    other_before = await loyalty_snapshot(mongo, stack, other["id"])

    refused_requests = [
        (0, ("INVALID_POINTS", ["points"])),
        (-5, ("INVALID_POINTS", ["points"])),
        (2_000_000_000, ("POINTS_OUT_OF_RANGE", ["points"])),
    ]
    for points, expected in refused_requests:
        assert codes(await request_otp(agent, cid, points)) == [expected], points
    refused_redemptions = [
        ((cid, 0, pending_code, uuid.uuid4().hex), ("INVALID_POINTS", ["points"])),
        ((cid, -50, pending_code, uuid.uuid4().hex), ("INVALID_POINTS", ["points"])),
        ((cid, 2_000_000_000, pending_code, uuid.uuid4().hex), ("POINTS_OUT_OF_RANGE", ["points"])),
        ((cid, 50, pending_code, used_key), ("IDEMPOTENCY_KEY_REUSED", ["idempotencyKey"])),
        ((other["id"], 100, pending_code, used_key), ("IDEMPOTENCY_KEY_REUSED", ["idempotencyKey"])),
        (("no-such-customer", 50, pending_code, uuid.uuid4().hex), ("NOT_FOUND", ["customerId"])),
    ]
    for (who, points, otp_code, key), expected in refused_redemptions:
        assert codes(await redeem(agent, who, points, otp_code, key)) == [expected], (who, points, key)

    assert await loyalty_snapshot(mongo, stack, cid) == before
    assert await loyalty_snapshot(mongo, stack, other["id"]) == other_before
    assert not await account_exists(mongo, stack, "no-such-customer")
    assert await assert_ledger_matches_balance(mongo, stack, cid) == 400
    assert await assert_ledger_matches_balance(mongo, stack, other["id"]) == 500
    # The refusals spent none of the pending code's attempts: it still redeems.
    done = await redeem(agent, cid, 50, pending_code, uuid.uuid4().hex)
    assert done["userErrors"] == []
    assert done["loyalty"] == {"pointsBalance": 350, "redeemedPoints": 150}
    view = await loyalty_view(gateway, cid)
    assert (view["loyalty"]["otps"][0]["id"], view["loyalty"]["otps"][0]["status"]) == (pending["id"], "USED")
    assert await assert_ledger_matches_balance(mongo, stack, cid) == 350


async def _requested_with_code(
    agent: GraphQLClient, stack: Stack, mongo: Mongo, customer_id: str, points: int
) -> tuple[dict[str, Any], str]:
    """Requests a code and reads it from the event for messaging, as the customer would from their phone;
    returns once the OTP's outbox is cleared, so nothing writes the document after that."""
    async with EventTap(stack) as tap:
        requested = await request_otp(agent, customer_id, points)
        assert requested["userErrors"] == []
        otp = requested["otp"]

        async def delivered() -> Any:
            found = [unpack(e, RedemptionOtpRequested) for e in await tap.find(customer_id, "RedemptionOtpRequested")]
            return next((d.code for d in found if d is not None and d.otp_id == otp["id"]), None)

        code: str = await eventually(delivered)
    otps = mongo[f"{stack.config.database_prefix}loyalty"]["otps"]

    async def outbox_cleared() -> bool:
        doc = await otps.find_one({"_id": otp["id"]}, {"outbox_pending": 1})
        return bool(doc is not None and not doc.get("outbox_pending"))

    await eventually(outbox_cleared)
    return otp, code


async def _balance_is(gateway: GraphQLClient, customer_id: str, points: int) -> bool:
    return bool((await loyalty_view(gateway, customer_id))["loyalty"]["pointsBalance"] == points)
