"""After issuance: lapse (repeatable, concurrent), removal with remark and actor, suspension and erasure from
profile, and the coupons sections (newest first, paginated, campaigns batched)."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
from customer360.coupons.v1 import coupons_pb2, coupons_pb2_grpc
from pymongo import AsyncMongoClient

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.coupons_support import (
    COUPON_FIELDS,
    REMOVE,
    CouponsEvents,
    codes,
    coupons_of,
    create_campaign,
    expiring_campaign,
    issue,
    issued_coupon,
    register,
    until,
)

Mongo = AsyncMongoClient[dict[str, Any]]


async def test_coupons_past_expiry_lapse_and_move_to_the_lapsed_list(gateway: GraphQLClient, stack: Stack) -> None:
    events = CouponsEvents(stack)
    await events.start()
    try:
        customer_id = await register(gateway)
        campaign, _ = await expiring_campaign(gateway)
        coupon = await issued_coupon(gateway, customer_id, campaign["id"])

        async def lapsed() -> list[dict[str, Any]]:
            return [e["node"] for e in (await coupons_of(gateway, customer_id))["lapsed"]["edges"]]

        [gone] = await eventually(lapsed)
        assert (gone["code"], gone["status"]) == (coupon["code"], "LAPSED")
        assert codes((await coupons_of(gateway, customer_id))["active"]) == []
        await events.of_customer(customer_id, "CouponLapsed")
    finally:
        await events.stop()


async def test_lapse_runs_concurrently_and_repeatedly_lapse_each_coupon_once(
    gateway: GraphQLClient, stack: Stack
) -> None:
    events = CouponsEvents(stack)
    await events.start()
    try:
        customer_id = await register(gateway)
        campaign, ends = await expiring_campaign(gateway)
        coupons = await asyncio.gather(*(issued_coupon(gateway, customer_id, campaign["id"]) for _ in range(4)))
        issued = [coupon["code"] for coupon in coupons]
        await until(ends)
        async with grpc.aio.insecure_channel(stack.config.address("coupons")) as channel:
            stub = coupons_pb2_grpc.CouponsServiceStub(channel)
            runs = await asyncio.gather(
                *(stub.LapseExpiredCoupons(coupons_pb2.LapseExpiredCouponsRequest(), timeout=20) for _ in range(6))
            )
        assert sum(r.lapsed for r in runs) <= 4  # the scheduled run may have taken some first
        lapsed = await events.of_customer(customer_id, "CouponLapsed", count=4)
        await asyncio.sleep(1.5)
        lapsed = await events.of_customer(customer_id, "CouponLapsed", count=4)
        assert len(lapsed) == 4
        section = await coupons_of(gateway, customer_id)
        assert sorted(codes(section["lapsed"])) == sorted(issued)
    finally:
        await events.stop()


async def test_remove_coupon_marks_it_removed_with_remark_and_actor(gateway: GraphQLClient) -> None:
    customer_id = await register(gateway)
    coupon = await issued_coupon(gateway, customer_id, "service-recovery")
    agent = gateway.as_user("agent-rob", "AGENT")
    body = await agent.execute(REMOVE, code=coupon["code"].lower(), remark="issued by mistake", customerId=customer_id)
    payload = body["data"]["removeCoupon"]
    assert payload["userErrors"] == []
    removed = payload["coupon"]
    assert (removed["status"], removed["remark"], removed["removedBy"]) == ("REMOVED", "issued by mistake", "agent-rob")
    section = await coupons_of(gateway, customer_id)
    assert codes(section["active"]) == []
    assert [e["node"]["status"] for e in section["lapsed"]["edges"]] == ["REMOVED"]


async def test_remove_coupon_refusals_have_specific_codes(gateway: GraphQLClient) -> None:
    owner, other = await register(gateway), await register(gateway)
    coupon = await issued_coupon(gateway, owner, "service-recovery")

    async def refusal(**variables: Any) -> tuple[str, list[str]]:
        body = await gateway.execute(REMOVE, **variables)
        [error] = body["data"]["removeCoupon"]["userErrors"]
        return error["code"], error["field"]

    assert await refusal(code="SORRY-NOSUCHCODE") == ("COUPON_NOT_FOUND", ["code"])
    assert await refusal(code=coupon["code"], customerId=other) == ("COUPON_OF_ANOTHER_CUSTOMER", ["code"])
    assert codes((await coupons_of(gateway, owner))["active"]) == [coupon["code"]]
    await gateway.execute(REMOVE, code=coupon["code"], remark="once")
    assert await refusal(code=coupon["code"], remark="twice") == ("COUPON_NOT_ACTIVE", ["code"])
    viewer = gateway.as_user("viewer-vi", "VIEWER")
    forbidden = await viewer.execute(REMOVE, code=coupon["code"])
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_suspension_through_the_gateway_stops_issuance_and_reactivation_resumes_it(
    gateway: GraphQLClient,
) -> None:
    customer_id = await register(gateway)
    unlimited = (await create_campaign(gateway))["id"]  # probing issues coupons until the refusal comes
    suspend = 'mutation($id: ID!) { suspendCustomer(id: $id, reason: "abuse") { userErrors { code } } }'
    reactivate = "mutation($id: ID!) { reactivateCustomer(id: $id) { userErrors { code } } }"
    assert (await gateway.execute(suspend, id=customer_id))["data"]["suspendCustomer"]["userErrors"] == []

    async def refused() -> str | None:
        errors = (await issue(gateway, customer_id, unlimited))["userErrors"]
        return errors[0]["code"] if errors else None

    assert await eventually(refused) == "CUSTOMER_SUSPENDED"
    assert (await gateway.execute(reactivate, id=customer_id))["data"]["reactivateCustomer"]["userErrors"] == []

    async def issued_again() -> bool:
        return (await issue(gateway, customer_id, unlimited))["coupon"] is not None

    assert await eventually(issued_again)


async def test_erasure_anonymises_the_customers_coupons_and_refuses_new_ones(
    gateway: GraphQLClient, stack: Stack, mongo: Mongo
) -> None:
    customer_id = await register(gateway)
    active = await issued_coupon(gateway, customer_id, "service-recovery")
    erase = 'mutation($id: ID!) { deleteCustomer(id: $id, reason: "GDPR request") { deletedId userErrors { code } } }'
    assert (await gateway.execute(erase, id=customer_id))["data"]["deleteCustomer"]["userErrors"] == []
    coupons = mongo[f"{stack.config.database_prefix}coupons"]["coupons"]

    async def anonymised() -> dict[str, Any] | None:
        return await coupons.find_one({"_id": active["code"], "anonymised": True})

    stored = await eventually(anonymised)
    assert stored["customer_id"] != customer_id
    assert stored["status"] == "REMOVED"
    assert await coupons.count_documents({"customer_id": customer_id}) == 0
    refusal = (await issue(gateway, customer_id, "service-recovery"))["userErrors"][0]["code"]
    assert refusal in {"CUSTOMER_ERASED", "CUSTOMER_NOT_FOUND"}


async def test_sections_list_newest_first_in_pages_with_cursors(gateway: GraphQLClient) -> None:
    customer_id = await register(gateway)
    issued = [(await issued_coupon(gateway, customer_id, "service-recovery"))["code"] for _ in range(3)]
    first = (await coupons_of(gateway, customer_id, first=2))["active"]
    assert codes(first) == issued[::-1][:2]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await coupons_of(gateway, customer_id, first=2, after=first["pageInfo"]["endCursor"]))["active"]
    assert codes(rest) == issued[:1]
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": rest["edges"][0]["cursor"]}


async def test_coupon_campaigns_of_many_customers_resolve_in_one_batch_call(gateway: GraphQLClient) -> None:
    customers = [await register(gateway) for _ in range(3)]
    for customer_id in customers:
        await issued_coupon(gateway, customer_id, "welcome")
        await issued_coupon(gateway, customer_id, "service-recovery")
    fields = (
        f"coupons {{ active {{ edges {{ node {{ {COUPON_FIELDS} }} }} }} lapsed {{ edges {{ node {{ code }} }} }} }}"
    )
    query = " ".join(f'c{n}: customer360(id: "{c}") {{ {fields} }}' for n, c in enumerate(customers))
    body = await gateway.execute(f"{{ {query} }}")
    assert "errors" not in body, body
    names = {
        e["node"]["campaign"]["name"] for n in range(3) for e in body["data"][f"c{n}"]["coupons"]["active"]["edges"]
    }
    assert names == {"Welcome 10%", "Service recovery 50k"}
    # The gateway reports its backend calls in test mode: one BatchListCoupons, one BatchGetCampaigns.
    assert body["extensions"]["rpcCalls"]["coupons"] == 2
