"""RedeemPoints: checks the OTP, then posts a REDEEM entry, once per idempotency key.

The OTP is consumed naming the entry it pays for, so a retry after a crash between
the two steps finds it and finishes the posting instead of asking for a new code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from c360.clock import Clock, utc_now
from c360.errors import InvalidInput, PreconditionFailed
from services.loyalty.app.customer_checks import CustomerChecks, insufficient, key_reused, require_key, require_points
from services.loyalty.app.ports import AccountRepository, LedgerRepository, OtpRepository
from services.loyalty.app.post_points import PostPoints
from services.loyalty.domain.ledger import EntryType, InsufficientPoints, LedgerEntry
from services.loyalty.domain.otp import MAX_ATTEMPTS, Otp, matches


@dataclass
class RedeemPoints:
    checks: CustomerChecks
    accounts: AccountRepository
    ledger: LedgerRepository
    otps: OtpRepository
    post_points: PostPoints
    pepper: str
    max_points: int
    clock: Clock = utc_now

    async def __call__(self, customer_id: str, points: int, code: str, key: str, actor: str) -> LedgerEntry:
        key = require_key(key)
        points = require_points(points, self.max_points, allow_negative=False)
        entry_id = f"redeem:{key}"
        existing = await self.ledger.get(entry_id)
        if existing is not None and (existing.customer_id, -existing.points) != (customer_id, points):
            raise key_reused()
        await self.checks.account(customer_id)
        if existing is None:
            await self.checks.not_suspended(customer_id)
            if await self.otps.used_for(entry_id) is None:
                await self._consume_otp(customer_id, points, code, entry_id)
        entry = existing or LedgerEntry(
            id=entry_id,
            customer_id=customer_id,
            type=EntryType.REDEEM,
            points=-points,
            created_at=self.clock(),
            remark="redemption",
            actor=actor,
        )
        try:
            return await self.post_points(entry)
        except InsufficientPoints as error:
            raise insufficient(error) from error

    async def _consume_otp(self, customer_id: str, points: int, code: str, entry_id: str) -> Otp:
        now = self.clock()
        candidates = [otp for otp in await self.otps.pending(customer_id, now) if otp.usable_at(now)]
        if not candidates:
            raise self._no_usable_otp(await self.otps.latest(customer_id), now)
        match = next((otp for otp in candidates if matches(self.pepper, otp.id, code, otp.code_hash)), None)
        if match is None:
            attempts = await self.otps.record_failure(candidates[0].id)
            if attempts >= MAX_ATTEMPTS:
                raise PreconditionFailed("OTP_ATTEMPTS_EXCEEDED", "Too many wrong codes; request a new one.", "otp")
            raise InvalidInput("INVALID_OTP", f"Wrong code ({MAX_ATTEMPTS - attempts} attempts left).", "otp")
        if match.points != points:
            raise InvalidInput("OTP_POINTS_MISMATCH", f"The code was issued for {match.points} points.", "points")
        account = await self.accounts.get(customer_id)
        if account is None or account.points_balance < points:
            balance = account.points_balance if account else 0
            raise PreconditionFailed(
                "INSUFFICIENT_POINTS", f"Balance is {balance} points; {points} requested.", "points"
            )
        if not await self.otps.consume(match.id, entry_id, now):
            raise InvalidInput("INVALID_OTP", "The code is no longer valid.", "otp")
        return match

    @staticmethod
    def _no_usable_otp(latest: Otp | None, now: datetime) -> PreconditionFailed:
        status = latest.status_at(now) if latest else ""
        if status == "EXPIRED":
            return PreconditionFailed("OTP_EXPIRED", "The code expired; request a new one.", "otp")
        if status == "BLOCKED":
            return PreconditionFailed("OTP_ATTEMPTS_EXCEEDED", "Too many wrong codes; request a new one.", "otp")
        return PreconditionFailed("OTP_REQUIRED", "Request a redemption code first.", "otp")
