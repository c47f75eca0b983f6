from decimal import Decimal

from services.loyalty.domain.earn_rule import EarnRule


def test_default_rule_earns_one_point_per_thousand_rounded_down() -> None:
    rule = EarnRule()
    assert rule.points_for(Decimal("185000.00"), "IDR") == 185
    assert rule.points_for(Decimal("1999.99"), "IDR") == 1
    assert rule.points_for(Decimal("999.99"), "IDR") == 0


def test_rule_is_configurable_per_currency() -> None:
    rule = EarnRule(per_currency={"USD": Decimal("1"), "EUR": Decimal("0.5")})
    assert rule.points_for(Decimal("12.99"), "USD") == 12
    assert rule.points_for(Decimal("12.99"), "EUR") == 25
    assert rule.points_for(Decimal("12000"), "IDR") == 12


def test_zero_or_negative_totals_earn_nothing() -> None:
    assert EarnRule().points_for(Decimal("0"), "IDR") == 0
    assert EarnRule().points_for(Decimal("-5000"), "IDR") == 0
