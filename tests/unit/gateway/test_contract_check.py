"""The contract checker on small synthetic schemas."""

from __future__ import annotations

from gateway.contract_check import check

CONTRACT = """
interface Node { id: ID! }
enum Channel { SMS EMAIL }
type Query { customer(id: ID!): Customer  customers(query: String!, first: Int = 20): [Customer!]! }
type Customer implements Node { id: ID! name: String tags: [String!]! channel: Channel }
input UpdateInput { name: String email: String }
type Mutation { update(id: ID!, input: UpdateInput!): Customer }
"""


def test_an_identical_schema_has_no_gaps() -> None:
    assert check(CONTRACT, CONTRACT) == []


def test_extra_types_fields_and_optional_arguments_are_allowed() -> None:
    exported = CONTRACT.replace("tags: [String!]!", "tags: [String!]! extra: Int").replace(
        "first: Int = 20)", "first: Int = 20, after: String)"
    )
    assert check(CONTRACT, exported + "\ntype Extra { a: Int }") == []


def test_a_missing_field_is_reported() -> None:
    assert check(CONTRACT, CONTRACT.replace(" tags: [String!]!", "")) == ["missing field Customer.tags"]


def test_a_missing_type_is_reported() -> None:
    exported = CONTRACT.replace(" channel: Channel", "").replace("enum Channel { SMS EMAIL }", "")
    assert check(CONTRACT, exported) == ["missing type Channel", "missing field Customer.channel"]


def test_a_field_of_another_type_is_incompatible() -> None:
    gaps = check(CONTRACT, CONTRACT.replace("name: String tags", "name: Int tags"))
    assert gaps == ["Customer.name is Int in the schema, incompatible with String"]


def test_a_list_where_the_contract_has_a_single_value_is_incompatible() -> None:
    gaps = check(CONTRACT, CONTRACT.replace("name: String tags", "name: [String] tags"))
    assert gaps == ["Customer.name is [String] in the schema, incompatible with String"]


def test_an_output_may_be_stricter_but_not_looser() -> None:
    assert check(CONTRACT, CONTRACT.replace("name: String tags", "name: String! tags")) == []
    gaps = check(CONTRACT, CONTRACT.replace("tags: [String!]!", "tags: [String]!"))
    assert gaps == ["Customer.tags is [String]! in the schema, incompatible with [String!]!"]


def test_a_missing_enum_value_is_reported() -> None:
    assert check(CONTRACT, CONTRACT.replace("SMS EMAIL", "SMS")) == ["missing enum value Channel.EMAIL"]


def test_a_missing_argument_is_reported() -> None:
    gaps = check(CONTRACT, CONTRACT.replace("(query: String!, first: Int = 20)", "(query: String!)"))
    assert gaps == ["missing argument Query.customers(first)"]


def test_a_stricter_argument_or_input_field_is_incompatible() -> None:
    gaps = check(CONTRACT, CONTRACT.replace("first: Int = 20", "first: Int! = 20"))
    assert gaps == ["argument Query.customers(first) is Int! in the schema, stricter than Int"]
    gaps = check(CONTRACT, CONTRACT.replace("email: String }", "email: String! }"))
    assert gaps == ["input field UpdateInput(email) is String! in the schema, stricter than String"]


def test_an_input_may_be_looser() -> None:
    assert check(CONTRACT, CONTRACT.replace("customer(id: ID!)", "customer(id: ID)")) == []


def test_a_different_or_missing_default_is_reported() -> None:
    gaps = check(CONTRACT, CONTRACT.replace("first: Int = 20", "first: Int = 50"))
    assert gaps == ["argument Query.customers(first) defaults to 50, the contract says 20"]
    gaps = check(CONTRACT, CONTRACT.replace("first: Int = 20", "first: Int"))
    assert gaps == ["argument Query.customers(first) defaults to nothing, the contract says 20"]


def test_a_new_required_argument_or_input_field_is_incompatible() -> None:
    gaps = check(CONTRACT, CONTRACT.replace("first: Int = 20)", "first: Int = 20, shop: ID!)"))
    assert gaps == ["argument Query.customers(shop) is required in the schema but not in the contract"]


def test_a_lost_interface_and_a_changed_kind_are_reported() -> None:
    gaps = check(CONTRACT, CONTRACT.replace("type Customer implements Node", "type Customer"))
    assert gaps == ["Customer does not implement Node"]
    gaps = check(
        CONTRACT, CONTRACT.replace("input UpdateInput", "type UpdateInput").replace("input: UpdateInput!", "x: ID")
    )
    assert "UpdateInput is an input type in the contract but an object type in the schema" in gaps


def test_root_types_are_matched_by_operation_and_a_different_name_is_reported() -> None:
    contract = CONTRACT + "\ntype Subscription { live(id: ID!): Customer! }"
    roots = "schema { query: Query mutation: Mutation subscription: LiveFeed }"
    exported = CONTRACT + "\ntype LiveFeed { live(id: ID!): Customer! }\n" + roots
    assert check(contract, exported) == ["the subscription root type is LiveFeed, the contract names it Subscription"]
    assert check(contract, CONTRACT) == ["missing subscription root type Subscription"]
    lacking = exported.replace("live(id: ID!): Customer!", "other: Int")
    assert "missing field Subscription.live" in check(contract, lacking)
