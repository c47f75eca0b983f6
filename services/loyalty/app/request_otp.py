"""RequestRedemptionOtp: a 6-digit code for redeeming points, delivered by the messaging service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from c360.errors import PreconditionFailed
from services.loyalty.adapters.mongo_otps import MongoOtpRepository
from services.loyalty.app.customer_checks import CustomerChecks, require_points
from services.loyalty.domain.otp import LIFETIME, Otp, code_hash, masked, new_code


@dataclass
class RequestRedemptionOtp:
    checks: CustomerChecks
    otps: MongoOtpRepository
    pepper: str
    max_points: int

    async def __call__(self, customer_id: str, points: int, actor: str) -> Otp:
        points = require_points(points, self.max_points, allow_negative=False)
        account = await self.checks.account(customer_id)
        await self.checks.not_suspended(customer_id)
        if account.points_balance < points:
            raise PreconditionFailed(
                "INSUFFICIENT_POINTS", f"Balance is {account.points_balance} points; {points} requested.", "points"
            )
        otp_id = uuid.uuid4().hex
        code = new_code()
        now = datetime.now(UTC)
        otp = Otp(
            id=otp_id,
            customer_id=customer_id,
            masked_code=masked(code),
            points=points,
            status="PENDING",
            attempts=0,
            created_at=now,
            expires_at=now + LIFETIME,
            code_hash=code_hash(self.pepper, otp_id, code),
        )
        await self.otps.create(otp, code, actor)
        return otp
