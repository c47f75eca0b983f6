"""The cost estimate: fields times list sizes, nested multiplicatively, from arguments, variables or defaults."""

from __future__ import annotations

from graphql import build_schema, parse

from gateway.query_cost import estimate_cost

SCHEMA = build_schema("""
type Query { customers(first: Int = 20, after: String): CustomerConnection!  customer(id: ID!): Customer }
type CustomerConnection { edges: [CustomerEdge!]! }
type CustomerEdge { cursor: String! node: Customer! }
type Customer { id: ID! name: String purchases(first: Int = 10): [Purchase!]! top(limit: Int = 3): [Purchase!]! }
type Purchase { id: ID! total: Int! }
""")


def cost(query: str, **variables: object) -> int:
    return estimate_cost(SCHEMA, parse(query), None, variables)


def test_plain_fields_cost_one_each() -> None:
    assert cost('{ customer(id: "1") { id name } }') == 3


def test_a_list_multiplies_what_is_selected_below_it_by_its_first_argument() -> None:
    # customers: 1 + 50 * (edges: 1 + (cursor 1 + node: 1 + id 1)) = 1 + 50 * 4
    assert cost("{ customers(first: 50) { edges { cursor node { id } } } }") == 201


def test_the_schema_default_applies_when_first_is_not_given() -> None:
    assert cost("{ customers { edges { node { id } } } }") == 1 + 20 * 3


def test_nested_lists_multiply() -> None:
    query = "{ customers(first: 10) { edges { node { purchases(first: 5) { id total } } } } }"
    # node: 1 + purchases(1 + 5 * 2) = 12; edges: 1 + 12; customers: 1 + 10 * 13
    assert cost(query) == 131


def test_limit_counts_like_first_and_variables_are_used() -> None:
    query = "query($n: Int!, $k: Int) { customers(first: $n) { edges { node { top(limit: $k) { id } } } } }"
    assert cost(query, n=4, k=7) == 1 + 4 * (1 + (1 + (1 + 7)))
    assert cost(query, n=4) == 1 + 4 * (1 + (1 + (1 + 3)))  # an absent variable falls back to the default


def test_fragments_and_inline_fragments_are_counted_where_they_are_spread() -> None:
    query = """
    { customers(first: 2) { edges { node { ...Bits ... on Customer { name } } } } }
    fragment Bits on Customer { id purchases(first: 3) { id } }
    """
    assert cost(query) == 1 + 2 * (1 + (1 + (1 + 1 + (1 + 3 * 1))))


def test_the_named_operation_is_the_one_estimated() -> None:
    document = parse("query A { customer(id: 1) { id } } query B { customers(first: 100) { edges { cursor } } }")
    assert estimate_cost(SCHEMA, document, "A") == 2
    assert estimate_cost(SCHEMA, document, "B") == 1 + 100 * 2
