"""The CSV rules: header, rows, and how a batch plans creates, updates and row errors."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from c360.errors import InvalidInput
from services.profile.domain.csv_format import IMPORT_COLUMNS, checked_header, parse_row
from services.profile.domain.customer import ProfileRules, Registration, new_customer
from services.profile.domain.import_plan import BatchPlanner, RowError

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
RULES = ProfileRules()
COLUMNS = ["mobile", "first_name", "email"]


def planner() -> BatchPlanner:
    ids = (f"id{i}" for i in itertools.count())
    return BatchPlanner(RULES, "import:j1", lambda: next(ids), lambda: "ABC2345")


def row(line: int, mobile: str, name: str = "", email: str = "") -> object:
    try:
        return parse_row(line, COLUMNS, [mobile, name, email], RULES, NOW.date())
    except InvalidInput as refused:
        return RowError(line, refused.code, refused.message)


def test_the_header_needs_known_columns_each_once_with_mobile() -> None:
    assert checked_header([" Mobile", "FIRST_NAME "]) == ["mobile", "first_name"]
    assert checked_header(list(IMPORT_COLUMNS)) == list(IMPORT_COLUMNS)
    for bad in (["phone"], ["first_name"], ["mobile", "mobile"], ["mobile", "points"]):
        with pytest.raises(InvalidInput) as refused:
            checked_header(bad)
        assert refused.value.code == "INVALID_HEADER"


def test_rows_are_validated_with_their_own_codes() -> None:
    assert isinstance(row(2, "081234567890", "Ana"), object)
    assert row(3, "nope", "Ana") == RowError(3, "INVALID_MOBILE", "Mobile 'nope' is not a phone number.")
    bad_email = row(4, "081234567890", "Ana", "a@")
    assert isinstance(bad_email, RowError)
    assert bad_email.code == "INVALID_EMAIL"
    with pytest.raises(InvalidInput) as short:
        parse_row(5, COLUMNS, ["081234567890"], RULES, NOW.date())
    assert short.value.code == "WRONG_COLUMN_COUNT"


def test_a_batch_creates_new_mobiles_updates_known_ones_and_the_later_duplicate_wins() -> None:
    known = new_customer(Registration(first_name="Old", mobile="081200000001"), RULES, "k1", NOW, "XYZ2345")
    rows = [
        row(2, "081200000001", "Anna", "anna@example.com"),
        row(3, "081200000002", "Budi"),
        row(4, "081200000003"),
        row(5, "081200000002", "Budiman"),
        row(6, "bad"),
    ]
    plan = planner().plan(rows, {known.mobile: known}, NOW)
    assert (plan.created_count, plan.updated_count, plan.invalid_count) == (1, 2, 2)
    assert plan.created["+6281200000002"][0].first_name == "Budiman"
    updated, changed = plan.updated["+6281200000001"]
    assert (updated.first_name, updated.email, updated.status, changed) == (
        "Anna",
        "anna@example.com",
        known.status,
        ["first_name", "email"],
    )
    assert [(e.line, e.code) for e in sorted(plan.errors, key=lambda e: e.line)] == [
        (4, "REQUIRED"),
        (5, "DUPLICATE_IN_FILE"),
        (6, "INVALID_MOBILE"),
    ]


def test_duplicates_across_batches_count_the_same_in_a_dry_run() -> None:
    dry = planner()
    first = dry.plan([row(2, "081200000009", "Eka")], {}, NOW)
    second = dry.plan([row(900, "081200000009", "Eka B")], {}, NOW)
    assert (first.created_count, second.updated_count) == (1, 1)
    assert second.errors[0].code == "DUPLICATE_IN_FILE"
    assert not second.created
    assert not second.updated


def test_new_customers_take_the_id_their_mobile_was_keyed_to_and_others_draw_one() -> None:
    rows = [row(2, "081200000021", "Ana"), row(3, "081200000022", "Ben")]
    plan = planner().plan(rows, {}, NOW, ids={"+6281200000021": "claimed-ana"})
    assert {mobile: customer.id for mobile, (customer, _line) in plan.created.items()} == {
        "+6281200000021": "claimed-ana",
        "+6281200000022": "id0",
    }
