"""Channels, message statuses and how a status may move.

Provider reports arrive late, twice, or out of order, so a status only ever moves
forward: a DELIVERED never goes back to SENT, and FAILED only replaces a status
that had not yet reached the customer.
"""

from __future__ import annotations

from enum import Enum


class Channel(Enum):
    SMS = "SMS"
    WHATSAPP = "WHATSAPP"
    EMAIL = "EMAIL"
    PUSH = "PUSH"


# Longest body a channel's providers accept: Twilio's concatenated SMS, Meta's text message,
# a sane e-mail, an FCM notification body.
BODY_LIMITS = {Channel.SMS: 1600, Channel.WHATSAPP: 4096, Channel.EMAIL: 100_000, Channel.PUSH: 1024}


class MessageStatus(Enum):
    QUEUED = "QUEUED"
    SENDING = "SENDING"  # internal: handed to a provider, outcome not yet written (shown as QUEUED)
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    READ = "READ"
    FAILED = "FAILED"
    REJECTED = "REJECTED"

    @property
    def public(self) -> MessageStatus:
        return MessageStatus.QUEUED if self is MessageStatus.SENDING else self


_RANK = {
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.SENT: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.READ: 4,
}
REPORTABLE = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ, MessageStatus.FAILED)


def statuses_a_report_may_replace(reported: MessageStatus) -> list[MessageStatus]:
    """The current statuses a provider's report of `reported` may overwrite (none when it would go back)."""
    if reported is MessageStatus.FAILED:
        return [MessageStatus.SENDING, MessageStatus.SENT]
    if reported not in _RANK:
        return []
    return [status for status, rank in _RANK.items() if rank < _RANK[reported] and status is not MessageStatus.QUEUED]
