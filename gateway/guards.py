"""The request guards of one gateway instance, built once from its settings and shared by all requests."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.persisted_queries import TrustedDocuments
from gateway.rate_limit import TokenBucketLimiter
from gateway.settings import GatewaySettings


@dataclass(frozen=True)
class Guards:
    max_query_cost: int
    rate_limiter: TokenBucketLimiter | None = None
    trusted_documents: TrustedDocuments | None = None
    # Test mode adds `extensions.rpcCalls` (and `queryCost`) to every response.
    expose_diagnostics: bool = False

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> Guards:
        limiter = None
        if settings.rate_limit_per_second > 0:
            limiter = TokenBucketLimiter(settings.rate_limit_per_second, settings.rate_limit_burst)
        trusted = TrustedDocuments.load(settings.trusted_documents_file) if settings.trusted_documents_file else None
        return cls(
            max_query_cost=settings.max_query_cost,
            rate_limiter=limiter,
            trusted_documents=trusted,
            expose_diagnostics=settings.env == "test",
        )
