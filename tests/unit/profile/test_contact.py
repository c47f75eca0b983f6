import pytest

from c360.errors import InvalidInput
from services.profile.domain.contact import normalise_email, normalise_mobile


@pytest.mark.parametrize("raw", ["081234567890", "+62 812-3456-7890", "(0812) 3456 7890", "+6281234567890"])
def test_common_mobile_formats_normalise_to_one_e164_number(raw: str) -> None:
    assert normalise_mobile(raw, "ID") == "+6281234567890"


@pytest.mark.parametrize("raw", ["", "   ", "12", "not a number", "+999 1234", "0" * 40])
def test_malformed_mobile_is_refused_with_invalid_mobile(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalise_mobile(raw, "ID")
    assert refused.value.code == "INVALID_MOBILE"
    assert refused.value.field == "mobile"


def test_email_is_lower_cased_and_blank_means_none() -> None:
    assert normalise_email("  Ana.Smith@Example.COM ") == "ana.smith@example.com"
    assert normalise_email("   ") is None
    assert normalise_email(None) is None


@pytest.mark.parametrize("raw", ["ana", "ana@", "@example.com", "ana@example", "a b@example.com", "x" * 250 + "@e.com"])
def test_malformed_email_is_refused_with_invalid_email(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalise_email(raw)
    assert refused.value.code == "INVALID_EMAIL"
