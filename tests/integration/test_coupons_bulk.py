"""Bulk issuance as a background job: to customer ids or a static customer list, with progress, same limits."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from pymongo import AsyncMongoClient

from deploy.local.stack import Stack, grpc_serving
from services.coupons.adapters.mongo_bulk_jobs import MongoBulkJobs
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.coupons_support import NOT_CALLED, codes, coupons_of, create_campaign, execute_retrying, register

START = """
mutation Bulk($input: BulkIssueCouponsInput!) {
  bulkIssueCoupons(input: $input) { job { id total finished } userErrors { field code message } }
}"""

JOB = """
query Job($id: ID!) {
  couponBulkJob(id: $id) { id campaignId listId total processed issued failed failures { code count } finished error }
}"""


async def start(gateway: GraphQLClient, **fields: Any) -> dict[str, Any]:
    body = await gateway.execute(START, input=fields)
    assert "errors" not in body, body
    return body["data"]["bulkIssueCoupons"]  # type: ignore[no-any-return]


async def finished_job(gateway: GraphQLClient, job_id: str) -> dict[str, Any]:
    async def finished() -> dict[str, Any] | None:
        job: dict[str, Any] | None = (await execute_retrying(gateway, JOB, id=job_id))["data"]["couponBulkJob"]
        return job if job and job["finished"] else None

    return await eventually(finished, within_seconds=60)  # type: ignore[no-any-return]


async def test_bulk_issuance_to_customer_ids_reports_progress_and_refusals(gateway: GraphQLClient) -> None:
    campaign = await create_campaign(gateway, perCustomerLimit=1)
    customers = [await register(gateway) for _ in range(3)]
    unknown = uuid.uuid4().hex
    started = await start(gateway, campaignId=campaign["id"], customerIds=[*customers, unknown, customers[0]])
    assert started["userErrors"] == []
    job = await finished_job(gateway, started["job"]["id"])
    assert (job["total"], job["processed"], job["issued"], job["failed"]) == (4, 4, 3, 1)  # duplicates count once
    assert job["failures"] == [{"code": "CUSTOMER_NOT_FOUND", "count": 1}]
    assert job["error"] is None
    for customer_id in customers:
        assert len(codes((await coupons_of(gateway, customer_id))["active"])) == 1


async def test_bulk_issuance_respects_the_total_limit(gateway: GraphQLClient) -> None:
    campaign = await create_campaign(gateway, totalLimit=2)
    customers = [await register(gateway) for _ in range(4)]
    started = await start(gateway, campaignId=campaign["id"], customerIds=customers)
    job = await finished_job(gateway, started["job"]["id"])
    assert (job["issued"], job["failed"]) == (2, 2)
    assert job["failures"] == [{"code": "COUPON_LIMIT_REACHED", "count": 2}]


async def test_bulk_issuance_to_a_static_customer_list(gateway: GraphQLClient) -> None:
    created = await execute_retrying(
        gateway,
        "mutation($n: String!) { createCustomerList(name: $n) { customerList { id } userErrors { code } } }",
        retried=NOT_CALLED,
        n=f"VIP {uuid.uuid4().hex[:6]}",
    )
    list_id = created["data"]["createCustomerList"]["customerList"]["id"]
    members = [await register(gateway) for _ in range(3)]
    for customer_id in members:
        added = await execute_retrying(
            gateway,
            "mutation($c: ID!, $l: ID!) { addToList(customerId: $c, listId: $l) { userErrors { code } } }",
            c=customer_id,
            l=list_id,
        )
        assert added["data"]["addToList"]["userErrors"] == [], added
    campaign = await create_campaign(gateway, perCustomerLimit=1)
    started = await start(gateway, campaignId=campaign["id"], listId=list_id)
    job = await finished_job(gateway, started["job"]["id"])
    assert (job["listId"], job["total"], job["issued"], job["failed"]) == (list_id, 3, 3, 0)
    again = await finished_job(gateway, (await start(gateway, campaignId=campaign["id"], listId=list_id))["job"]["id"])
    assert again["failures"] == [{"code": "COUPON_LIMIT_REACHED", "count": 3}]


async def test_bulk_issuance_refuses_bad_input_and_needs_an_administrator(gateway: GraphQLClient) -> None:
    customer_id = await register(gateway)

    async def refusal(**fields: Any) -> tuple[str, list[str]]:
        [error] = (await start(gateway, **fields))["userErrors"]
        return error["code"], error["field"]

    assert await refusal(campaignId="welcome") == ("INVALID_TARGET", ["input", "customerIds"])
    assert await refusal(campaignId="welcome", customerIds=[customer_id], listId="x") == (
        "INVALID_TARGET",
        ["input", "customerIds"],
    )
    assert await refusal(campaignId="nope", customerIds=[customer_id]) == (
        "CAMPAIGN_NOT_FOUND",
        ["input", "campaignId"],
    )
    agent = gateway.as_user("agent-al", "AGENT")
    body = await agent.execute(START, input={"campaignId": "welcome", "customerIds": [customer_id]})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gateway.execute(JOB, id="no-such-job"))["data"]["couponBulkJob"] is None


async def test_a_job_whose_service_was_killed_resumes_without_issuing_twice(
    gateway: GraphQLClient, stack: Stack
) -> None:
    campaign = await create_campaign(gateway)  # no limits: a double issuance would show as a second coupon
    customers = [await register(gateway) for _ in range(12)]
    started = await start(gateway, campaignId=campaign["id"], customerIds=customers)
    stack.kill("coupons")  # SIGKILL: no draining, the job is left wherever it was
    stack.start_process("coupons")
    await eventually(lambda: grpc_serving(stack.config.address("coupons")), within_seconds=60)
    job = await finished_job(gateway, started["job"]["id"])
    assert (job["total"], job["processed"], job["failed"]) == (12, 12, 0)
    for customer_id in customers:
        assert len(codes((await coupons_of(gateway, customer_id))["active"])) == 1


async def test_a_job_keeps_its_customers_in_chunks_of_their_own_in_order_and_older_jobs_still_read(
    mongo: AsyncMongoClient[dict[str, Any]], stack: Stack
) -> None:
    database = mongo[f"{stack.config.database_prefix}bulk_{uuid.uuid4().hex[:8]}"]
    jobs = MongoBulkJobs(database)
    ids = [f"c{n:04d}" for n in range(1234)]
    await jobs.create("job-1", "camp", ids, "", "admin")

    job = await database["bulk_issue_jobs"].find_one({"_id": "job-1"})
    assert job is not None
    assert "customer_ids" not in job  # a step rewrites the job: its customers are not in it
    assert await jobs.members(job) == ids
    assert job["total"] == 1234

    await database["bulk_issue_jobs"].insert_one({"_id": "job-0", "customer_ids": ["a", "b"], "total": 2})
    assert await jobs.members(await database["bulk_issue_jobs"].find_one({"_id": "job-0"}) or {}) == ["a", "b"]

    await jobs.create("job-2", "camp", [], "list-1", "admin")  # a list's members are loaded by its worker
    claimed = await jobs.claim("worker-a", timedelta(seconds=30))
    while claimed is not None and claimed["_id"] != "job-2":
        claimed = await jobs.claim("worker-a", timedelta(seconds=30))
    assert claimed is not None
    await database["bulk_issue_members"].insert_one({"_id": "job-2#0", "ids": ["left-by-a-dead-worker"]})
    assert await jobs.load_members("job-2", "worker-a", ["x", "y"])
    assert await jobs.members(await database["bulk_issue_jobs"].find_one({"_id": "job-2"}) or {}) == ["x", "y"]
