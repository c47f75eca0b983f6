import json
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from services.loyalty.bootstrap import purchase_schema_check
from services.loyalty.domain.purchase import InvalidPurchase, parse_purchase

EXAMPLE = Path(__file__).resolve().parents[3].parent / "shared" / "contracts" / "purchase-event.example.json"
CHECK = purchase_schema_check()


def example(**changes: object) -> bytes:
    event = json.loads(EXAMPLE.read_text())
    event.update(changes)
    return json.dumps(event).encode()


def test_the_partner_example_parses_into_typed_values() -> None:
    purchase = parse_purchase(example(), CHECK)
    assert purchase.purchase_id == "pos-jakarta:TX-2026-000123"
    assert purchase.total == Decimal("185000.00")
    assert purchase.customer.mobile == "+6281234567890"
    assert purchase.items[0].unit_price == Decimal("45000.00")
    assert purchase.coupon_codes == ("WELCOME-7K2Q9",)
    assert purchase.kind == "SALE"


def test_bytes_that_are_not_json_are_invalid() -> None:
    with pytest.raises(InvalidPurchase, match="not JSON"):
        parse_purchase(b"{not json", CHECK)
    with pytest.raises(InvalidPurchase, match="not JSON"):
        parse_purchase(b"\xff\xfe", CHECK)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"total": "12,50"}, "total"),
        ({"currency": "rupiah"}, "currency"),
        ({"customer": {}}, "customer"),
        ({"items": [{"sku": "A", "quantity": -1, "unit_price": "1"}]}, "items/0/quantity"),
        ({"event_id": ""}, "event_id"),
    ],
)
def test_schema_violations_name_the_offending_field(change: dict[str, object], where: str) -> None:
    with pytest.raises(InvalidPurchase, match=f"schema violation: {where}"):
        parse_purchase(example(**change), CHECK)


def test_missing_required_field_is_a_schema_violation() -> None:
    event = json.loads(example())
    del event["transaction_id"]
    with pytest.raises(InvalidPurchase, match="transaction_id"):
        parse_purchase(json.dumps(event).encode(), CHECK)


def test_time_without_zone_is_refused() -> None:
    with pytest.raises(InvalidPurchase, match="time zone"):
        parse_purchase(example(occurred_at="2026-11-20T09:15:00"), CHECK)


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"total": "12,50"},
        {"total": 12},
        {"currency": "idr"},
        {"currency": "IDRX"},
        {"occurred_at": 5},
        {"items": "none"},
        {"items": [{"sku": "A", "quantity": "two", "unit_price": "1"}]},
        {"items": [{"sku": "A", "quantity": 1, "unit_price": "-1"}]},
        {"customer": {}},
        {"customer": "+6281234567890"},
        {"kind": "GIFT"},
        {"coupon_codes": [7]},
        {"unexpected_field": True},
    ],
)
def test_the_fast_check_refuses_exactly_what_the_reference_validator_refuses(change: dict[str, object]) -> None:
    """The compiled validator only says "valid" first; an event it passes must pass the reference too."""
    contract = json.loads(EXAMPLE.with_name("purchase-event.schema.json").read_text())
    event = json.loads(example(**change))
    assert bool(CHECK(event)) == (not Draft202012Validator(contract).is_valid(event))
