"""The root types, merged from the features; `strawberry export-schema gateway.schema:schema` exports it."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, ParserCache, QueryDepthLimiter, ValidationCache
from strawberry.tools import merge_types

from gateway.audit_extension import AuditMutations
from gateway.auth_extension import RequireAuthentication
from gateway.diagnostics import Diagnostics
from gateway.errors import ErrorPolicy
from gateway.features.audit.queries import AuditQueries
from gateway.features.coupons.mutations import CouponsMutations
from gateway.features.coupons.queries import CouponsQueries
from gateway.features.customer360.queries import Customer360Queries
from gateway.features.loyalty.mutations import LoyaltyMutations
from gateway.features.messaging.mutations import MessagingMutations
from gateway.features.profile.mutations import ProfileMutations
from gateway.features.timeline.subscription import TimelineSubscription
from gateway.persisted_queries import TrustedDocumentsOnly
from gateway.query_cost import QueryCostLimit
from gateway.rate_limit import RateLimit

Query = merge_types("Query", (Customer360Queries, AuditQueries, CouponsQueries))
Mutation = merge_types("Mutation", (ProfileMutations, MessagingMutations, LoyaltyMutations, CouponsMutations))
Subscription = merge_types("Subscription", (TimelineSubscription,))


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # Factories, not instances: each operation gets its own extension objects.
        # The guards refuse in this order, each before anything is executed: no token, over the rate,
        # not a trusted document, too expensive.
        extensions=[
            RequireAuthentication,
            RateLimit,
            TrustedDocumentsOnly,
            QueryCostLimit,
            ErrorPolicy,
            AuditMutations,
            Diagnostics,
            lambda: QueryDepthLimiter(max_depth=12),
            lambda: MaxTokensLimiter(max_token_count=4000),
            lambda: MaxAliasesLimiter(max_alias_count=30),
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
        ],
    )


schema = build_schema()
