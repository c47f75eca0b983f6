"""Search terms as one MongoDB filter: index-friendly range queries for prefixes, never regexes."""

from __future__ import annotations

from typing import Any

from services.profile.domain.customer import CustomerStatus
from services.profile.domain.search import SearchTerms

Document = dict[str, Any]


def prefix_range(prefix: str) -> Document:
    return {"$gte": prefix, "$lt": prefix + "\uffff"}


def search_filter(terms: SearchTerms) -> Document:
    alternatives: list[Document] = []
    if terms.name_prefix:
        alternatives += [{"first_name_lc": prefix_range(terms.name_prefix)}]
        alternatives += [{"last_name_lc": prefix_range(terms.name_prefix)}]
    if terms.mobile:
        alternatives.append({"mobile": terms.mobile})
    if terms.email:
        alternatives.append({"email": terms.email})
    if terms.ext_ref:
        alternatives.append({"ext_ref_key": terms.ext_ref})
    if terms.tag:
        alternatives.append({f"tags.{terms.tag[0]}": terms.tag[1]})
    return {"$and": [{"$or": alternatives}, {"status": {"$ne": CustomerStatus.DELETED.value}}]}
