"""A query's estimated cost: every selected field costs 1, times the list sizes around it.

A field with a `first` or `limit` argument (given, from a variable, or its default)
returns up to that many items, so everything selected below it counts that many
times, nested multiplicatively: `customers(first: 50) { edges { node { purchases(first: 20)
{ edges { node { total } } } } } }` costs about 50 * 20 fields. Lists without such an
argument count once. Queries over the configured maximum are refused before any
backend is called.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_interface_type,
    is_object_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension

from gateway.errors import CodedError

SIZE_ARGUMENTS = ("first", "limit")


def estimate_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    named = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    operation = named[0] if named else None
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    coerced = get_variable_values(schema, operation.variable_definitions or (), dict(variables or {}))
    estimator = _Estimator(
        schema,
        {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)},
        coerced if isinstance(coerced, VariableValues) else None,
    )
    return estimator.selection_set(operation.selection_set, root, frozenset())


class _Estimator:
    def __init__(
        self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: VariableValues | None
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._variables = variables

    def selection_set(self, selections: SelectionSetNode, parent: GraphQLNamedType, seen: frozenset[str]) -> int:
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self._schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(selection.selection_set, target or parent, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                if fragment is None or name in seen:
                    continue
                target = self._schema.get_type(fragment.type_condition.name.value) or parent
                total += self.selection_set(fragment.selection_set, target, seen | {name})
        return total

    def _field(self, node: FieldNode, parent: GraphQLNamedType, seen: frozenset[str]) -> int:
        if not (is_object_type(parent) or is_interface_type(parent)):
            return 1
        definition = parent.fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return 1
        size = 1
        try:
            arguments = get_argument_values(definition, node, self._variables)
        except GraphQLError:
            arguments = {}
        for name in SIZE_ARGUMENTS:
            value = arguments.get(name)
            if isinstance(value, int) and value > 1:
                size = value
        return 1 + size * self.selection_set(node.selection_set, get_named_type(definition.type), seen)


class QueryCostLimit(SchemaExtension):
    """Refuses an operation whose estimated cost is over the configured maximum, before it runs."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        guards = getattr(context, "guards", None)
        document = self.execution_context.graphql_document
        if self.execution_context.result is None and guards is not None and document is not None:
            cost = estimate_cost(
                self.execution_context.schema._schema,
                document,
                self.execution_context.operation_name,
                self.execution_context.variables,
            )
            context.query_cost = cost
            if cost > guards.max_query_cost:
                error = CodedError(
                    "BAD_USER_INPUT",
                    f"The query is too expensive: its estimated cost {cost} is over the limit of "
                    f"{guards.max_query_cost}. Ask for fewer items (first/limit) or fewer fields.",
                )
                error.extensions = {**(error.extensions or {}), "cost": cost, "maxCost": guards.max_query_cost}
                self.execution_context.result = ExecutionResult(data=None, errors=[error])
        yield
