"""RequestRedemptionOtp: a 6-digit code for redeeming points, delivered by the messaging service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from c360.clock import Clock, utc_now
from c360.errors import PreconditionFailed
from services.loyalty.app.customer_checks import CustomerChecks, require_points
from services.loyalty.app.ports import OtpRepository
from services.loyalty.domain.otp import Otp, issue, new_code


@dataclass
class RequestRedemptionOtp:
    checks: CustomerChecks
    otps: OtpRepository
    pepper: str
    max_points: int
    clock: Clock = utc_now

    async def __call__(self, customer_id: str, points: int, actor: str) -> Otp:
        points = require_points(points, self.max_points, allow_negative=False)
        account = await self.checks.account(customer_id)
        await self.checks.not_suspended(customer_id)
        if account.points_balance < points:
            raise PreconditionFailed(
                "INSUFFICIENT_POINTS", f"Balance is {account.points_balance} points; {points} requested.", "points"
            )
        code = new_code()
        otp = issue(uuid.uuid4().hex, customer_id, points, code, self.pepper, self.clock())
        await self.otps.create(otp, code, actor)
        return otp
