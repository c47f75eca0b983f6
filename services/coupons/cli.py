"""`python -m services.coupons.cli`: campaign and coupon chores against a running coupons service.

    python -m services.coupons.cli campaigns
    python -m services.coupons.cli create-campaign --name "Rainy day" --type PERCENT --value 15 \\
        --prefix RAIN --valid-days 14 [--total-limit N] [--per-customer-limit N] [--inactive] [--reinstate-on-return]
    python -m services.coupons.cli lapse

The address is `--address` or C360_COUPONS_GRPC_ADDRESS. Refusals print their code and exit with 2.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import datetime

import grpc
from customer360.coupons.v1 import coupons_pb2, coupons_pb2_grpc

from c360.events import timestamp
from c360.grpc_client import open_channel

DEADLINE_SECONDS = 10.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.coupons.cli", description=__doc__.splitlines()[0])
    parser.add_argument("--address", default=os.environ.get("C360_COUPONS_GRPC_ADDRESS", "127.0.0.1:50053"))
    parser.add_argument("--actor", default=f"cli:{os.environ.get('USER', 'operator')}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("campaigns", help="list every campaign, in creation order")
    commands.add_parser("lapse", help="lapse every ACTIVE coupon past its expiry now")
    create = commands.add_parser("create-campaign", help="define a campaign")
    create.add_argument("--name", required=True)
    create.add_argument("--description", default="")
    create.add_argument("--type", required=True, choices=["PERCENT", "AMOUNT", "FREE_ITEM"])
    create.add_argument("--value", required=True, help="decimal, e.g. 15 or 50000")
    create.add_argument("--prefix", required=True, help="code prefix, 2 to 12 letters or digits")
    create.add_argument("--valid-days", type=int, default=0)
    create.add_argument("--valid-from", type=datetime.fromisoformat, help="ISO 8601 with offset")
    create.add_argument("--valid-until", type=datetime.fromisoformat, help="ISO 8601 with offset")
    create.add_argument("--total-limit", type=int, default=0)
    create.add_argument("--per-customer-limit", type=int, default=0)
    create.add_argument("--inactive", action="store_true")
    create.add_argument("--reinstate-on-return", action="store_true")
    return parser


def campaign_from_args(args: argparse.Namespace) -> coupons_pb2.Campaign:
    campaign = coupons_pb2.Campaign(
        name=args.name,
        description=args.description,
        discount_type=args.type,
        discount_value=args.value,
        code_prefix=args.prefix,
        valid_days=args.valid_days,
        total_limit=args.total_limit,
        per_customer_limit=args.per_customer_limit,
        active=not args.inactive,
        reinstate_on_return=args.reinstate_on_return,
    )
    if args.valid_from:
        campaign.valid_from.CopyFrom(timestamp(args.valid_from))
    if args.valid_until:
        campaign.valid_until.CopyFrom(timestamp(args.valid_until))
    return campaign


def describe(campaign: coupons_pb2.Campaign) -> str:
    limits = f"total {campaign.total_limit or '-'}, per customer {campaign.per_customer_limit or '-'}"
    state = "active" if campaign.active else "inactive"
    return (
        f"{campaign.id}\t{campaign.name}\t{campaign.discount_type} {campaign.discount_value}\t"
        f"{campaign.code_prefix}-…\t{limits}\t{state}"
    )


async def run(args: argparse.Namespace) -> int:
    channel = open_channel(args.address)
    stub = coupons_pb2_grpc.CouponsServiceStub(channel)
    try:
        if args.command == "campaigns":
            token = ""
            while True:
                page = await stub.ListCampaigns(
                    coupons_pb2.ListCampaignsRequest(page_size=200, page_token=token), timeout=DEADLINE_SECONDS
                )
                for campaign in page.campaigns:
                    print(describe(campaign))
                if not (token := page.next_page_token):
                    return 0
        if args.command == "lapse":
            reply = await stub.LapseExpiredCoupons(coupons_pb2.LapseExpiredCouponsRequest(), timeout=DEADLINE_SECONDS)
            print(f"lapsed {reply.lapsed} coupons")
            return 0
        request = coupons_pb2.CreateCampaignRequest(campaign=campaign_from_args(args), actor=args.actor)
        print(describe(await stub.CreateCampaign(request, timeout=DEADLINE_SECONDS)))
        return 0
    except grpc.aio.AioRpcError as error:
        code = dict(error.trailing_metadata() or ()).get("x-error-code", error.code().name)
        print(f"refused: {code}: {error.details()}", file=sys.stderr)
        return 2
    finally:
        await channel.close()


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(run(_parser().parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
