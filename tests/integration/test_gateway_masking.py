"""An unexpected failure behind the gateway reaches the client masked: a code and a correlation id, no internals.

The failure is real: a coupon document the coupons service cannot read (a status no
version of it wrote), so its BatchListCoupons fails with a status the gateway does not map.
"""

from __future__ import annotations

import json
from typing import Any

from pymongo import AsyncMongoClient

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient
from tests.integration.coupons_support import issued_coupon, register

VIEW = """query View($id: ID!) {
  customer360(id: $id) { id profile { firstName } coupons { active { edges { node { code } } } } }
}"""


async def test_an_unreadable_coupon_nulls_the_coupons_section_with_a_masked_internal_error(
    gateway: GraphQLClient, stack: Stack, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    customer_id = await register(gateway)
    code = (await issued_coupon(gateway, customer_id, "service-recovery"))["code"]
    coupons = mongo[f"{stack.config.database_prefix}coupons"]["coupons"]
    await coupons.update_one({"_id": code}, {"$set": {"status": "MISLAID"}})

    body = await gateway.execute(VIEW, id=customer_id)

    assert body["data"]["customer360"] == {"id": customer_id, "profile": {"firstName": "Cora"}, "coupons": None}
    [error] = body["errors"]
    cid = error["extensions"]["correlationId"]
    assert cid
    assert error["message"] == f"Unexpected error (correlation id {cid})."
    assert error["extensions"] == {"code": "INTERNAL", "correlationId": cid}
    assert error["path"] == ["customer360", "coupons", "active"]  # non-null, so the section is what is nulled
    reply = json.dumps(body)
    for internal in ("MISLAID", "CouponStatus", "Traceback", "ValueError", "coupons service"):
        assert internal not in reply
    # The logs have what the client was not told, under the same correlation id: the gateway's which call
    # failed, the coupons service's the stack.
    assert any("backend coupons failed" in entry["msg"] for entry in _logged(stack, "gateway", cid))
    assert any("MISLAID" in entry.get("exc", "") for entry in _logged(stack, "coupons", cid))


def _logged(stack: Stack, process: str, cid: str) -> list[dict[str, Any]]:
    lines = [line for line in stack.log_tail(process, 2000).splitlines() if cid in line]
    return [entry for entry in map(json.loads, lines) if entry.get("correlation_id") == cid]
