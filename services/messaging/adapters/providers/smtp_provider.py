"""E-mail over real SMTP (aiosmtplib). The Message-ID is derived from our id, so a receiver can spot a repeat."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from services.messaging.app.ports import Delivery, ProviderRefused, ProviderUnavailable


class SmtpProvider:
    name = "smtp"
    dedupes_by_message_id = False

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        default_subject: str,
        timeout_seconds: float,
        username: str = "",
        password: str = "",
        start_tls: bool = False,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._subject, self._timeout = default_subject, timeout_seconds
        self._username, self._password, self._start_tls = username or None, password or None, start_tls

    async def send(self, delivery: Delivery) -> str:
        mail = EmailMessage()
        message_id = f"<{delivery.message_id}@customer360>"
        mail["From"], mail["To"], mail["Message-ID"] = self._sender, delivery.address, message_id
        mail["Subject"] = delivery.title or self._subject
        mail.set_content(delivery.text)
        try:
            await aiosmtplib.send(
                mail,
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                start_tls=self._start_tls,
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPConnectError as error:
            raise ProviderUnavailable(f"smtp: {error}") from error
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise ProviderRefused("; ".join(str(r) for r in error.recipients)[:500]) from error
        except aiosmtplib.SMTPResponseException as error:
            if 400 <= error.code < 500:  # greylisting, mailbox busy: try again later
                raise ProviderUnavailable(f"smtp {error.code}: {error.message}") from error
            raise ProviderRefused(f"{error.code} {error.message}"[:500]) from error
        return message_id
