"""Malformed import files through importCustomers: unreadable CSV is refused whole, bad rows are row errors.

Either way a row is stored whole or not at all, and a file that cannot be parsed
to its end stores nothing, not even the batches before the point where it breaks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from deploy.local.stack import Stack
from tests.integration.conftest import GraphQLClient, eventually, random_mobile
from tests.integration.profile_support import register
from tests.integration.test_profile_import_export import HEADER, customer_by_mobile, upload


@pytest.fixture(scope="module")
def stack(import_stack: Stack) -> Stack:
    """Imports run on a stack of their own (see conftest.import_stack)."""
    return import_stack


REPORT = """
query Job($id: ID!) {
  importJob(id: $id) {
    totalRows created updated invalid finished failure errors(first: 100) { line code message }
  }
}"""
FIRST_BATCH = 600  # more rows than one import batch (500) before the line that breaks the file


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60) as client:
        yield client


async def import_report(gateway: GraphQLClient, http: httpx.AsyncClient, content: str, dry_run: bool) -> Any:
    payload = (await upload(http, content.encode(), dry_run=dry_run))["data"]["importCustomers"]
    assert payload["userErrors"] == [], payload

    async def finished() -> dict[str, Any] | None:
        body = await gateway.execute(REPORT, id=payload["job"]["id"])
        job: dict[str, Any] | None = (body.get("data") or {}).get("importJob")
        return job if job and job["finished"] else None

    return await eventually(finished, within_seconds=60)


@pytest.mark.parametrize(
    ("breaking_row", "code"),
    [
        ("{mobile},Budi," + "x" * 140_000 + ",budi@example.com", "CELL_TOO_LARGE"),
        ('{mobile},"Budi,Santoso,budi@example.com', "UNCLOSED_QUOTE"),
    ],
)
async def test_a_file_unreadable_past_some_line_is_refused_with_that_line_and_nothing_is_stored(
    gateway: GraphQLClient, http: httpx.AsyncClient, breaking_row: str, code: str
) -> None:
    before = [random_mobile() for _ in range(FIRST_BATCH)]
    breaking, after = random_mobile(), random_mobile()
    lines = [
        HEADER,
        *(f"{m},Early{i},Row,early{i}@example.com" for i, m in enumerate(before)),
        breaking_row.format(mobile=breaking),
        f"{after},Late,Row,late@example.com",
    ]
    content = "\n".join(lines) + "\n"
    breaking_line = FIRST_BATCH + 2

    for dry_run in (True, False):
        report = await import_report(gateway, http, content, dry_run)
        assert {k: report[k] for k in ("totalRows", "created", "updated", "invalid")} == {
            "totalRows": 0,
            "created": 0,
            "updated": 0,
            "invalid": 0,
        }
        assert [(e["line"], e["code"]) for e in report["errors"]] == [(breaking_line, code)]
        assert report["failure"] == report["errors"][0]["message"]
        assert report["failure"].startswith(f"Line {breaking_line}: ")
        assert "nothing was imported" in report["failure"]
    for mobile in (before[0], before[FIRST_BATCH - 1], breaking, after):
        assert await customer_by_mobile(gateway, mobile) is None


async def test_rows_with_too_many_values_or_over_long_fields_are_refused_whole_and_the_rest_imports(
    gateway: GraphQLClient, http: httpx.AsyncClient
) -> None:
    existing = await register(gateway, firstName="Sari", lastName="Lama", email="sari@example.com")
    kept1, extra, long_name, long_cell, kept2 = (random_mobile() for _ in range(5))
    rows = [
        HEADER,
        f"{kept1},Ana,Putri,ana@example.com",
        f"{extra},Budi,Santoso,budi@example.com,surplus",
        f"{long_name},{'C' * 101},Dewi,citra@example.com",
        f"{long_cell},Dewi,Lestari,{'d' * 300}@example.com",
        f"{existing['profile']['mobile']},Sarah,{'L' * 101},sarah@example.com",
        f"{kept2},Eka,,eka@example.com",
    ]
    content = "\n".join(rows) + "\n"
    expected = {"totalRows": 6, "created": 2, "updated": 0, "invalid": 4, "failure": None}
    expected_errors = [(3, "WRONG_COLUMN_COUNT"), (4, "TOO_LONG"), (5, "TOO_LONG"), (6, "TOO_LONG")]

    dry = await import_report(gateway, http, content, dry_run=True)
    assert {k: dry[k] for k in expected} == expected
    assert [(e["line"], e["code"]) for e in dry["errors"]] == expected_errors
    assert "Expected 4 values, found 5" in dry["errors"][0]["message"]
    assert "firstName" in dry["errors"][1]["message"]
    assert await customer_by_mobile(gateway, kept1) is None

    real = await import_report(gateway, http, content, dry_run=False)
    assert {k: real[k] for k in expected} == expected
    assert [(e["line"], e["code"]) for e in real["errors"]] == expected_errors
    for refused in (extra, long_name, long_cell):
        assert await customer_by_mobile(gateway, refused) is None
    for mobile, name in ((kept1, "Ana"), (kept2, "Eka")):
        stored = await customer_by_mobile(gateway, mobile)
        assert stored is not None
        assert stored["profile"]["firstName"] == name
    unchanged = await customer_by_mobile(gateway, existing["profile"]["mobile"])
    assert unchanged is not None
    assert unchanged["profile"] == {
        "firstName": "Sari",
        "lastName": "Lama",
        "email": "sari@example.com",
        "status": "ACTIVE",
    }
