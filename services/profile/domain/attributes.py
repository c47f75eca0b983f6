"""Attribute definitions and the values they admit.

Fixed attributes are fields of the record itself (date of birth, gender,
marital status); custom ones are defined at run time, FREE_TEXT or SELECT_LIST.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from c360.errors import Conflict, InvalidInput, NotFound
from services.profile.domain.customer import capped
from services.profile.domain.keys import checked_key

MAX_VALUE_LENGTH = 200
MAX_OPTION_LENGTH = 64
MAX_OPTIONS = 200


class ValueType(Enum):
    FREE_TEXT = "FREE_TEXT"
    SELECT_LIST = "SELECT_LIST"


@dataclass(frozen=True)
class AttributeDefinition:
    name: str
    value_type: ValueType
    options: tuple[str, ...] = ()
    fixed: bool = False


# The record field each fixed attribute writes, by its public (camelCase) name.
FIXED_FIELDS = {"dateOfBirth": "date_of_birth", "gender": "gender", "maritalStatus": "marital_status"}
FIXED = tuple(AttributeDefinition(name, ValueType.FREE_TEXT, fixed=True) for name in FIXED_FIELDS)
_FIXED_ALIASES = {**{k.lower(): k for k in FIXED_FIELDS}, **{v: k for k, v in FIXED_FIELDS.items()}}


def fixed_name(raw: str) -> str | None:
    """The canonical fixed attribute a name means (`date_of_birth` and `dateOfBirth` are one), or None."""
    return _FIXED_ALIASES.get(raw.strip()) or _FIXED_ALIASES.get(raw.strip().lower())


def new_definition(name: str, value_type: ValueType, options: list[str]) -> AttributeDefinition:
    key = checked_key(name, "name", "INVALID_ATTRIBUTE_NAME")
    if fixed_name(key):
        raise Conflict("FIXED_ATTRIBUTE", f"'{key}' is a fixed attribute and cannot be redefined.", "name")
    cleaned = checked_options(options)
    if value_type is ValueType.SELECT_LIST and not cleaned:
        raise InvalidInput("OPTIONS_REQUIRED", "A SELECT_LIST attribute needs at least one option.", "options")
    if value_type is ValueType.FREE_TEXT and cleaned:
        raise InvalidInput("OPTIONS_NOT_ALLOWED", "A FREE_TEXT attribute has no options.", "options")
    return AttributeDefinition(key, value_type, cleaned)


def checked_options(options: list[str]) -> tuple[str, ...]:
    cleaned: list[str] = []
    for option in options:
        text = capped(option, "options", MAX_OPTION_LENGTH)
        if text and text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > MAX_OPTIONS:
        raise InvalidInput("TOO_MANY_OPTIONS", f"At most {MAX_OPTIONS} options.", "options")
    return tuple(cleaned)


def merged(existing: AttributeDefinition, requested: AttributeDefinition) -> AttributeDefinition:
    """Redefining adds options to a SELECT_LIST; the type itself never changes (stored values stay valid)."""
    if existing.value_type is not requested.value_type:
        raise Conflict(
            "ATTRIBUTE_TYPE_MISMATCH", f"'{existing.name}' is already a {existing.value_type.value}.", "valueType"
        )
    added = tuple(o for o in requested.options if o not in existing.options)
    return AttributeDefinition(existing.name, existing.value_type, existing.options + added)


def checked_value(definition: AttributeDefinition | None, name: str, raw: str | None) -> str | None:
    """The value to store (None clears it); INVALID_OPTION when a SELECT_LIST does not offer it."""
    if definition is None:
        raise NotFound(f"No attribute named '{name[:40]}'.", code="UNKNOWN_ATTRIBUTE", field="name")
    value = capped(raw, "value", MAX_VALUE_LENGTH)
    if value is None:
        return None
    if definition.value_type is ValueType.SELECT_LIST and value not in definition.options:
        raise InvalidInput("INVALID_OPTION", f"'{value[:40]}' is not an option of {definition.name}.", "value")
    return value


def checked_fixed_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise InvalidInput("INVALID_DATE", f"'{value[:20]}' is not a date (YYYY-MM-DD).", "value") from error
