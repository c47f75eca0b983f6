"""The `customer360` query with every section, built from the exported schema so it grows with it.

Every scalar and enum leaf is selected; list fields that take `first` get 20;
fields whose required arguments have no default are skipped.
"""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
    is_leaf_type,
)

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "gateway" / "schema.graphql"
PAGE = 20
MAX_DEPTH = 6  # deep enough for each coupon's campaign


def _arguments(field: GraphQLField) -> str | None:
    parts = []
    for name, argument in field.args.items():
        if name == "first":
            parts.append(f"first: {PAGE}")
        elif name == "limit":
            parts.append("limit: 10")
        elif isinstance(argument.type, GraphQLNonNull) and argument.default_value is None:
            return None
    return f"({', '.join(parts)})" if parts else ""


def _selection(object_type: GraphQLObjectType, depth: int) -> str:
    lines = []
    for name, field in object_type.fields.items():
        args = _arguments(field)
        if args is None:
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            lines.append(f"{name}{args}")
        elif isinstance(named, GraphQLObjectType) and depth < MAX_DEPTH:
            inner = _selection(named, depth + 1)
            if inner:
                lines.append(f"{name}{args} {{ {inner} }}")
    return " ".join(lines)


def customer360_query(schema: GraphQLSchema | None = None) -> str:
    schema = schema or build_schema(SCHEMA_FILE.read_text())
    root = schema.query_type
    assert root is not None
    target = get_named_type(root.fields["customer360"].type)
    assert isinstance(target, GraphQLObjectType)
    return f"query Full($id: ID!) {{ customer360(id: $id) {{ {_selection(target, 1)} }} }}"
