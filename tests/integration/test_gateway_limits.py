"""Abusive queries are refused before any backend is called: cost, aliases, tokens.

(The depth limit is Strawberry's; no path of this schema is deeper than the limit, and
introspection is exempt from it, so it has no test over HTTP.)
"""

from __future__ import annotations

from tests.integration.conftest import GraphQLClient, random_mobile

REGISTER = """
mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id } userErrors { code } }
}"""
# 29 aliased pages of the audit log plus a customer view: the page size alone decides the estimate.
PAGES = "\n".join(
    f"  page{i}: auditLog(first: $n) {{ edges {{ cursor node {{ id actor operation target outcome codes at }} }} }}"
    for i in range(29)
)
WIDE = f"""query Wide($id: ID!, $n: Int!) {{
  customer360(id: $id) {{ id loyalty {{ pointsBalance }} }}
{PAGES}
}}"""


async def _customer(gateway: GraphQLClient) -> str:
    body = await gateway.execute(REGISTER, input={"firstName": "Lim", "mobile": random_mobile()})
    customer_id: str = body["data"]["registerCustomer"]["customer"]["id"]
    return customer_id


async def test_a_query_over_the_cost_limit_is_refused_before_any_backend_is_called(gateway: GraphQLClient) -> None:
    customer_id = await _customer(gateway)
    cheap = await gateway.execute(WIDE, id=customer_id, n=2)
    assert "errors" not in cheap
    assert cheap["extensions"]["rpcCalls"] == {"profile": 1, "loyalty": 1}
    assert cheap["extensions"]["queryCost"] < 1000

    costly = await gateway.execute(WIDE, id=customer_id, n=100)
    assert costly["data"] is None
    [error] = costly["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "too expensive" in error["message"]
    assert error["extensions"]["cost"] > error["extensions"]["maxCost"] == 25_000
    assert costly["extensions"]["rpcCalls"] == {}


async def test_too_many_aliases_are_refused_as_bad_user_input(gateway: GraphQLClient) -> None:
    query = "{ " + " ".join(f'a{i}: customer360(id: "x{i}") {{ id }}' for i in range(31)) + " }"
    body = await gateway.execute(query)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "aliases" in body["errors"][0]["message"]
    assert body["extensions"]["rpcCalls"] == {}


async def test_a_query_with_too_many_tokens_is_refused_as_bad_user_input(gateway: GraphQLClient) -> None:
    fields = " ".join("__typename" for _ in range(4100))
    body = await gateway.execute(f"{{ {fields} }}")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "token" in body["errors"][0]["message"].lower()


async def test_a_syntax_error_is_bad_user_input_and_calls_nothing(gateway: GraphQLClient) -> None:
    body = await gateway.execute("{ customer360(id: ")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
