"""Domain values to loyalty protobuf messages."""

from __future__ import annotations

from customer360.loyalty.v1 import loyalty_pb2

from c360.events import timestamp
from services.loyalty.app.queries import AccountView
from services.loyalty.domain.account import Lot
from services.loyalty.domain.ledger import LedgerEntry
from services.loyalty.domain.otp import Otp
from services.loyalty.domain.stored_purchase import StoredPurchase

TOP_CATEGORIES = 50


def account_to_proto(view: AccountView) -> loyalty_pb2.Account:
    state = view.state
    spend = state.spend
    message = loyalty_pb2.Account(
        customer_id=state.customer_id,
        points_balance=state.points_balance,
        lifetime_points=state.lifetime_points,
        redeemed_points=state.redeemed_points,
        expired_points=state.expired_points,
        tier=state.tier,
        opened_at=timestamp(state.opened_at),
        lots=[lot_to_proto(lot) for lot in sorted(state.lots, key=Lot.expiry_order)],
        referral_code=view.facts.referral_code,
        referred_count=view.referred_count,
        referral_points=state.referral_points,
        points_debt=state.points_debt,
        status=view.facts.status,
        metrics=loyalty_pb2.Metrics(
            lifetime_spend=str(spend.lifetime_spend),
            orders=spend.orders,
            average_transaction_value=str(spend.average),
            last_transaction_value="" if spend.last_value is None else str(spend.last_value),
            top_categories=[
                loyalty_pb2.CategorySpend(category=c.category, amount=str(c.amount), quantity=c.quantity)
                for c in spend.top_categories(TOP_CATEGORIES)
            ],
        ),
    )
    if spend.last_at is not None:
        message.metrics.last_transaction_at.CopyFrom(timestamp(spend.last_at))
    if view.rfm is not None:
        message.metrics.rfm.CopyFrom(
            loyalty_pb2.Rfm(
                recency=view.rfm.recency,
                frequency=view.rfm.frequency,
                monetary=view.rfm.monetary,
                computed_at=timestamp(view.rfm.computed_at),
            )
        )
    if (next_lot := state.next_expiry) is not None:
        message.next_expiry.CopyFrom(lot_to_proto(next_lot))
    return message


def lot_to_proto(lot: Lot) -> loyalty_pb2.PointsLot:
    message = loyalty_pb2.PointsLot(
        id=lot.id,
        points=lot.points,
        points_left=lot.left,
        transaction_id=lot.transaction_id or "",
        store_id=lot.store_id or "",
        terminal_id=lot.terminal_id or "",
        created_at=timestamp(lot.created_at),
        type=lot.type.value,
    )
    if lot.expires_at is not None:
        message.expires_at.CopyFrom(timestamp(lot.expires_at))
    return message


def entry_to_proto(entry: LedgerEntry) -> loyalty_pb2.LedgerEntry:
    return loyalty_pb2.LedgerEntry(
        id=entry.id,
        customer_id=entry.customer_id,
        type=entry.type.value,
        points=entry.points,
        balance_after=entry.balance_after or 0,
        remark=entry.remark or "",
        actor=entry.actor or "",
        transaction_id=entry.transaction_id or "",
        store_id=entry.store_id or "",
        terminal_id=entry.terminal_id or "",
        created_at=timestamp(entry.created_at),
    )


def purchase_to_proto(stored: StoredPurchase) -> loyalty_pb2.Purchase:
    p = stored.event
    return loyalty_pb2.Purchase(
        purchase_id=p.purchase_id,
        customer_id=stored.customer_id,
        partner_id=p.partner_id,
        transaction_id=p.transaction_id,
        receipt_id=p.receipt_id or "",
        occurred_at=timestamp(p.occurred_at),
        store_id=p.store_id or "",
        terminal_id=p.terminal_id or "",
        source=p.source,
        total=str(p.total),
        currency=p.currency,
        items=[
            loyalty_pb2.PurchaseItem(
                sku=i.sku,
                name=i.name or "",
                category=i.category or "",
                quantity=i.quantity,
                unit_price=str(i.unit_price),
            )
            for i in p.items
        ],
        coupon_codes=list(p.coupon_codes),
        points_earned=stored.points_earned - stored.points_reversed,
        points_redeemed=p.points_redeemed,
        kind=p.kind,
        discounts=[loyalty_pb2.Discount(description=d.description, amount=d.amount) for d in p.discounts],
    )


def otp_to_proto(otp: Otp, status: str) -> loyalty_pb2.OtpRecord:
    return loyalty_pb2.OtpRecord(
        id=otp.id,
        customer_id=otp.customer_id,
        masked_code=otp.masked_code,
        points=otp.points,
        status=status,
        created_at=timestamp(otp.created_at),
        expires_at=timestamp(otp.expires_at),
    )
