"""The root types, merged from the features; `strawberry export-schema gateway.schema:schema` exports it.

The app builds its own from its settings (the query limits are settings); `schema` has the defaults.
"""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
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
from gateway.settings import GatewaySettings

Query = merge_types("Query", (Customer360Queries, AuditQueries, CouponsQueries))
Mutation = merge_types("Mutation", (ProfileMutations, MessagingMutations, LoyaltyMutations, CouponsMutations))
Subscription = merge_types("Subscription", (TimelineSubscription,))


def build_schema(settings: GatewaySettings) -> strawberry.Schema:
    # The limit rules are built once: the validation cache keys on the rule classes, and each
    # limiter instance makes new ones, so limiters built per request would make every lookup miss.
    limit_rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_query_aliases).validation_rules,
    ]
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
            lambda: AddValidationRules(limit_rules),
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
        ],
    )


# The defaults, unvalidated and without reading the environment: for the export and for tests.
schema = build_schema(GatewaySettings.model_construct())
