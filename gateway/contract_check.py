"""Lists where the exported schema falls short of the public contract (`make contract`).

`python -m gateway.contract_check [CONTRACT] [SCHEMA]` parses both SDL files with
graphql-core and prints every missing or incompatible type, field, argument,
argument default and enum value; it exits 1 when there is any. Compatible means the
same named types, where the exported schema may be stricter in output positions
(non-null where the contract allows null) but never in input positions (arguments,
input fields), and may add only optional arguments and input fields.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from graphql import (
    GraphQLArgument,
    GraphQLInputField,
    GraphQLNamedType,
    GraphQLSchema,
    GraphQLType,
    OperationType,
    build_schema,
    is_enum_type,
    is_input_object_type,
    is_interface_type,
    is_list_type,
    is_named_type,
    is_non_null_type,
    is_object_type,
    is_union_type,
    print_ast,
    specified_scalar_types,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CONTRACT = REPO.parent / "shared" / "api" / "customer360.graphql"
DEFAULT_SCHEMA = REPO / "gateway" / "schema.graphql"


def output_compatible(contract: GraphQLType, exported: GraphQLType) -> bool:
    """Whether a client reading a `contract`-typed value still can when it is `exported`-typed."""
    if is_non_null_type(exported):
        inner = contract.of_type if is_non_null_type(contract) else contract
        return output_compatible(inner, exported.of_type)
    if is_non_null_type(contract):
        return False
    return _same_shape(contract, exported, output_compatible)


def input_compatible(contract: GraphQLType, exported: GraphQLType) -> bool:
    """Whether every value a client may send for `contract` is accepted by `exported`."""
    if is_non_null_type(contract):
        inner = exported.of_type if is_non_null_type(exported) else exported
        return input_compatible(contract.of_type, inner)
    if is_non_null_type(exported):
        return False
    return _same_shape(contract, exported, input_compatible)


def _same_shape(
    contract: GraphQLType, exported: GraphQLType, compatible: Callable[[GraphQLType, GraphQLType], bool]
) -> bool:
    if is_list_type(contract) and is_list_type(exported):
        return compatible(contract.of_type, exported.of_type)
    if is_named_type(contract) and is_named_type(exported):
        return bool(contract.name == exported.name)
    return False


def check(contract_sdl: str, exported_sdl: str) -> list[str]:
    contract, exported = build_schema(contract_sdl), build_schema(exported_sdl)
    gaps: list[str] = []
    roots = {}  # root types are matched by operation, whatever they are called
    for operation in OperationType:
        expected_root, actual_root = contract.get_root_type(operation), exported.get_root_type(operation)
        if expected_root is None:
            continue
        roots[expected_root.name] = operation
        if actual_root is None:
            gaps.append(f"missing {operation.value} root type {expected_root.name}")
            continue
        if actual_root.name != expected_root.name:
            gaps.append(
                f"the {operation.value} root type is {actual_root.name}, the contract names it {expected_root.name}"
            )
        gaps.extend(_type_gaps(expected_root.name, expected_root, actual_root, exported))
    for name, expected in sorted(contract.type_map.items()):
        if name.startswith("__") or name in specified_scalar_types or name in roots:  # built in, or done above
            continue
        actual = exported.type_map.get(name)
        if actual is None:
            gaps.append(f"missing type {name}")
        elif _kind(expected) != _kind(actual):
            gaps.append(f"{name} is {_kind(expected)} in the contract but {_kind(actual)} in the schema")
        else:
            gaps.extend(_type_gaps(name, expected, actual, exported))
    return gaps


def _kind(named: GraphQLNamedType) -> str:
    """`an object type`, `an input type`, `an enum`, ..."""
    kind = type(named).__name__.removeprefix("GraphQL").removesuffix("Type")
    words = {"Object": "object type", "InputObject": "input type", "Interface": "interface"}.get(kind, kind.lower())
    return f"an {words}" if words[0] in "aeio" else f"a {words}"


def _type_gaps(name: str, expected: object, actual: object, exported: GraphQLSchema) -> list[str]:
    gaps: list[str] = []
    if is_object_type(expected) or is_interface_type(expected):
        have = {i.name for i in actual.interfaces}  # type: ignore[attr-defined]
        gaps += [f"{name} does not implement {i.name}" for i in expected.interfaces if i.name not in have]
        for field_name, field in expected.fields.items():
            found = actual.fields.get(field_name)  # type: ignore[attr-defined]
            if found is None:
                gaps.append(f"missing field {name}.{field_name}")
                continue
            if not output_compatible(field.type, found.type):
                gaps.append(f"{name}.{field_name} is {found.type} in the schema, incompatible with {field.type}")
            gaps += _input_gaps(f"{name}.{field_name}", "argument", field.args, found.args)
    elif is_input_object_type(expected):
        gaps += _input_gaps(name, "input field", expected.fields, actual.fields)  # type: ignore[attr-defined]
    elif is_enum_type(expected):
        values = actual.values  # type: ignore[attr-defined]
        gaps += [f"missing enum value {name}.{v}" for v in expected.values if v not in values]
    elif is_union_type(expected):
        members = {t.name for t in actual.types}  # type: ignore[attr-defined]
        gaps += [f"{name} is missing union member {t.name}" for t in expected.types if t.name not in members]
    return gaps


def _input_gaps(
    owner: str,
    what: str,
    expected: dict[str, GraphQLArgument] | dict[str, GraphQLInputField],
    actual: dict[str, GraphQLArgument] | dict[str, GraphQLInputField],
) -> list[str]:
    gaps: list[str] = []
    for name, value in expected.items():
        found = actual.get(name)
        if found is None:
            gaps.append(f"missing {what} {owner}({name})")
            continue
        if not input_compatible(value.type, found.type):
            gaps.append(f"{what} {owner}({name}) is {found.type} in the schema, stricter than {value.type}")
        wanted, given = _default(value), _default(found)
        if wanted is not None and wanted != given:
            gaps.append(f"{what} {owner}({name}) defaults to {given or 'nothing'}, the contract says {wanted}")
    for name, value in actual.items():
        if name not in expected and is_non_null_type(value.type) and _default(value) is None:
            gaps.append(f"{what} {owner}({name}) is required in the schema but not in the contract")
    return gaps


def _default(argument: GraphQLArgument | GraphQLInputField) -> str | None:
    node = argument.ast_node
    default = getattr(node, "default_value", None) if node else None
    return print_ast(default) if default is not None else None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    contract = Path(args[0]) if args else DEFAULT_CONTRACT
    schema = Path(args[1]) if len(args) > 1 else DEFAULT_SCHEMA
    gaps = check(contract.read_text(), schema.read_text())
    for gap in gaps:
        print(gap)
    print(f"{len(gaps)} gap(s) between {schema} and the contract {contract}", file=sys.stderr)
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main())
