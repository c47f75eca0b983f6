"""Around the record: attributes, tags, notes, static lists, campaign opt-ins and channel links."""

from __future__ import annotations

import uuid
from typing import Any

import grpc
import pytest
from aiokafka import AIOKafkaProducer
from customer360.events.v1 import messaging_events_pb2, profile_events_pb2
from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from c360.events import new_envelope
from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually
from tests.integration.profile_support import CUSTOMER_PAYLOAD, domain_events, error_codes, mutate, profile_of, register

DEFINE = """
mutation Define($input: DefineAttributeInput!) {
  defineAttribute(input: $input) { definition { name valueType options fixed } userErrors { field code message } }
}"""
SET_ATTRIBUTE = f"""
mutation Set($id: ID!, $attr: String!, $value: String) {{
  setAttribute(customerId: $id, name: $attr, value: $value) {{ {CUSTOMER_PAYLOAD} }}
}}"""
SET_TAG = f"""
mutation Tag($id: ID!, $key: String!, $value: String!) {{
  setTag(customerId: $id, key: $key, value: $value) {{ {CUSTOMER_PAYLOAD} }}
}}"""
REMOVE_TAG = f"""
mutation Untag($id: ID!, $key: String!) {{ removeTag(customerId: $id, key: $key) {{ {CUSTOMER_PAYLOAD} }} }}"""
NOTE_FIELDS = "note { id body authorId createdAt updatedAt } userErrors { field code message }"
ADD_NOTE = f"mutation Add($id: ID!, $body: String!) {{ addNote(customerId: $id, body: $body) {{ {NOTE_FIELDS} }} }}"
EDIT_NOTE = f"mutation Edit($id: ID!, $body: String!) {{ editNote(noteId: $id, body: $body) {{ {NOTE_FIELDS} }} }}"
DELETE_NOTE = "mutation Del($id: ID!) { deleteNote(noteId: $id) { deletedId userErrors { field code message } } }"
NOTES = """
query Notes($id: ID!, $first: Int, $after: String) {
  customer360(id: $id) { notes(first: $first, after: $after) {
    edges { cursor node { id body authorId } } pageInfo { hasNextPage endCursor } } }
}"""
OPT_IN = f"""
mutation OptIn($id: ID!, $campaign: String!, $optedIn: Boolean!) {{
  setOptIn(customerId: $id, campaign: $campaign, optedIn: $optedIn) {{ {CUSTOMER_PAYLOAD} }}
}}"""
LINK = f"""
mutation Link($id: ID!, $channel: Channel!, $linkId: String) {{
  setChannelLink(customerId: $id, channel: $channel, linkId: $linkId) {{ {CUSTOMER_PAYLOAD} }}
}}"""


def attributes(profile: dict[str, Any]) -> dict[str, Any]:
    return {a["name"]: a["value"] for a in profile["attributes"]}


async def test_select_list_attributes_take_only_their_options_and_options_can_be_added_later(
    gateway: GraphQLClient,
) -> None:
    name = f"shoeSize{uuid.uuid4().hex[:6]}"
    defined = await mutate(
        gateway, DEFINE, "defineAttribute", input={"name": name, "valueType": "SELECT_LIST", "options": ["40", "41"]}
    )
    assert defined["definition"] == {"name": name, "valueType": "SELECT_LIST", "options": ["40", "41"], "fixed": False}
    customer = await register(gateway)

    ok = await mutate(gateway, SET_ATTRIBUTE, "setAttribute", id=customer["id"], attr=name, value="41")
    assert attributes(ok["customer"]["profile"])[name] == "41"
    wrong = await mutate(gateway, SET_ATTRIBUTE, "setAttribute", id=customer["id"], attr=name, value="46")
    assert (error_codes(wrong), wrong["userErrors"][0]["field"]) == (["INVALID_OPTION"], ["value"])
    unknown = await mutate(gateway, SET_ATTRIBUTE, "setAttribute", id=customer["id"], attr="noSuchThing", value="x")
    assert error_codes(unknown) == ["UNKNOWN_ATTRIBUTE"]

    more = await mutate(
        gateway, DEFINE, "defineAttribute", input={"name": name, "valueType": "SELECT_LIST", "options": ["46"]}
    )
    assert more["definition"]["options"] == ["40", "41", "46"]
    later = await mutate(gateway, SET_ATTRIBUTE, "setAttribute", id=customer["id"], attr=name, value="46")
    assert attributes(later["customer"]["profile"])[name] == "46"

    fixed = await mutate(gateway, SET_ATTRIBUTE, "setAttribute", id=customer["id"], attr="gender", value="F")
    assert fixed["customer"]["profile"]["gender"] == "F"
    definitions = await gateway.execute("{ attributeDefinitions { name valueType options fixed } }")
    names = {d["name"]: d for d in definitions["data"]["attributeDefinitions"]}
    assert names["maritalStatus"]["fixed"] is True
    assert names[name]["options"] == ["40", "41", "46"]


async def test_defining_attributes_refuses_bad_definitions_and_needs_an_admin(gateway: GraphQLClient) -> None:
    cases = [
        ({"name": "colour", "valueType": "SELECT_LIST", "options": []}, "OPTIONS_REQUIRED"),
        ({"name": "has.dot", "valueType": "FREE_TEXT"}, "INVALID_ATTRIBUTE_NAME"),
        ({"name": "gender", "valueType": "FREE_TEXT"}, "FIXED_ATTRIBUTE"),
        ({"name": "x" * 41, "valueType": "FREE_TEXT"}, "INVALID_ATTRIBUTE_NAME"),
    ]
    for data, code in cases:
        assert error_codes(await mutate(gateway, DEFINE, "defineAttribute", input=data)) == [code], data
    name = f"nickname{uuid.uuid4().hex[:6]}"
    await mutate(gateway, DEFINE, "defineAttribute", input={"name": name, "valueType": "FREE_TEXT"})
    clash = await mutate(gateway, DEFINE, "defineAttribute", input={"name": name, "valueType": "SELECT_LIST"})
    assert error_codes(clash) == ["OPTIONS_REQUIRED"]
    retype = await mutate(
        gateway, DEFINE, "defineAttribute", input={"name": name, "valueType": "SELECT_LIST", "options": ["a"]}
    )
    assert error_codes(retype) == ["ATTRIBUTE_TYPE_MISMATCH"]
    agent = await gateway.as_user("agent-bo", "AGENT").execute(
        DEFINE, input={"name": "other", "valueType": "FREE_TEXT"}
    )
    assert agent["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_tags_are_set_replaced_and_removed(gateway: GraphQLClient) -> None:
    customer = await register(gateway)
    await mutate(gateway, SET_TAG, "setTag", id=customer["id"], key="segment", value="gold")
    replaced = await mutate(gateway, SET_TAG, "setTag", id=customer["id"], key="segment", value="platinum")
    assert replaced["customer"]["profile"]["tags"] == [{"key": "segment", "value": "platinum"}]
    removed = await mutate(gateway, REMOVE_TAG, "removeTag", id=customer["id"], key="segment")
    assert removed["customer"]["profile"]["tags"] == []
    bad = await mutate(gateway, SET_TAG, "setTag", id=customer["id"], key="$where", value="x")
    assert (error_codes(bad), bad["userErrors"][0]["field"]) == (["INVALID_TAG_KEY"], ["key"])
    long_value = await mutate(gateway, SET_TAG, "setTag", id=customer["id"], key="k", value="v" * 201)
    assert error_codes(long_value) == ["TOO_LONG"]


async def test_notes_are_read_by_anyone_and_changed_only_by_their_author(gateway: GraphQLClient, stack: Stack) -> None:
    customer = await register(gateway)
    ana, bo = gateway.as_user("agent-ana", "AGENT"), gateway.as_user("agent-bo", "AGENT")
    first = (await mutate(ana, ADD_NOTE, "addNote", id=customer["id"], body="Prefers WhatsApp"))["note"]
    second = (await mutate(bo, ADD_NOTE, "addNote", id=customer["id"], body="Asked about points"))["note"]
    assert (first["authorId"], second["authorId"]) == ("agent-ana", "agent-bo")

    viewer = gateway.as_user("viewer-vi", "VIEWER")
    page = (await viewer.execute(NOTES, id=customer["id"], first=1))["data"]["customer360"]["notes"]
    assert [e["node"]["body"] for e in page["edges"]] == ["Asked about points"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await viewer.execute(NOTES, id=customer["id"], first=10, after=page["pageInfo"]["endCursor"])
    assert [e["node"]["body"] for e in rest["data"]["customer360"]["notes"]["edges"]] == ["Prefers WhatsApp"]

    forbidden = await mutate(bo, EDIT_NOTE, "editNote", id=first["id"], body="hijacked")
    assert error_codes(forbidden) == ["FORBIDDEN"]
    assert error_codes(await mutate(bo, DELETE_NOTE, "deleteNote", id=first["id"])) == ["FORBIDDEN"]
    edited = await mutate(ana, EDIT_NOTE, "editNote", id=first["id"], body="Prefers WhatsApp, evenings")
    assert edited["note"]["body"] == "Prefers WhatsApp, evenings"
    assert edited["note"]["updatedAt"] >= edited["note"]["createdAt"]
    assert error_codes(await mutate(ana, ADD_NOTE, "addNote", id=customer["id"], body=" ")) == ["REQUIRED"]
    assert error_codes(await mutate(ana, ADD_NOTE, "addNote", id=customer["id"], body="x" * 2001)) == ["TOO_LONG"]
    assert (await mutate(ana, DELETE_NOTE, "deleteNote", id=first["id"]))["deletedId"] == first["id"]
    assert error_codes(await mutate(ana, DELETE_NOTE, "deleteNote", id=first["id"])) == ["NOT_FOUND"]

    added = await domain_events(stack, "profile.events", customer["id"], profile_events_pb2.NoteAdded, count=2)
    assert {p.author_id for _, p in added} == {"agent-ana", "agent-bo"}


async def test_static_lists_hold_customers_and_page_their_members_for_other_services(
    gateway: GraphQLClient, stack: Stack
) -> None:
    name = f"Summer VIPs {uuid.uuid4().hex[:6]}"
    created = await gateway.execute(
        "mutation($n: String!) { createCustomerList(name: $n) { customerList { id name } userErrors { code } } }",
        n=name,
    )
    listed = created["data"]["createCustomerList"]["customerList"]
    duplicate = await gateway.execute(
        "mutation($n: String!) { createCustomerList(name: $n) { userErrors { code } } }", n=name.upper()
    )
    assert duplicate["data"]["createCustomerList"]["userErrors"] == [{"code": "DUPLICATE_LIST_NAME"}]
    members = [await register(gateway) for _ in range(3)]
    add = f"mutation($c: ID!, $l: ID!) {{ addToList(customerId: $c, listId: $l) {{ {CUSTOMER_PAYLOAD} }} }}"
    for member in members:
        added = await mutate(gateway, add, "addToList", c=member["id"], l=listed["id"])
        assert added["customer"]["profile"]["lists"] == [listed]
    assert error_codes(await mutate(gateway, add, "addToList", c=members[0]["id"], l="nope")) == ["NOT_FOUND"]
    remove = f"mutation($c: ID!, $l: ID!) {{ removeFromList(customerId: $c, listId: $l) {{ {CUSTOMER_PAYLOAD} }} }}"
    kept = await mutate(gateway, remove, "removeFromList", c=members[2]["id"], l=listed["id"])
    assert kept["customer"]["profile"]["lists"] == []
    all_lists = (await gateway.execute("{ customerLists { id name } }"))["data"]["customerLists"]
    assert listed in all_lists

    async with grpc.aio.insecure_channel(stack.config.address("profile")) as channel:
        stub = profile_pb2_grpc.ProfileServiceStub(channel)
        page = await stub.ListCustomerListMembers(
            profile_pb2.ListCustomerListMembersRequest(list_id=listed["id"], page_size=1)
        )
        rest = await stub.ListCustomerListMembers(
            profile_pb2.ListCustomerListMembersRequest(list_id=listed["id"], page_token=page.next_page_token)
        )
    assert sorted([*page.customer_ids, *rest.customer_ids]) == sorted(m["id"] for m in members[:2])
    assert rest.next_page_token == ""


async def test_other_services_find_a_customer_by_ext_ref(gateway: GraphQLClient, stack: Stack) -> None:
    ext_ref = f"CUST-{uuid.uuid4().hex[:8]}"
    customer = await register(gateway, extRef=ext_ref)
    async with grpc.aio.insecure_channel(stack.config.address("profile")) as channel:
        stub = profile_pb2_grpc.ProfileServiceStub(channel)
        found = await stub.GetCustomerByExtRef(profile_pb2.GetCustomerByExtRefRequest(ext_ref=ext_ref))
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.GetCustomerByExtRef(profile_pb2.GetCustomerByExtRefRequest(ext_ref="none-such"))
    assert found.id == customer["id"]
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    duplicate = await gateway.execute(
        "mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { userErrors { code } } }",
        i={"firstName": "Bo", "mobile": "0812" + str(uuid.uuid4().int)[:8], "extRef": ext_ref},
    )
    assert duplicate["data"]["registerCustomer"]["userErrors"] == [{"code": "DUPLICATE_EXT_REF"}]


async def test_opt_ins_record_the_time_of_change_and_publish_the_consent(gateway: GraphQLClient, stack: Stack) -> None:
    customer = await register(gateway)
    opted = await mutate(gateway, OPT_IN, "setOptIn", id=customer["id"], campaign="newsletter", optedIn=True)
    [consent] = opted["customer"]["profile"]["optIns"]
    assert (consent["campaign"], consent["optedIn"]) == ("newsletter", True)
    out = await mutate(gateway, OPT_IN, "setOptIn", id=customer["id"], campaign="newsletter", optedIn=False)
    assert out["customer"]["profile"]["optIns"][0]["optedIn"] is False
    assert out["customer"]["profile"]["optIns"][0]["updatedAt"] >= consent["updatedAt"]
    bad = await mutate(gateway, OPT_IN, "setOptIn", id=customer["id"], campaign="news letter", optedIn=True)
    assert error_codes(bad) == ["INVALID_CAMPAIGN"]
    changes = await domain_events(stack, "profile.events", customer["id"], profile_events_pb2.OptInChanged, count=2)
    assert [(p.campaign, p.opted_in) for _, p in changes] == [("newsletter", True), ("newsletter", False)]


async def test_channel_links_are_set_by_an_edit_or_by_messagings_channel_linked_event(
    gateway: GraphQLClient, stack: Stack, partner_producer: AIOKafkaProducer
) -> None:
    customer = await register(gateway)
    linked = await mutate(gateway, LINK, "setChannelLink", id=customer["id"], channel="PUSH", linkId="fcm-token-1")
    assert linked["customer"]["profile"]["channelLinks"] == [{"channel": "PUSH", "linkId": "fcm-token-1"}]

    event = new_envelope(
        customer["id"], "messaging", messaging_events_pb2.ChannelLinked(channel="WHATSAPP", link_id="wa-6281")
    )
    for _ in range(2):  # at-least-once delivery: the second copy changes nothing
        await partner_producer.send_and_wait(
            f"{stack.config.topic_prefix}messaging.events", event.SerializeToString(), key=customer["id"].encode()
        )

    async def whatsapp_linked() -> bool:
        profile = await profile_of(gateway, customer["id"])
        return {"channel": "WHATSAPP", "linkId": "wa-6281"} in (profile or {}).get("channelLinks", [])

    await eventually(whatsapp_linked)
    changes = await domain_events(
        stack, "profile.events", customer["id"], profile_events_pb2.ChannelLinkChanged, count=2
    )
    assert [(p.channel, p.link_id) for _, p in changes] == [("PUSH", "fcm-token-1"), ("WHATSAPP", "wa-6281")]
    removed = await mutate(gateway, LINK, "setChannelLink", id=customer["id"], channel="PUSH", linkId=None)
    assert removed["customer"]["profile"]["channelLinks"] == [{"channel": "WHATSAPP", "linkId": "wa-6281"}]
