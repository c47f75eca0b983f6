"""The total a partner sends must match its items less its discounts, give or take the configured tolerance."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from services.loyalty.bootstrap import purchase_schema_check
from services.loyalty.domain.purchase import (
    CustomerRef,
    Discount,
    InvalidPurchase,
    PurchaseEvent,
    PurchaseItem,
    check_business_rules,
    parse_purchase,
)
from tests.unit.loyalty.test_purchase_parsing import EXAMPLE

TOLERANCE = Decimal("1.00")
LATTES = (PurchaseItem("LATTE", 2, Decimal("45000")), PurchaseItem("CROIS", 1, Decimal("95000")))  # 185000


def sale(total: str, *discounts: Discount, kind: str = "SALE") -> PurchaseEvent:
    return PurchaseEvent(
        event_id="e1",
        partner_id="pos",
        transaction_id="TX1",
        occurred_at=datetime(2026, 11, 20, tzinfo=UTC),
        customer=CustomerRef(customer_id="c1"),
        total=Decimal(total),
        currency="IDR",
        items=LATTES,
        kind=kind,
        discounts=discounts,
    )


def test_a_total_equal_to_the_items_is_accepted() -> None:
    check_business_rules(sale("185000"), TOLERANCE)


@pytest.mark.parametrize("total", ["185001.00", "184999.00", "185000.50"])
def test_a_total_off_by_no_more_than_the_tolerance_is_accepted(total: str) -> None:
    check_business_rules(sale(total), TOLERANCE)


def test_a_discounted_sale_whose_total_is_the_items_less_the_discounts_is_accepted() -> None:
    check_business_rules(sale("160000", Discount("member", "20000"), Discount("coupon", "5000")), TOLERANCE)


def test_a_discount_written_as_a_negative_amount_is_still_money_off() -> None:
    check_business_rules(sale("165000", Discount("member", "-20000")), TOLERANCE)


def test_a_discounted_sale_within_the_tolerance_of_the_items_less_the_discounts_is_accepted() -> None:
    check_business_rules(sale("164999.25", Discount("member", "20000")), TOLERANCE)


@pytest.mark.parametrize("total", ["185001.01", "184998.99", "5000"])
def test_a_total_beyond_the_tolerance_of_the_items_is_a_mismatch(total: str) -> None:
    with pytest.raises(InvalidPurchase, match=r"^total mismatch"):
        check_business_rules(sale(total), TOLERANCE)


def test_a_sale_charging_the_full_price_despite_a_discount_is_a_mismatch() -> None:
    with pytest.raises(InvalidPurchase, match=r"^total mismatch: total 185000 but .* add up to 165000"):
        check_business_rules(sale("185000", Discount("member", "20000")), TOLERANCE)


def test_a_discount_beyond_the_tolerance_of_the_total_is_a_mismatch() -> None:
    with pytest.raises(InvalidPurchase, match=r"^total mismatch"):
        check_business_rules(sale("160000", Discount("member", "20000")), TOLERANCE)


def test_the_tolerance_is_the_configured_one() -> None:
    check_business_rules(sale("185004"), Decimal(5))
    with pytest.raises(InvalidPurchase, match=r"^total mismatch"):
        check_business_rules(sale("185001"), Decimal(0))


def test_a_return_is_checked_on_its_amount_whatever_its_sign() -> None:
    check_business_rules(sale("-165000", Discount("member", "20000"), kind="RETURN"), TOLERANCE)
    with pytest.raises(InvalidPurchase, match=r"^total mismatch"):
        check_business_rules(sale("-185000", Discount("member", "20000"), kind="RETURN"), TOLERANCE)


def test_an_unreadable_discount_amount_is_refused_and_a_missing_one_takes_nothing_off() -> None:
    with pytest.raises(InvalidPurchase, match=r"^unreadable value: discount amount"):
        check_business_rules(sale("165000", Discount("member", "20.000,00")), TOLERANCE)
    with pytest.raises(InvalidPurchase, match=r"^unreadable value: discount amount"):
        check_business_rules(sale("165000", Discount("member", "NaN")), TOLERANCE)
    check_business_rules(sale("185000", Discount("free bag", "")), TOLERANCE)


def test_the_partner_example_with_a_discount_parses_and_passes_the_total_check() -> None:
    event = json.loads(EXAMPLE.read_text())
    event.update(total="165000.00", discounts=[{"description": "member", "amount": "20000.00"}])
    purchase = parse_purchase(json.dumps(event).encode(), purchase_schema_check())
    assert purchase.discounts == (Discount("member", "20000.00"),)
    check_business_rules(purchase, TOLERANCE)
