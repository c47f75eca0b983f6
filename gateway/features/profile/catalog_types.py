"""Attribute definitions, static lists and import jobs as clients see them."""

from __future__ import annotations

from enum import Enum

import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.features.common import UserError
from gateway.features.profile.types import CustomerList


@strawberry.enum
class AttributeValueType(Enum):
    FREE_TEXT = "FREE_TEXT"
    SELECT_LIST = "SELECT_LIST"


@strawberry.type
class AttributeDefinition:
    name: str
    value_type: AttributeValueType
    options: list[str]
    fixed: bool

    @classmethod
    def of(cls, d: profile_pb2.AttributeDefinition) -> AttributeDefinition:
        value_type = profile_pb2.AttributeValueType.Name(d.value_type).removeprefix("ATTRIBUTE_VALUE_TYPE_")
        return cls(name=d.name, value_type=AttributeValueType(value_type), options=list(d.options), fixed=d.fixed)


@strawberry.input
class DefineAttributeInput:
    name: str
    value_type: AttributeValueType
    options: list[str] | None = None


@strawberry.type
class AttributeDefinitionPayload:
    definition: AttributeDefinition | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CustomerListPayload:
    customer_list: CustomerList | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ImportRowError:
    line: int
    code: str
    message: str


@strawberry.type
class ImportJob:
    job: strawberry.Private[profile_pb2.ImportJob]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.job.id)

    @strawberry.field
    def dry_run(self) -> bool:
        return self.job.dry_run

    @strawberry.field
    def total_rows(self) -> int:
        return self.job.total_rows

    @strawberry.field
    def created(self) -> int:
        return self.job.created

    @strawberry.field
    def updated(self) -> int:
        return self.job.updated

    @strawberry.field
    def invalid(self) -> int:
        return self.job.invalid

    @strawberry.field(description="Row errors and notes (e.g. DUPLICATE_IN_FILE), by line.")
    def errors(self, first: int | None = 50) -> list[ImportRowError]:
        rows = self.job.errors[: max(0, first if first is not None else 50)]
        return [ImportRowError(line=e.line, code=e.code, message=e.message) for e in rows]

    @strawberry.field
    def finished(self) -> bool:
        return self.job.finished

    @strawberry.field(
        description="Why the import stopped before its end (e.g. a file that is not readable CSV), else null."
    )
    def failure(self) -> str | None:
        return self.job.failure or None


@strawberry.type
class ImportPayload:
    job: ImportJob | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
