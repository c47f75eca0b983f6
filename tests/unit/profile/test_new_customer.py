from datetime import UTC, date, datetime
from typing import Any

import pytest

from c360.errors import InvalidInput
from services.profile.domain.customer import (
    REFERRAL_ALPHABET,
    REFERRAL_CODE_LENGTH,
    Address,
    Customer,
    CustomerStatus,
    ProfileRules,
    Registration,
    new_customer,
    new_referral_code,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
RULES = ProfileRules(default_region="ID", customer_types=("REGULAR", "VIP"))


def register(**overrides: Any) -> Customer:
    fields: dict[str, Any] = {"first_name": "Ana", "mobile": "0812 3456 7890", **overrides}
    return new_customer(Registration(**fields), RULES, "c1", NOW, "ABC2345")


def test_new_customer_is_active_with_normalised_contacts_and_default_type() -> None:
    customer = register(email="ANA@Example.com", last_name="  Putri ")
    assert customer.status is CustomerStatus.ACTIVE
    assert customer.mobile == "+6281234567890"
    assert customer.email == "ana@example.com"
    assert customer.last_name == "Putri"
    assert customer.customer_type == "REGULAR"
    assert customer.member_since == NOW


def test_first_name_is_required_from_people_but_not_from_a_partner_till() -> None:
    with pytest.raises(InvalidInput) as refused:
        register(first_name="  ")
    assert refused.value.code == "REQUIRED"
    assert register(first_name="", source="partner:pos-1").first_name == ""


def test_unknown_customer_type_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        register(customer_type="platinum")
    assert refused.value.code == "UNKNOWN_CUSTOMER_TYPE"
    assert register(customer_type="vip").customer_type == "VIP"


def test_oversized_text_is_refused_not_truncated() -> None:
    with pytest.raises(InvalidInput) as refused:
        register(first_name="A" * 101)
    assert refused.value.code == "TOO_LONG"
    with pytest.raises(InvalidInput):
        register(address=Address(street="x" * 500))


def test_birth_date_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        register(date_of_birth=date(2030, 1, 1))
    assert refused.value.code == "INVALID_DATE_OF_BIRTH"


def test_referral_codes_use_only_unambiguous_characters() -> None:
    codes = {new_referral_code() for _ in range(200)}
    assert len(codes) > 190
    assert all(set(code) <= set(REFERRAL_ALPHABET) for code in codes)
    assert not set("01OIL") & set(REFERRAL_ALPHABET)


def test_referral_codes_draw_every_position_from_the_whole_alphabet() -> None:
    codes = [new_referral_code() for _ in range(3000)]
    assert {len(code) for code in codes} == {REFERRAL_CODE_LENGTH}
    for position in range(REFERRAL_CODE_LENGTH):
        assert {code[position] for code in codes} == set(REFERRAL_ALPHABET)
