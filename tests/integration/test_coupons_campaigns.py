"""Campaigns: the seed set, paging, creation by administrators (gateway and CLI), and each refusal's code."""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Any

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient
from tests.integration.coupons_support import CREATE_CAMPAIGN, create_campaign, issued_coupon, register

CAMPAIGNS = """
query Campaigns($first: Int, $after: String) {
  campaigns(first: $first, after: $after) {
    edges { cursor node { id name discountType discountValue validDays perCustomerLimit } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def all_campaigns(gateway: GraphQLClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        body = await gateway.execute(CAMPAIGNS, first=50, after=after)
        page = body["data"]["campaigns"]
        found += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


async def test_a_fresh_system_has_the_seed_campaigns_first(gateway: GraphQLClient) -> None:
    body = await gateway.as_user("viewer-val", "VIEWER").execute(CAMPAIGNS, first=3)
    page = body["data"]["campaigns"]
    assert [e["node"]["id"] for e in page["edges"]] == ["welcome", "birthday", "service-recovery"]
    welcome = page["edges"][0]["node"]
    assert welcome == {
        "id": "welcome",
        "name": "Welcome 10%",
        "discountType": "PERCENT",
        "discountValue": "10",
        "validDays": 30,
        "perCustomerLimit": 1,
    }


async def test_campaigns_page_in_creation_order(gateway: GraphQLClient) -> None:
    created = [(await create_campaign(gateway, name=f"Paged {n}"))["id"] for n in range(3)]
    first = (await gateway.execute(CAMPAIGNS, first=2))["data"]["campaigns"]
    assert first["pageInfo"]["hasNextPage"] is True
    second = (await gateway.execute(CAMPAIGNS, first=2, after=first["pageInfo"]["endCursor"]))["data"]["campaigns"]
    assert second["edges"][0]["node"]["id"] == "service-recovery"
    ids = [c["id"] for c in await all_campaigns(gateway)]
    assert [i for i in ids if i in created] == created


async def test_an_administrator_creates_a_campaign_that_issues_at_once(gateway: GraphQLClient) -> None:
    campaign = await create_campaign(
        gateway,
        name="Rainy day",
        description="15% off when it rains",
        discountType="amount",
        discountValue="25000.50",
        codePrefix="rain",
        validDays=7,
        totalLimit=100,
        perCustomerLimit=2,
        reinstateOnReturn=True,
    )
    assert campaign["discountType"] == "AMOUNT"
    assert campaign["discountValue"] == "25000.50"
    assert (campaign["codePrefix"], campaign["totalLimit"], campaign["perCustomerLimit"]) == ("RAIN", 100, 2)
    assert campaign["active"] is True
    assert campaign["reinstateOnReturn"] is True
    coupon = await issued_coupon(gateway, await register(gateway), campaign["id"])
    assert coupon["code"].startswith("RAIN-")


async def test_only_administrators_create_campaigns(gateway: GraphQLClient) -> None:
    manager = gateway.as_user("manager-mo", "MANAGER")
    definition = {"name": "Nope", "discountType": "PERCENT", "discountValue": "5", "codePrefix": "NOPE", "validDays": 3}
    body = await manager.execute(CREATE_CAMPAIGN, input=definition)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_bad_campaign_definitions_are_refused_field_by_field(gateway: GraphQLClient) -> None:
    good = {"name": "Fine", "discountType": "PERCENT", "discountValue": "10", "codePrefix": "FINE", "validDays": 5}
    cases = [
        ({"name": "  "}, "INVALID_NAME", "name"),
        ({"discountType": "BOGOF"}, "INVALID_DISCOUNT_TYPE", "discountType"),
        ({"discountValue": "150"}, "INVALID_DISCOUNT_VALUE", "discountValue"),
        ({"discountType": "AMOUNT", "discountValue": "0"}, "INVALID_DISCOUNT_VALUE", "discountValue"),
        ({"codePrefix": "no-dash"}, "INVALID_CODE_PREFIX", "codePrefix"),
        ({"validDays": None}, "INVALID_VALIDITY", "validDays"),
        ({"validDays": -3}, "INVALID_VALIDITY", "validDays"),
        ({"validFrom": "2030-01-02T00:00:00Z", "validUntil": "2030-01-01T00:00:00Z"}, "INVALID_VALIDITY", "validUntil"),
        ({"totalLimit": 0}, "INVALID_LIMIT", "totalLimit"),
        ({"perCustomerLimit": -1}, "INVALID_LIMIT", "perCustomerLimit"),
    ]
    before = len(await all_campaigns(gateway))
    for change, code, field in cases:
        body = await gateway.execute(CREATE_CAMPAIGN, input={**good, **change})
        payload = body["data"]["createCampaign"]
        assert payload["campaign"] is None, change
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, ["input", field])], change
    assert len(await all_campaigns(gateway)) == before


async def test_the_cli_creates_a_campaign(gateway: GraphQLClient, stack: Stack) -> None:
    name = f"CLI {uuid.uuid4().hex[:6]}"
    address = stack.config.address("coupons")
    args = ["--name", name, "--type", "FREE_ITEM", "--value", "0", "--prefix", "CLI", "--valid-days", "3"]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.coupons.cli",
        "--address",
        address,
        "create-campaign",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    campaign_id = out.decode().split("\t")[0]
    [listed] = [c for c in await all_campaigns(gateway) if c["id"] == campaign_id]
    assert (listed["name"], listed["discountType"]) == (name, "FREE_ITEM")

    refused = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.coupons.cli",
        "--address",
        address,
        "create-campaign",
        *[a if a != "CLI" else "C" for a in args],
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await refused.communicate()
    assert refused.returncode == 2
    assert "INVALID_CODE_PREFIX" in err.decode()
