"""The customer record's MongoDB document, and back.

Lower-cased copies of the names (`first_name_lc`, `last_name_lc`) serve the
case-insensitive prefix search as plain range queries on an index.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.profile.domain.customer import Address, Customer, CustomerStatus, OptIn

Document = dict[str, Any]


def to_document(customer: Customer) -> Document:
    return {
        "_id": customer.id,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "first_name_lc": customer.first_name.lower(),
        "last_name_lc": (customer.last_name or "").lower(),
        "mobile": customer.mobile,
        "email": customer.email,
        "customer_type": customer.customer_type,
        "status": customer.status.value,
        "member_since": customer.member_since,
        "ext_ref": customer.ext_ref,
        "ext_ref_key": customer.ext_ref or f"~{customer.id}",
        "referral_code": customer.referral_code,
        "referred_by_code": customer.referred_by_code,
        "date_of_birth": customer.date_of_birth.isoformat() if customer.date_of_birth else None,
        "gender": customer.gender,
        "marital_status": customer.marital_status,
        "address": vars(customer.address) if customer.address else None,
        "source": customer.source,
        "attributes": dict(customer.attributes),
        "tags": dict(customer.tags),
        "lists": dict(customer.lists),
        "opt_ins": {k: {"opted_in": v.opted_in, "updated_at": v.updated_at} for k, v in customer.opt_ins.items()},
        "channel_links": dict(customer.channel_links),
        "version": customer.version,
    }


def from_document(doc: Document) -> Customer:
    return Customer(
        id=doc["_id"],
        first_name=doc["first_name"],
        last_name=doc.get("last_name"),
        mobile=doc["mobile"],
        email=doc.get("email"),
        customer_type=doc["customer_type"],
        status=CustomerStatus(doc["status"]),
        member_since=doc["member_since"],
        ext_ref=doc.get("ext_ref"),
        referral_code=doc["referral_code"],
        referred_by_code=doc.get("referred_by_code"),
        date_of_birth=date.fromisoformat(doc["date_of_birth"]) if doc.get("date_of_birth") else None,
        gender=doc.get("gender"),
        marital_status=doc.get("marital_status"),
        address=Address(**doc["address"]) if doc.get("address") else None,
        source=doc.get("source"),
        attributes=dict(doc.get("attributes") or {}),
        tags=dict(doc.get("tags") or {}),
        lists=dict(doc.get("lists") or {}),
        opt_ins={k: OptIn(v["opted_in"], v["updated_at"]) for k, v in (doc.get("opt_ins") or {}).items()},
        channel_links=dict(doc.get("channel_links") or {}),
        version=int(doc.get("version") or 0),
    )
