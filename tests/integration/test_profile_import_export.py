"""Bulk CSV import (GraphQL multipart upload and CLI) and the streamed CSV export (HTTP endpoint and CLI)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from customer360.events.v1 import profile_events_pb2
from pymongo import AsyncMongoClient

from c360.kafka.publisher import KafkaPublisher
from deploy.local.stack import Stack
from services.profile.adapters.customer_documents import to_document
from services.profile.adapters.import_outbox import ImportOutbox
from services.profile.app.import_customers import ImportCustomers, registration_rebuilder
from services.profile.domain.customer import ProfileRules, Registration, new_customer
from services.profile.proto_mapping import customer_registered
from tests.integration.conftest import GraphQLClient, eventually, random_mobile, token
from tests.integration.profile_support import domain_events, profile_of, register


@pytest.fixture(scope="module")
def stack(import_stack: Stack) -> Stack:
    """Imports run on a stack of their own (see conftest.import_stack)."""
    return import_stack


IMPORT = """
mutation Import($file: Upload!, $dryRun: Boolean) {
  importCustomers(file: $file, dryRun: $dryRun) { job { id dryRun finished } userErrors { field code message } }
}"""
JOB = """
query Job($id: ID!) {
  importJob(id: $id) { id dryRun totalRows created updated invalid finished errors(first: 100) { line code message } }
}"""
BY_MOBILE = "query($m: String!) { customerByMobile(mobile: $m) { id profile { firstName lastName email status } } }"
HEADER = "mobile,first_name,last_name,email"


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60) as client:
        yield client


async def upload(http: httpx.AsyncClient, content: bytes, dry_run: bool, role: str = "ADMIN") -> dict[str, Any]:
    operations = {"query": IMPORT, "variables": {"file": None, "dryRun": dry_run}}
    reply = await http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("customers.csv", content, "text/csv")},
        headers={"Authorization": f"Bearer {token('admin-ada', (role,))}"},
    )
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


async def finished_job(gateway: GraphQLClient, job_id: str) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        body = await gateway.execute(JOB, id=job_id)
        job: dict[str, Any] | None = (body.get("data") or {}).get("importJob")  # a busy store may miss a deadline
        return job if job and job["finished"] else None

    result: dict[str, Any] = await eventually(done, within_seconds=60)
    return result


async def customer_by_mobile(gateway: GraphQLClient, mobile: str) -> dict[str, Any] | None:
    view: dict[str, Any] | None = (await gateway.execute(BY_MOBILE, m=mobile))["data"]["customerByMobile"]
    return view


def local(mobile: str) -> str:
    return "0" + mobile.removeprefix("+62")


async def test_dry_run_reports_counts_and_line_numbered_reasons_and_changes_nothing_then_the_real_run_does_it(
    gateway: GraphQLClient, http: httpx.AsyncClient
) -> None:
    existing = await register(gateway, firstName="Anna", email="anna@example.com")
    await gateway.execute(
        'mutation($id: ID!) { setOptIn(customerId: $id, campaign: "newsletter", optedIn: true) { customer { id } } }',
        id=existing["id"],
    )
    await gateway.execute(
        'mutation($id: ID!) { suspendCustomer(id: $id, reason: "check") { customer { id } } }', id=existing["id"]
    )
    new1, new2, new3, new4 = (random_mobile() for _ in range(4))
    rows = [
        HEADER,
        f"{local(existing['profile']['mobile'])},Anna,Updated,Anna.New@Example.com",
        f"{new1},Budi,,budi@example.com",
        "",
        f"{new2},Citra,,citra@example.com",
        "not-a-phone,Dewi,,",
        f"{new3},Eka,,eka@",
        f"{new4},,,",
        f"{local(new1)},Budiman,Santoso,",
    ]
    content = "\ufeff" + "\r\n".join(rows) + "\r\n"
    expected = {"totalRows": 7, "created": 2, "updated": 2, "invalid": 3}
    expected_errors = [
        (6, "INVALID_MOBILE"),
        (7, "INVALID_EMAIL"),
        (8, "REQUIRED"),
        (9, "DUPLICATE_IN_FILE"),
    ]

    dry = (await upload(http, content.encode(), dry_run=True))["data"]["importCustomers"]
    assert dry["userErrors"] == []
    report = await finished_job(gateway, dry["job"]["id"])
    assert {k: report[k] for k in expected} == expected
    assert report["dryRun"] is True
    assert [(e["line"], e["code"]) for e in report["errors"]] == expected_errors
    assert "line 3" in report["errors"][-1]["message"]
    assert await customer_by_mobile(gateway, new1) is None
    assert (await customer_by_mobile(gateway, existing["profile"]["mobile"]) or {})["profile"]["lastName"] is None

    real = (await upload(http, content.encode(), dry_run=False))["data"]["importCustomers"]
    report = await finished_job(gateway, real["job"]["id"])
    assert {k: report[k] for k in expected} == expected
    assert [(e["line"], e["code"]) for e in report["errors"]] == expected_errors

    updated = await customer_by_mobile(gateway, existing["profile"]["mobile"])
    assert updated is not None
    assert updated["profile"] == {
        "firstName": "Anna",
        "lastName": "Updated",
        "email": "anna.new@example.com",
        "status": "SUSPENDED",
    }
    consent = await gateway.execute(
        "query($id: ID!) { customer360(id: $id) { profile { optIns { campaign optedIn } } } }", id=existing["id"]
    )
    assert consent["data"]["customer360"]["profile"]["optIns"] == [{"campaign": "newsletter", "optedIn": True}]
    budi = await customer_by_mobile(gateway, new1)
    assert budi is not None
    assert (budi["profile"]["firstName"], budi["profile"]["lastName"]) == ("Budiman", "Santoso")
    assert await customer_by_mobile(gateway, new2) is not None
    for refused in (new3, new4):
        assert await customer_by_mobile(gateway, refused) is None


async def test_files_with_a_wrong_header_encoding_or_no_rows_are_refused_whole(
    gateway: GraphQLClient, http: httpx.AsyncClient
) -> None:
    mobile = random_mobile()
    cases = [
        (f"phone,name\n{mobile},Ana\n".encode(), "INVALID_HEADER"),
        (f"{HEADER},mobile\n{mobile},Ana,,,{mobile}\n".encode(), "INVALID_HEADER"),
        (f"{HEADER}\n{mobile},José,,\n".encode("latin-1"), "INVALID_ENCODING"),
        (b"", "EMPTY_FILE"),
        (b"\n\n", "EMPTY_FILE"),
    ]
    for content, code in cases:
        payload = (await upload(http, content, dry_run=False))["data"]["importCustomers"]
        assert (payload["job"], [e["code"] for e in payload["userErrors"]]) == (None, [code]), content
    assert await customer_by_mobile(gateway, mobile) is None
    refused = await upload(http, f"{HEADER}\n{mobile},Ana,,\n".encode(), dry_run=False, role="AGENT")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_thousand_rows_import_in_bulk_batches(gateway: GraphQLClient, http: httpx.AsyncClient) -> None:
    mobiles = [random_mobile() for _ in range(1200)]
    lines = [HEADER, *(f"{m},Bulk{i},Test,bulk{i}@example.com" for i, m in enumerate(mobiles))]
    payload = (await upload(http, ("\n".join(lines) + "\n").encode(), dry_run=False))["data"]["importCustomers"]
    report = await finished_job(gateway, payload["job"]["id"])
    assert report["totalRows"] == 1200
    assert report["created"] + report["updated"] == 1200  # random mobiles may, rarely, exist already
    assert report["invalid"] == 0
    last = await customer_by_mobile(gateway, mobiles[-1])
    assert last is not None
    assert last["profile"]["firstName"] == "Bulk1199"


async def test_export_streams_every_live_customer_as_csv_to_admins_only(
    gateway: GraphQLClient, http: httpx.AsyncClient
) -> None:
    kept = await register(gateway, firstName="Exported", extRef=f"X-{random_mobile()[-8:]}")
    erased = await register(gateway, firstName="Erased")
    await gateway.execute(
        'mutation($id: ID!) { deleteCustomer(id: $id, reason: "asked") { deletedId } }', id=erased["id"]
    )

    async def erasure_done() -> bool:  # a busy store may answer after the request's deadline
        return await profile_of(gateway, erased["id"]) is None

    await eventually(erasure_done)
    admin = {"Authorization": f"Bearer {token('admin-ada', ('ADMIN',))}"}
    async with http.stream("GET", "/exports/customers.csv", headers=admin) as reply:
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("text/csv")
        text = (await reply.aread()).decode()
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows[kept["id"]]["mobile"] == kept["profile"]["mobile"]
    assert rows[kept["id"]]["first_name"] == "Exported"
    assert erased["id"] not in rows

    template = await http.get("/exports/customers-template.csv", headers=admin)
    assert template.text.startswith("mobile,first_name,last_name,email,customer_type,ext_ref")
    viewer = {"Authorization": f"Bearer {token('viewer-vi', ('VIEWER',))}"}
    assert (await http.get("/exports/customers.csv", headers=viewer)).status_code == 403
    assert (await http.get("/exports/customers.csv")).status_code == 401


async def test_the_cli_prints_the_template_imports_and_exports_over_grpc(
    gateway: GraphQLClient, stack: Stack, tmp_path: Any
) -> None:
    env = {**os.environ, "C360_PROFILE_GRPC_ADDRESS": stack.config.address("profile")}

    async def cli(*args: str) -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "services.profile.cli", *args, env=env, stdout=subprocess.PIPE
        )
        out, _ = await process.communicate()
        assert process.returncode == 0, out
        return out.decode()

    assert (await cli("template")).startswith("mobile,first_name")
    mobile = random_mobile()
    source = tmp_path / "customers.csv"
    source.write_text(f"{HEADER}\n{mobile},Cli,Person,cli@example.com\nbad,Nope,,\n")
    dry = await cli("import", str(source), "--dry-run", "--wait")
    assert "1 created, 0 updated, 1 rejected" in dry
    assert "line 3: INVALID_MOBILE" in dry
    assert await customer_by_mobile(gateway, mobile) is None
    await cli("import", str(source), "--wait")
    created = await customer_by_mobile(gateway, mobile)
    assert created is not None
    exported = tmp_path / "out.csv"
    await cli("export", str(exported))
    assert created["id"] in exported.read_text()


async def test_mobiles_are_found_by_their_keys_even_when_a_key_went_stale_and_a_moved_mobile_frees_its_key(
    gateway: GraphQLClient, http: httpx.AsyncClient, stack: Stack, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    keys = mongo[f"{stack.config.database_prefix}profile"]["customer_keys"]
    moved, stale = await register(gateway, firstName="Mira"), await register(gateway, firstName="Sita")
    old_mobile, new_mobile = moved["profile"]["mobile"], random_mobile()
    await gateway.execute(
        "mutation($id: ID!, $m: String!) { updateCustomer(id: $id, input: {mobile: $m}) { customer { id } } }",
        id=moved["id"],
        m=new_mobile,
    )
    # A key left pointing elsewhere (as a crash between a claim and the write can leave it).
    stale_key = f"mobile:{stale['profile']['mobile']}"
    await keys.update_one({"_id": stale_key}, {"$set": {"owner": "someone-else"}})

    assert await keys.find_one({"_id": f"mobile:{old_mobile}"}) is None  # the number left with its owner
    assert (await customer_by_mobile(gateway, new_mobile) or {}).get("id") == moved["id"]
    assert await customer_by_mobile(gateway, old_mobile) is None
    assert (await customer_by_mobile(gateway, stale["profile"]["mobile"]) or {}).get("id") == stale["id"]
    assert (await keys.find_one({"_id": stale_key}) or {}).get("owner") == stale["id"]  # settled, re-pointed

    await keys.update_one({"_id": stale_key}, {"$set": {"owner": "someone-else"}})
    rows = [HEADER, f"{local(stale['profile']['mobile'])},Sita,Imported,", f"{local(old_mobile)},Lena,,"]
    payload = (await upload(http, ("\n".join(rows) + "\n").encode(), dry_run=False))["data"]["importCustomers"]
    report = await finished_job(gateway, payload["job"]["id"])
    assert {k: report[k] for k in ("created", "updated", "invalid")} == {"created": 1, "updated": 1, "invalid": 0}
    assert ((await customer_by_mobile(gateway, stale["profile"]["mobile"])) or {}).get("id") == stale["id"]
    lena = await customer_by_mobile(gateway, old_mobile)
    assert lena is not None
    assert lena["id"] != moved["id"]
    assert (await keys.find_one({"_id": f"mobile:{old_mobile}"}) or {}).get("owner") == lena["id"]


async def test_a_batch_interrupted_after_staging_publishes_the_events_of_its_written_customers_on_recovery(
    stack: Stack, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    database = mongo[f"{stack.config.database_prefix}recover_{uuid.uuid4().hex[:8]}"]
    topic = f"recover-{uuid.uuid4().hex[:8]}"
    full_topic = f"{stack.config.topic_prefix}{topic}"
    publisher = KafkaPublisher(stack.config.kafka_bootstrap, "recover-test")
    await publisher.start()
    try:
        outbox = ImportOutbox(database, database["customers"], publisher, registration_rebuilder(full_topic))
        imports = ImportCustomers(None, None, outbox, ProfileRules(), full_topic, None)  # type: ignore[arg-type]
        now = datetime.now(UTC).replace(microsecond=0)
        people = [
            new_customer(Registration(first_name=name, mobile=random_mobile()), ProfileRules(), name, now, f"R{name}")
            for name in ("ana", "ben", "cid")
        ]
        events = [imports._event(c, customer_registered(c), "import:j9", now) for c in people]
        await outbox.stage("batch-1", events, "import:j9", now)
        await database["customers"].insert_many([to_document(c) for c in people[:2]])  # cid's row never got written
        await database["customers"].update_one({"_id": "ben"}, {"$set": {"first_name": "Benedict"}})

        await outbox.recover()  # what the service does when it starts again
    finally:
        await publisher.stop()

    assert await database["import_outbox"].find_one({"_id": "batch-1"}) is None
    for customer, event, name in ((people[0], events[0], "ana"), (people[1], events[1], "Benedict")):
        published = await domain_events(stack, topic, customer.id, profile_events_pb2.CustomerRegistered)
        assert [(e.event_id, e.actor, p.customer.first_name) for e, p in published] == [
            (event.event_id, "import:j9", name)
        ]
    assert await domain_events(stack, topic, "cid", profile_events_pb2.CustomerRegistered, within_seconds=1) == []
