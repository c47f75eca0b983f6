"""The validation cache keys on the validation rules: the limit rules must be the same classes every request."""

from strawberry.extensions import AddValidationRules

from gateway.schema import build_schema
from gateway.settings import GatewaySettings


def test_every_request_gets_the_same_limit_rules_so_validation_results_are_reused() -> None:
    schema = build_schema(GatewaySettings.model_construct())

    def limit_rules() -> list[type]:
        extensions = schema.get_extensions()
        return [rule for e in extensions if isinstance(e, AddValidationRules) for rule in e.validation_rules]

    first, second = limit_rules(), limit_rules()
    assert len(first) == 2  # depth and aliases
    assert first == second
