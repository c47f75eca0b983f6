"""Pure rules of the record: edits, status changes, erasure, attributes and search terms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from c360.errors import Conflict, DomainError, InvalidInput, NotFound, PreconditionFailed
from services.profile.domain.attributes import (
    AttributeDefinition,
    ValueType,
    checked_value,
    fixed_name,
    merged,
    new_definition,
)
from services.profile.domain.customer import Customer, CustomerStatus, ProfileRules, Registration, new_customer
from services.profile.domain.edits import CustomerEdit, apply_edit
from services.profile.domain.lifecycle import erased, live, reactivated, suspended
from services.profile.domain.search import SearchField, search_terms

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
RULES = ProfileRules(default_region="ID", customer_types=("REGULAR", "VIP"))


def customer(**overrides: Any) -> Customer:
    fields: dict[str, Any] = {"first_name": "Ana", "mobile": "081234567890", "email": "ana@example.com", **overrides}
    return new_customer(Registration(**fields), RULES, "c1", NOW, "ABC2345")


def edit(**fields: Any) -> CustomerEdit:
    return CustomerEdit(fields=frozenset(fields), **fields)


def test_an_edit_changes_only_named_fields_and_reports_what_really_changed() -> None:
    edited, changed = apply_edit(customer(), edit(email="Ana@Example.com", last_name="Putri"), RULES, NOW.date())
    assert changed == ["last_name"]
    assert (edited.email, edited.last_name, edited.first_name) == ("ana@example.com", "Putri", "Ana")


def test_an_edited_mobile_is_normalised_and_bad_values_are_refused() -> None:
    edited, changed = apply_edit(customer(), edit(mobile="+62 812-9999-0000"), RULES, NOW.date())
    assert (edited.mobile, changed) == ("+6281299990000", ["mobile"])
    for bad, code in [
        (edit(mobile="12"), "INVALID_MOBILE"),
        (edit(email="x@"), "INVALID_EMAIL"),
        (edit(customer_type="gold"), "UNKNOWN_CUSTOMER_TYPE"),
        (edit(first_name=None), "REQUIRED"),
        (edit(date_of_birth=date(1800, 1, 1)), "INVALID_DATE_OF_BIRTH"),
        (edit(gender="x" * 33), "TOO_LONG"),
        (CustomerEdit(fields=frozenset({"status"})), "UNKNOWN_FIELD"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            apply_edit(customer(), bad, RULES, NOW.date())
        assert refused.value.code == code


def test_suspension_and_reactivation_follow_the_status() -> None:
    paused = suspended(customer())
    assert paused.status is CustomerStatus.SUSPENDED
    with pytest.raises(PreconditionFailed):
        suspended(paused)
    assert reactivated(paused).status is CustomerStatus.ACTIVE
    with pytest.raises(PreconditionFailed):
        reactivated(customer())


def test_erasure_keeps_an_anonymous_tombstone_and_frees_the_mobile() -> None:
    full = customer(last_name="Putri", ext_ref="X1", gender="F")
    tombstone = erased(full)
    assert (tombstone.id, tombstone.status, tombstone.referral_code) == ("c1", CustomerStatus.DELETED, "ABC2345")
    assert tombstone.mobile == "~c1"
    assert not any([tombstone.first_name, tombstone.last_name, tombstone.email, tombstone.ext_ref, tombstone.gender])
    with pytest.raises(NotFound):
        live(tombstone, "c1")


def test_select_list_values_must_be_options_and_redefinition_only_adds_options() -> None:
    sizes = new_definition("shoeSize", ValueType.SELECT_LIST, ["40", "41", "40"])
    assert sizes.options == ("40", "41")
    assert checked_value(sizes, "shoeSize", "41") == "41"
    assert checked_value(sizes, "shoeSize", "") is None
    with pytest.raises(InvalidInput) as refused:
        checked_value(sizes, "shoeSize", "46")
    assert refused.value.code == "INVALID_OPTION"
    with pytest.raises(NotFound):
        checked_value(None, "colour", "red")
    assert merged(sizes, new_definition("shoeSize", ValueType.SELECT_LIST, ["46"])).options == ("40", "41", "46")
    with pytest.raises(Conflict):
        merged(sizes, AttributeDefinition("shoeSize", ValueType.FREE_TEXT))
    with pytest.raises(Conflict):
        new_definition("date_of_birth", ValueType.FREE_TEXT, [])
    assert fixed_name("maritalStatus") == fixed_name("marital_status") == "maritalStatus"


@pytest.mark.parametrize(
    ("query", "field", "expected"),
    [
        ("ANA", SearchField.NAME, {"name_prefix": "ana"}),
        ("0812-3456-7890", SearchField.MOBILE, {"mobile": "+6281234567890"}),
        ("Ana@Example.com", SearchField.EMAIL, {"email": "ana@example.com"}),
        ("vip=yes", SearchField.TAG, {"tag": ("vip", "yes")}),
    ],
)
def test_a_query_is_read_as_the_field_asks(query: str, field: SearchField, expected: dict[str, Any]) -> None:
    terms = search_terms(query, field, "ID")
    assert {k: v for k, v in vars(terms).items() if v is not None} == expected


def test_any_reads_a_query_every_way_it_can_and_bad_queries_are_refused() -> None:
    terms = search_terms("081234567890", SearchField.ANY, "ID")
    assert (terms.mobile, terms.ext_ref, terms.name_prefix) == ("+6281234567890", "081234567890", "081234567890")
    for query, field in [("", SearchField.ANY), ("abc", SearchField.MOBILE), ("novalue", SearchField.TAG)]:
        with pytest.raises(DomainError):
            search_terms(query, field, "ID")
