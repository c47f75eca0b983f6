"""Which customer each purchase of a batch belongs to: from the local projection first, the profile service after.

Order of identifiers: customer id, ext ref, mobile (normalised to E.164). An
unknown mobile enrols a new customer through the profile service.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.loyalty.app.ports import CustomerDirectory, CustomerProjection
from services.loyalty.domain.customer import CustomerFacts
from services.loyalty.domain.mobile import to_e164
from services.loyalty.domain.purchase import CustomerRef, PurchaseEvent


@dataclass
class ResolveCustomers:
    projection: CustomerProjection
    directory: CustomerDirectory
    default_region: str = "ID"

    async def __call__(self, purchases: list[PurchaseEvent]) -> dict[str, CustomerFacts]:
        """Purchase id to customer; purchases whose customer cannot be known are absent."""
        refs = {p.purchase_id: self._normalised(p.customer) for p in purchases}
        known = await self.projection.get_many([r.customer_id for r in refs.values() if r.customer_id])
        by_ext_ref = await self.projection.ids_by("ext_ref", [r.ext_ref for r in refs.values() if r.ext_ref])
        by_mobile = await self.projection.ids_by("mobile", [r.mobile for r in refs.values() if r.mobile])
        chosen: dict[str, str] = {}
        asked: dict[CustomerRef, str | None] = {}
        for purchase in purchases:
            ref = refs[purchase.purchase_id]
            customer_id = self._from_projection(ref, known, by_ext_ref, by_mobile)
            if customer_id is None:
                if ref not in asked:  # one enrolment per new mobile per batch
                    asked[ref] = await self._ask_profile(ref, f"partner:{purchase.partner_id}")
                customer_id = asked[ref]
            if customer_id:
                chosen[purchase.purchase_id] = customer_id
        facts = {**known, **await self.projection.get_many([c for c in chosen.values() if c not in known])}
        return {pid: facts.get(cid, CustomerFacts(cid)) for pid, cid in chosen.items()}

    def _normalised(self, ref: CustomerRef) -> CustomerRef:
        mobile = to_e164(ref.mobile, self.default_region) if ref.mobile else None
        return CustomerRef(ref.customer_id or None, mobile or ref.mobile or None, ref.ext_ref or None)

    @staticmethod
    def _from_projection(
        ref: CustomerRef, known: dict[str, CustomerFacts], by_ext_ref: dict[str, str], by_mobile: dict[str, str]
    ) -> str | None:
        if ref.customer_id:
            return ref.customer_id if ref.customer_id in known else None
        if ref.ext_ref and ref.ext_ref in by_ext_ref:
            return by_ext_ref[ref.ext_ref]
        if ref.mobile and ref.mobile in by_mobile and not ref.ext_ref:
            return by_mobile[ref.mobile]
        return None

    async def _ask_profile(self, ref: CustomerRef, source: str) -> str | None:
        if ref.customer_id:
            return ref.customer_id if await self.directory.exists(ref.customer_id) else None
        return await self.directory.resolve(ref, enrol_source=source)
