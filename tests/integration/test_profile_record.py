"""The customer master record through the gateway: edit, suspend, reactivate, erase, and the events each publishes."""

from __future__ import annotations

import asyncio
from typing import Any

from customer360.events.v1 import profile_events_pb2 as events
from pymongo import AsyncMongoClient

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually, random_mobile
from tests.integration.profile_support import (
    CUSTOMER_PAYLOAD,
    REGISTER,
    domain_events,
    error_codes,
    mutate,
    profile_of,
    register,
)

UPDATE = f"""
mutation Update($id: ID!, $input: UpdateCustomerInput!) {{
  updateCustomer(id: $id, input: $input) {{ {CUSTOMER_PAYLOAD} }}
}}"""
SUSPEND = f"""
mutation Suspend($id: ID!, $reason: String!) {{ suspendCustomer(id: $id, reason: $reason) {{ {CUSTOMER_PAYLOAD} }} }}"""
REACTIVATE = f"""mutation Reactivate($id: ID!) {{ reactivateCustomer(id: $id) {{ {CUSTOMER_PAYLOAD} }} }}"""
DELETE = """
mutation Delete($id: ID!, $reason: String!) {
  deleteCustomer(id: $id, reason: $reason) { deletedId userErrors { field code message } }
}"""


async def test_edit_changes_only_the_given_fields_and_publishes_their_names_with_the_state_after(
    gateway: GraphQLClient, stack: Stack
) -> None:
    customer = await register(gateway, lastName="Lee", email="ana@example.com")
    payload = await mutate(
        gateway,
        UPDATE,
        "updateCustomer",
        id=customer["id"],
        input={"email": "Ana.Lee@Example.COM", "maritalStatus": "MARRIED", "address": {"city": "Bandung"}},
    )
    assert payload["userErrors"] == []
    profile = payload["customer"]["profile"]
    assert profile["email"] == "ana.lee@example.com"
    assert profile["maritalStatus"] == "MARRIED"
    assert profile["address"]["city"] == "Bandung"
    assert (profile["lastName"], profile["firstName"]) == ("Lee", "Ana")

    updated = await domain_events(stack, "profile.events", customer["id"], events.CustomerUpdated)
    assert sorted(updated[-1][1].changed_fields) == ["address", "email", "marital_status"]
    assert updated[-1][1].customer.email == "ana.lee@example.com"


async def test_a_changed_mobile_is_normalised_and_must_stay_unique(gateway: GraphQLClient) -> None:
    taken = await register(gateway)
    customer = await register(gateway)
    new_mobile = random_mobile()
    payload = await mutate(
        gateway, UPDATE, "updateCustomer", id=customer["id"], input={"mobile": new_mobile.replace("+62", "0")}
    )
    assert payload["customer"]["profile"]["mobile"] == new_mobile

    clash = await mutate(
        gateway, UPDATE, "updateCustomer", id=customer["id"], input={"mobile": taken["profile"]["mobile"]}
    )
    assert clash["userErrors"] == [
        {"field": ["input", "mobile"], "code": "DUPLICATE_MOBILE", "message": clash["userErrors"][0]["message"]}
    ]
    malformed = await mutate(gateway, UPDATE, "updateCustomer", id=customer["id"], input={"mobile": "12ab"})
    assert error_codes(malformed) == ["INVALID_MOBILE"]
    assert (await profile_of(gateway, customer["id"]) or {})["mobile"] == new_mobile


async def test_bad_input_gets_a_specific_user_error_and_stores_nothing(gateway: GraphQLClient) -> None:
    mobile = random_mobile()
    cases: list[tuple[dict[str, Any], str, list[str]]] = [
        ({"mobile": "not a phone"}, "INVALID_MOBILE", ["input", "mobile"]),
        ({"email": "ana@"}, "INVALID_EMAIL", ["input", "email"]),
        ({"customerType": "PLATINUM"}, "UNKNOWN_CUSTOMER_TYPE", ["input", "customerType"]),
        ({"firstName": "A" * 101}, "TOO_LONG", ["input", "firstName"]),
        ({"address": {"street": "S" * 121}}, "TOO_LONG", ["input", "address", "street"]),
        ({"firstName": "  "}, "REQUIRED", ["input", "firstName"]),
    ]
    for change, code, field in cases:
        body = await gateway.execute(REGISTER, input={"firstName": "Ana", "mobile": mobile, **change})
        payload = body["data"]["registerCustomer"]
        assert (payload["customer"], error_codes(payload)) == (None, [code]), change
        assert payload["userErrors"][0]["field"] == field
    assert (await register(gateway, mobile=mobile))["profile"]["mobile"] == mobile

    customer = await register(gateway)
    edit = await mutate(gateway, UPDATE, "updateCustomer", id=customer["id"], input={"firstName": None})
    assert error_codes(edit) == ["REQUIRED"]
    unknown = await mutate(gateway, UPDATE, "updateCustomer", id="no-such-id", input={"gender": "F"})
    assert error_codes(unknown) == ["NOT_FOUND"]


async def test_concurrent_registrations_with_one_mobile_give_one_customer_and_one_duplicate_error(
    gateway: GraphQLClient,
) -> None:
    mobile = random_mobile()
    bodies = await asyncio.gather(
        *(gateway.execute(REGISTER, input={"firstName": f"Ana{i}", "mobile": mobile}) for i in range(2))
    )
    payloads = [b["data"]["registerCustomer"] for b in bodies]
    assert sorted(error_codes(p)[0] if p["userErrors"] else "CREATED" for p in payloads) == [
        "CREATED",
        "DUPLICATE_MOBILE",
    ]


async def test_referral_code_of_the_referrer_is_recorded_and_published(gateway: GraphQLClient, stack: Stack) -> None:
    referrer = await register(gateway)
    code = referrer["profile"]["referralCode"]
    friend = await register(gateway, referredByCode=code)
    registered = await domain_events(stack, "profile.events", friend["id"], events.CustomerRegistered)
    assert registered[0][1].customer.referred_by_code == code


async def test_suspend_and_reactivate_publish_events_and_need_a_manager(gateway: GraphQLClient, stack: Stack) -> None:
    customer = await register(gateway)
    agent = gateway.as_user("agent-bo", "AGENT")
    refused = await agent.execute(SUSPEND, id=customer["id"], reason="fraud check")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    manager = gateway.as_user("manager-mia", "MANAGER")
    no_reason = await mutate(manager, SUSPEND, "suspendCustomer", id=customer["id"], reason=" ")
    assert error_codes(no_reason) == ["REQUIRED"]
    suspended = await mutate(manager, SUSPEND, "suspendCustomer", id=customer["id"], reason="fraud check")
    assert suspended["customer"]["profile"]["status"] == "SUSPENDED"
    again = await mutate(manager, SUSPEND, "suspendCustomer", id=customer["id"], reason="fraud check")
    assert error_codes(again) == ["ALREADY_SUSPENDED"]
    reactivated = await mutate(manager, REACTIVATE, "reactivateCustomer", id=customer["id"])
    assert reactivated["customer"]["profile"]["status"] == "ACTIVE"
    not_suspended = await mutate(manager, REACTIVATE, "reactivateCustomer", id=customer["id"])
    assert error_codes(not_suspended) == ["NOT_SUSPENDED"]

    suspension = await domain_events(stack, "profile.events", customer["id"], events.CustomerSuspended)
    assert suspension[0][1].reason == "fraud check"
    assert suspension[0][0].actor == "manager-mia"
    assert await domain_events(stack, "profile.events", customer["id"], events.CustomerReactivated)


async def test_delete_erases_personal_data_keeps_a_tombstone_and_frees_the_mobile(
    gateway: GraphQLClient, stack: Stack, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    customer = await register(gateway, email="erase.me@example.com", address={"city": "Jakarta"}, extRef="EXT-ERASE")
    mobile = customer["profile"]["mobile"]
    await mutate(
        gateway,
        'mutation($id: ID!) { setTag(customerId: $id, key: "vip", value: "yes") { userErrors { code } } }',
        "setTag",
        id=customer["id"],
    )
    await gateway.execute(
        'mutation($id: ID!) { addNote(customerId: $id, body: "Lives at Jl. Sudirman 1") { note { id } } }',
        id=customer["id"],
    )
    agent_refused = await gateway.as_user("agent-bo", "AGENT").execute(DELETE, id=customer["id"], reason="GDPR")
    assert agent_refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    deleted = await mutate(gateway, DELETE, "deleteCustomer", id=customer["id"], reason="GDPR request")
    assert deleted == {"deletedId": customer["id"], "userErrors": []}
    assert await profile_of(gateway, customer["id"]) is None

    customers = mongo[f"{stack.config.database_prefix}profile"]["customers"]
    assert (await customers.find_one({"_id": customer["id"]}) or {}).get("status") == "DELETED"

    async def published() -> dict[str, Any] | None:
        """The tombstone once the events of the customer's past are out (they carried the data they told of)."""
        doc = await customers.find_one({"_id": customer["id"]})
        return doc if doc is not None and not doc["outbox"] else None

    stored = await eventually(published)
    personal = [stored.get(f) for f in ("first_name", "last_name", "email", "address", "ext_ref", "date_of_birth")]
    assert not any(personal), stored
    assert (stored["tags"], stored["attributes"], stored["channel_links"]) == ({}, {}, {})
    assert mobile not in str(stored)

    notes = mongo[f"{stack.config.database_prefix}profile"]["notes"]

    async def notes_gone() -> bool:
        return await notes.count_documents({"customer_id": customer["id"]}) == 0

    await eventually(notes_gone)
    erased = await domain_events(stack, "profile.events", customer["id"], events.CustomerErased)
    assert erased[0][1].reason == "GDPR request"
    keys = mongo[f"{stack.config.database_prefix}profile"]["customer_keys"]
    assert await keys.find_one({"_id": f"mobile:{mobile}"}) is None  # the lookup key went with the number
    again = await mutate(gateway, DELETE, "deleteCustomer", id=customer["id"], reason="twice")
    assert error_codes(again) == ["NOT_FOUND"]
    assert (await register(gateway, mobile=mobile, extRef="EXT-ERASE"))["profile"]["mobile"] == mobile
