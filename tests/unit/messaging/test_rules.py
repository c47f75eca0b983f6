"""Pure messaging rules: statuses only move forward, quiet hours, preferred channel, time zones, inbox status."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.messaging.domain.channels import MessageStatus, statuses_a_report_may_replace
from services.messaging.domain.inbox import InboxItem, InboxStatus
from services.messaging.domain.quiet_hours import QuietHours
from services.messaging.domain.recipient import Recipient

UTC_ZONE = ZoneInfo("UTC")
NIGHT = QuietHours(time(21), time(8))


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 10, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("reported", "current", "applies"),
    [
        (MessageStatus.DELIVERED, MessageStatus.SENT, True),
        (MessageStatus.SENT, MessageStatus.DELIVERED, False),
        (MessageStatus.DELIVERED, MessageStatus.READ, False),
        (MessageStatus.READ, MessageStatus.DELIVERED, True),
        (MessageStatus.FAILED, MessageStatus.SENT, True),
        (MessageStatus.FAILED, MessageStatus.DELIVERED, False),
        (MessageStatus.DELIVERED, MessageStatus.QUEUED, False),
        (MessageStatus.DELIVERED, MessageStatus.REJECTED, False),
    ],
)
def test_a_report_never_moves_a_status_backwards(
    reported: MessageStatus, current: MessageStatus, applies: bool
) -> None:
    assert (current in statuses_a_report_may_replace(reported)) is applies


def test_sending_is_shown_as_queued() -> None:
    assert MessageStatus.SENDING.public is MessageStatus.QUEUED


def test_outside_quiet_hours_a_message_may_go_now() -> None:
    assert NIGHT.earliest_send(at(12), UTC_ZONE) == at(12)


def test_late_evening_waits_for_the_next_morning() -> None:
    assert NIGHT.earliest_send(at(22, 30), UTC_ZONE) == at(8) + timedelta(days=1)


def test_early_morning_waits_until_the_window_opens_the_same_day() -> None:
    assert NIGHT.earliest_send(at(3), UTC_ZONE) == at(8)


def test_quiet_hours_follow_the_customers_zone() -> None:
    jakarta = ZoneInfo("Asia/Jakarta")  # UTC+7: 15:00 UTC is 22:00 there
    assert NIGHT.earliest_send(at(15), jakarta) == at(1) + timedelta(days=1)


def test_quiet_hours_that_do_not_wrap_midnight_and_none_at_all() -> None:
    siesta = QuietHours.parse("13:00-15:00")
    assert siesta is not None
    assert siesta.contains(time(14))
    assert not siesta.contains(time(15))
    assert QuietHours.parse("") is None


def test_the_preferred_channel_is_push_then_whatsapp_then_email_then_sms() -> None:
    assert Recipient("c", mobile="+6281234567890").preferred_channel().value == "SMS"
    assert Recipient("c", mobile="+62812", email="a@b.co").preferred_channel().value == "EMAIL"
    assert Recipient("c", email="a@b.co", whatsapp_id="62812").preferred_channel().value == "WHATSAPP"
    assert Recipient("c", email="a@b.co", push_token="tok").preferred_channel().value == "PUSH"


def test_the_time_zone_comes_from_the_mobile_when_its_country_has_one() -> None:
    assert Recipient("c", mobile="+819012345678").time_zone(UTC_ZONE) == ZoneInfo("Asia/Tokyo")
    assert Recipient("c", mobile="+14155550100").time_zone(UTC_ZONE) == ZoneInfo("America/Los_Angeles")
    assert Recipient("c", mobile="+447911123456").time_zone(UTC_ZONE) == UTC_ZONE  # London, Jersey, ...
    assert Recipient("c", mobile="").time_zone(UTC_ZONE) == UTC_ZONE


def test_inbox_items_are_new_then_read_and_expired_wins() -> None:
    item = InboxItem("i", "c", "Title", "Text", at(9), at(18))
    assert item.status(at(10)) is InboxStatus.NEW
    item.read_at = at(11)
    assert item.status(at(12)) is InboxStatus.READ
    assert item.status(at(18)) is InboxStatus.EXPIRED
