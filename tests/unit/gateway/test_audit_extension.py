"""The audit extension: what it records for each outcome, and that a failed write never fails the mutation."""

from __future__ import annotations

import logging

import pytest
import strawberry

from gateway.audit import AuditEntry, AuditLog
from gateway.audit_extension import AuditMutations, target_of
from gateway.errors import CodedError
from gateway.features.common import UserError


@strawberry.type
class Thing:
    id: strawberry.ID


@strawberry.type
class Payload:
    customer: Thing | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def make_thing(self, name: str) -> Payload:
        if name == "refuse":
            return Payload(user_errors=[UserError(field=["name"], code="NAME_TAKEN", message="Taken.")])
        if name == "forbid":
            raise CodedError("FORBIDDEN", "No.")
        return Payload(customer=Thing(id=strawberry.ID("t-1")))

    @strawberry.mutation
    def rename_thing(self, id: strawberry.ID, name: str) -> Payload:
        return Payload()


@strawberry.type
class Query:
    hello: str = "hi"


class RecordingAuditLog:
    def __init__(self, fail: bool = False) -> None:
        self.entries: list[AuditEntry] = []
        self.fail = fail

    async def record(self, entry: AuditEntry) -> None:
        if self.fail:
            raise ConnectionError("audit store down")
        self.entries.append(entry)


class Context:
    def __init__(self, audit: RecordingAuditLog) -> None:
        self.audit: AuditLog = audit  # type: ignore[assignment]

    def actor(self) -> str:
        return "ana"


SCHEMA = strawberry.Schema(query=Query, mutation=Mutation, extensions=[AuditMutations])


async def run(audit: RecordingAuditLog, query: str) -> strawberry.types.ExecutionResult:
    return await SCHEMA.execute(query, context_value=Context(audit))


async def test_success_user_errors_and_errors_are_recorded_with_actor_operation_and_target() -> None:
    audit = RecordingAuditLog()
    await run(audit, 'mutation Make { makeThing(name: "a") { customer { id } } }')
    await run(audit, 'mutation { makeThing(name: "refuse") { customer { id } } }')  # userErrors not even selected
    await run(audit, 'mutation { makeThing(name: "forbid") { customer { id } } }')
    await run(audit, 'mutation { renameThing(id: "t-9", name: "b") { customer { id } } }')
    assert [(e.actor, e.operation, e.operation_name, e.target, e.outcome, e.codes) for e in audit.entries] == [
        ("ana", "makeThing", "Make", "t-1", "OK", []),
        ("ana", "makeThing", None, None, "USER_ERRORS", ["NAME_TAKEN"]),
        ("ana", "makeThing", None, None, "ERROR", ["FORBIDDEN"]),
        ("ana", "renameThing", None, "t-9", "OK", []),
    ]


async def test_queries_are_not_audited() -> None:
    audit = RecordingAuditLog()
    await run(audit, "{ hello }")
    assert audit.entries == []


async def test_a_failed_audit_write_is_logged_and_the_mutation_still_answers(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="gateway.audit_extension"):
        result = await run(RecordingAuditLog(fail=True), 'mutation { makeThing(name: "a") { customer { id } } }')
    assert result.errors is None
    assert result.data == {"makeThing": {"customer": {"id": "t-1"}}}
    [record] = caplog.records
    assert "audit write failed" in record.getMessage()
    assert record.exc_info is not None


def test_the_target_is_the_first_id_like_argument_then_the_input_then_the_result() -> None:
    assert target_of({"customerId": "c-1", "listId": "l-1"}) == "c-1"
    assert target_of({"input": {"customerId": "c-2", "points": 5}}) == "c-2"
    assert target_of({"code": "CPN-1", "remark": "x"}) == "CPN-1"
    assert target_of({"input": {"firstName": "Ana"}}, Payload(customer=None)) is None
