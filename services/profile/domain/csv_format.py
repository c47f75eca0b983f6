"""The customer CSV: its columns, the header check and the rules of one row (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from c360.errors import InvalidInput
from services.profile.domain.contact import normalise_email, normalise_mobile
from services.profile.domain.customer import MAX_NAME_LENGTH, ProfileRules, capped, checked_birth_date
from services.profile.domain.edits import checked_customer_type

IMPORT_COLUMNS = ("mobile", "first_name", "last_name", "email", "customer_type", "ext_ref", "date_of_birth", "gender")
EXPORT_COLUMNS = ("id", *IMPORT_COLUMNS, "status", "member_since", "referral_code")
TEMPLATE_HEADER = ",".join(IMPORT_COLUMNS) + "\n"
MAX_CELL_LENGTH = 256


def checked_header(cells: list[str]) -> list[str]:
    """The column names, in file order; known names only, each once, mobile among them."""
    names = [c.strip().lower() for c in cells]
    unknown = [n for n in names if n not in IMPORT_COLUMNS]
    if unknown or len(set(names)) != len(names) or "mobile" not in names:
        raise InvalidInput(
            "INVALID_HEADER",
            f"The header must use only these columns, each once, with mobile: {TEMPLATE_HEADER.strip()}.",
            "file",
        )
    return names


@dataclass(frozen=True)
class ImportRow:
    line: int
    mobile: str
    first_name: str | None
    last_name: str | None
    email: str | None
    customer_type: str
    ext_ref: str | None
    date_of_birth: date | None
    gender: str | None


def parse_row(line: int, columns: list[str], cells: list[str], rules: ProfileRules, today: date) -> ImportRow:
    """A valid row, or InvalidInput whose code and message become the row's error."""
    if len(cells) != len(columns):
        raise InvalidInput("WRONG_COLUMN_COUNT", f"Expected {len(columns)} values, found {len(cells)}.", "file")
    if any(len(c) > MAX_CELL_LENGTH for c in cells):
        raise InvalidInput("TOO_LONG", f"A value is longer than {MAX_CELL_LENGTH} characters.", "file")
    row = dict(zip(columns, cells, strict=True))
    birth = row.get("date_of_birth", "").strip()
    try:
        date_of_birth = date.fromisoformat(birth) if birth else None
    except ValueError as error:
        raise InvalidInput("INVALID_DATE", f"'{birth[:20]}' is not a date (YYYY-MM-DD).", "dateOfBirth") from error
    return ImportRow(
        line=line,
        mobile=normalise_mobile(row["mobile"], rules.default_region),
        first_name=capped(row.get("first_name"), "firstName", MAX_NAME_LENGTH),
        last_name=capped(row.get("last_name"), "lastName", MAX_NAME_LENGTH),
        email=normalise_email(row.get("email")),
        customer_type=checked_customer_type(row.get("customer_type") or None, rules),
        ext_ref=capped(row.get("ext_ref"), "extRef", 64),
        date_of_birth=checked_birth_date(date_of_birth, today),
        gender=capped(row.get("gender"), "gender", 32),
    )
