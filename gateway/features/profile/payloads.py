"""Inputs and payloads of profile mutations."""

from __future__ import annotations

from datetime import date

import strawberry

from gateway.features.common import UserError
from gateway.features.customer360.types import Customer360
from gateway.features.profile.page_types import Note


@strawberry.input
class AddressInput:
    street: str | None = None
    city: str | None = None
    postcode: str | None = None
    state: str | None = None
    country: str | None = None


@strawberry.input
class RegisterCustomerInput:
    first_name: str
    mobile: str
    last_name: str | None = None
    email: str | None = None
    customer_type: str | None = None
    ext_ref: str | None = None
    referred_by_code: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None
    address: AddressInput | None = None


@strawberry.type
class CustomerPayload:
    customer: Customer360 | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateCustomerInput:
    """Only the fields given change; a field given as null is cleared (first name and mobile cannot be)."""

    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    mobile: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    customer_type: str | None = strawberry.UNSET
    ext_ref: str | None = strawberry.UNSET
    date_of_birth: date | None = strawberry.UNSET
    gender: str | None = strawberry.UNSET
    marital_status: str | None = strawberry.UNSET
    address: AddressInput | None = strawberry.UNSET


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class NotePayload:
    note: Note | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
