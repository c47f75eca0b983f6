"""The gateway's schema contains every type, field, argument and enum value of the public contract."""

from gateway.contract_check import DEFAULT_CONTRACT, check
from gateway.schema import schema


def test_the_exported_schema_honours_the_whole_public_contract() -> None:
    gaps = check(DEFAULT_CONTRACT.read_text(), schema.as_str())
    assert gaps == []
