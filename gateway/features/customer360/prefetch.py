"""Starts the loads of every section a `customer360` asks for alongside the customer's own record.

Sections resolve only once `customer360` knows the customer exists, which takes the profile's
round trip, so on their own they would start one round trip late. Their keys depend only on the
id and the fields' arguments (gateway/features/prefetching.py), so the resolver starts them with
the record: a view costs the backends' slowest round trip once instead of the profile's plus it.
For an id with no customer the section loads are wasted (each backend answers an empty page).
"""

from __future__ import annotations

from collections.abc import Callable

from gateway.errors import CodedError
from gateway.features.coupons.loaders import coupon_pages
from gateway.features.coupons.section import SECTIONS as COUPON_SECTIONS
from gateway.features.coupons.section import page_key as coupon_key
from gateway.features.loyalty.loaders import accounts_by_customer, purchase_pages
from gateway.features.loyalty.prefetch import start_loyalty_lists
from gateway.features.loyalty.section import purchases_key
from gateway.features.messaging.loaders import campaign_pages, inbox_pages, message_pages, whatsapp_windows
from gateway.features.messaging.section import communications_key
from gateway.features.messaging.section import page_key as messaging_key
from gateway.features.prefetching import Selected, enum_name, number, started
from gateway.features.profile.loaders import note_pages, timeline_pages
from gateway.features.profile.section import page_key as profile_key
from gateway.loaders import Loaders

Start = Callable[[Loaders, Selected, str], None]  # (loaders, a selected field, customer id)


def start_sections(loaders: Loaders, selections: list[Selected], customer_id: str) -> None:
    """`selections`: those of a `customer360` field."""
    for field in selections:
        start = SECTION_STARTS.get(field.name)
        if start is None:
            continue
        try:
            start(loaders, field, customer_id)
        except (CodedError, TypeError, ValueError):
            continue  # an argument the field itself will refuse, or read otherwise: it loads its own page


def _page(field: Selected) -> tuple[int | None, str | None]:
    return number(field.arguments.get("first")), field.arguments.get("after")


def _loyalty(loaders: Loaders, field: Selected, customer_id: str) -> None:
    started(loaders.get(accounts_by_customer).load(customer_id))
    start_loyalty_lists(loaders, field.selections, customer_id)


def _metrics(loaders: Loaders, field: Selected, customer_id: str) -> None:
    started(loaders.get(accounts_by_customer).load(customer_id))


def _purchases(loaders: Loaders, field: Selected, customer_id: str) -> None:
    key = purchases_key(customer_id, *_page(field), field.arguments.get("search"))
    started(loaders.get(purchase_pages).load(key))


def _timeline(loaders: Loaders, field: Selected, customer_id: str) -> None:
    started(loaders.get(timeline_pages).load(profile_key(customer_id, *_page(field))))


def _notes(loaders: Loaders, field: Selected, customer_id: str) -> None:
    started(loaders.get(note_pages).load(profile_key(customer_id, *_page(field))))


def _coupons(loaders: Loaders, field: Selected, customer_id: str) -> None:
    for page in field.selections:
        if (section := COUPON_SECTIONS.get(page.name)) is not None:
            started(loaders.get(coupon_pages).load(coupon_key(customer_id, section, *_page(page))))


def _messaging(loaders: Loaders, field: Selected, customer_id: str) -> None:
    for page in field.selections:
        if page.name == "communications":
            channel = enum_name(page.arguments.get("channel"))
            started(loaders.get(message_pages).load(communications_key(customer_id, *_page(page), channel)))
        elif page.name == "inbox":
            started(loaders.get(inbox_pages).load(messaging_key(customer_id, *_page(page))))
        elif page.name == "campaignsReceived":
            started(loaders.get(campaign_pages).load(messaging_key(customer_id, *_page(page))))
        elif page.name == "whatsappSessionOpenUntil":
            started(loaders.get(whatsapp_windows).load(customer_id))


SECTION_STARTS: dict[str, Start] = {
    "loyalty": _loyalty,
    "metrics": _metrics,
    "purchases": _purchases,
    "timeline": _timeline,
    "notes": _notes,
    "coupons": _coupons,
    "messaging": _messaging,
}
