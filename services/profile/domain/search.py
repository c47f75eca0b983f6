"""What a search query means: one typed value per field, or every reading of it for ANY."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from c360.errors import DomainError, InvalidInput
from services.profile.domain.contact import normalise_mobile
from services.profile.domain.keys import checked_key

MAX_QUERY_LENGTH = 100


class SearchField(Enum):
    ANY = "ANY"
    NAME = "NAME"
    MOBILE = "MOBILE"
    EMAIL = "EMAIL"
    EXT_REF = "EXT_REF"
    TAG = "TAG"


@dataclass(frozen=True)
class SearchTerms:
    """Alternatives: a customer matching any one of them is found."""

    name_prefix: str | None = None  # lower-cased
    mobile: str | None = None  # E.164
    email: str | None = None  # lower-cased
    ext_ref: str | None = None
    tag: tuple[str, str] | None = None


def _tag(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise InvalidInput("INVALID_TAG_QUERY", "A tag search is key=value.", "query")
    return checked_key(key, "query", "INVALID_TAG_QUERY"), value.strip()


def search_terms(query: str, field: SearchField, default_region: str) -> SearchTerms:
    text = (query or "").strip()
    if not text:
        raise InvalidInput("REQUIRED", "A search needs a query.", "query")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput("TOO_LONG", f"A query is at most {MAX_QUERY_LENGTH} characters.", "query")
    if field is SearchField.NAME:
        return SearchTerms(name_prefix=text.lower())
    if field is SearchField.MOBILE:
        return SearchTerms(mobile=normalise_mobile(text, default_region, "query"))
    if field is SearchField.EMAIL:
        return SearchTerms(email=text.lower())
    if field is SearchField.EXT_REF:
        return SearchTerms(ext_ref=text)
    if field is SearchField.TAG:
        return SearchTerms(tag=_tag(text))
    return _any(text, default_region)


def _any(text: str, default_region: str) -> SearchTerms:
    mobile = tag = None
    if any(ch.isdigit() for ch in text):
        try:
            mobile = normalise_mobile(text, default_region, "query")
        except DomainError:
            mobile = None
    if "=" in text:
        try:
            tag = _tag(text)
        except DomainError:
            tag = None
    email = text.lower() if "@" in text else None
    return SearchTerms(name_prefix=text.lower(), mobile=mobile, email=email, ext_ref=text, tag=tag)
