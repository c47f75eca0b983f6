"""A page of customers costs the same backend calls whatever its size: per-request DataLoaders over batch RPCs."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import GraphQLClient
from tests.integration.coupons_support import issued_coupon
from tests.integration.profile_support import register
from tests.integration.test_profile_search import letters

PAGE = """
query Page($q: String!, $first: Int!) {
  customers(query: $q, field: NAME, first: $first) {
    edges { node {
      id
      profile { firstName }
      loyalty { pointsBalance tier }
      coupons { active { edges { node { code campaign { id name } } } } }
      metrics { orders lifetimeSpend topCategories { category } }
    } }
    pageInfo { hasNextPage }
  }
}"""


async def _page(gateway: GraphQLClient, stem: str, first: int) -> dict[str, Any]:
    body = await gateway.execute(PAGE, q=stem, first=first)
    assert "errors" not in body, body
    return body


async def test_a_page_of_loyalty_coupons_and_metrics_costs_the_same_calls_at_any_size(
    gateway: GraphQLClient,
) -> None:
    stem = letters()
    ids = [(await register(gateway, firstName=f"{stem}{i:02}"))["id"] for i in range(12)]
    codes = {i: (await issued_coupon(gateway, i, "service-recovery"))["code"] for i in ids}

    small, large = await _page(gateway, stem, 3), await _page(gateway, stem, 12)

    for body, size in ((small, 3), (large, 12)):
        nodes = [edge["node"] for edge in body["data"]["customers"]["edges"]]
        assert len(nodes) == size
        for node in nodes:
            assert node["profile"]["firstName"].startswith(stem)
            assert node["loyalty"]["pointsBalance"] == 0
            assert node["metrics"]["orders"] == 0
            [coupon] = [edge["node"] for edge in node["coupons"]["active"]["edges"]]
            assert coupon["code"] == codes[node["id"]]
            assert coupon["campaign"]["name"] == "Service recovery 50k"
    assert small["data"]["customers"]["pageInfo"]["hasNextPage"] is True
    # One search (which primes the profiles); one BatchGetAccounts for loyalty and metrics alike;
    # one BatchListCoupons for the coupon pages and one BatchGetCampaigns for the level below them.
    assert small["extensions"]["rpcCalls"] == {"profile": 1, "loyalty": 1, "coupons": 2}
    assert large["extensions"]["rpcCalls"] == small["extensions"]["rpcCalls"]


LOYALTY_LISTS = """
query Lists($id: ID!, $n: Int!) {
  customer360(id: $id) {
    loyalty {
      pointsBalance
      ...Recent
      adjustments: history(first: 1, type: ADJUST) { edges { node { points } } }
      otps { maskedCode }
    }
  }
}
fragment Recent on Loyalty { history(first: $n) { edges { node { points } } pageInfo { hasNextPage } } }"""


async def test_the_loyalty_lists_cost_one_call_each_whatever_the_arguments_and_fragments(
    gateway: GraphQLClient,
) -> None:
    """The ledger and OTP pages start beside the account (prefetch.py) with the keys their fields load."""
    from tests.integration.test_loyalty_points import adjust

    customer = await register(gateway)
    manager = gateway.as_user("manager-mia", "MANAGER")
    for points in (100, 200, 300):
        await adjust(manager, customer["id"], points)

    body = await gateway.execute(LOYALTY_LISTS, id=customer["id"], n=2)

    assert "errors" not in body, body
    loyalty = body["data"]["customer360"]["loyalty"]
    assert loyalty["pointsBalance"] == 600
    assert [e["node"]["points"] for e in loyalty["history"]["edges"]] == [300, 200]
    assert loyalty["history"]["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["points"] for e in loyalty["adjustments"]["edges"]] == [300]
    assert loyalty["otps"] == []
    # BatchGetAccounts, one ListLedger for both pages, one ListOtps: the fields found their prefetched pages.
    assert body["extensions"]["rpcCalls"] == {"profile": 1, "loyalty": 3}


VIEW = """
query View($id: ID!, $n: Int!, $channel: Channel) {
  customer360(id: $id) {
    ...Record
    metrics { orders }
    purchases(first: $n) { edges { node { transactionId } } }
    coupons { active(first: 5) { edges { node { code } } } lapsed { edges { node { code } } } }
    messaging {
      communications(first: $n, channel: $channel) { edges { node { id } } }
      inbox { edges { node { id } } }
      campaignsReceived(first: 3) { edges { node { campaign } } }
      whatsappSessionOpenUntil
    }
  }
}
fragment Record on Customer360 {
  profile { firstName }
  timeline(first: $n) { edges { node { type } } }
  notes(first: 2) { edges { node { id } } }
  loyalty { pointsBalance history(first: 3) { edges { node { points } } } }
}"""
# One call per list: the sections' loads start beside the record with the keys their fields load.
ONE_CALL_PER_LIST = {"profile": 3, "loyalty": 3, "coupons": 1, "messaging": 4}


async def test_a_view_starts_every_section_with_the_record_and_costs_one_call_per_list(
    gateway: GraphQLClient,
) -> None:
    customer = await register(gateway)

    body = await gateway.execute(VIEW, id=customer["id"], n=4, channel="SMS")

    assert "errors" not in body, body
    assert body["data"]["customer360"]["profile"]["firstName"] == "Ana"
    assert body["extensions"]["rpcCalls"] == ONE_CALL_PER_LIST

    # The sections did not wait for the profile to answer: for an id with no customer they were asked too.
    missing = await gateway.execute(VIEW, id="no-such-customer", n=4, channel=None)
    assert "errors" not in missing, missing
    assert missing["data"]["customer360"] is None
    assert missing["extensions"]["rpcCalls"] == ONE_CALL_PER_LIST
