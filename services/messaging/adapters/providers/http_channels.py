"""SMS (Twilio-style), WhatsApp (Meta Cloud API) and push (FCM HTTP v1) over HTTP, base URLs configurable."""

from __future__ import annotations

from services.messaging.adapters.providers.http_provider import HttpProvider
from services.messaging.app.ports import Delivery


class TwilioSmsProvider(HttpProvider):
    name = "twilio"

    def __init__(self, base_url: str, account_sid: str, auth_token: str, sender: str, timeout_seconds: float) -> None:
        super().__init__(base_url, timeout_seconds)
        self._account_sid, self._auth_token, self._sender = account_sid, auth_token, sender

    async def send(self, delivery: Delivery) -> str:
        reply = await self.post(
            f"/2010-04-01/Accounts/{self._account_sid}/Messages.json",
            delivery.message_id,
            data={"To": delivery.address, "From": self._sender, "Body": delivery.text},
            auth=(self._account_sid, self._auth_token),
        )
        return str(reply["sid"])


class WhatsappCloudProvider(HttpProvider):
    """Templates go as Meta template messages (name + body parameters), the only kind Meta delivers
    outside the 24-hour window; free text goes as a text message."""

    name = "meta-whatsapp"

    def __init__(self, base_url: str, phone_number_id: str, token: str, language: str, timeout_seconds: float) -> None:
        super().__init__(base_url, timeout_seconds)
        self._phone_number_id, self._token, self._language = phone_number_id, token, language

    async def send(self, delivery: Delivery) -> str:
        content: dict[str, object] = {"type": "text", "text": {"body": delivery.text}}
        if delivery.template_id:
            parameters = [{"type": "text", "text": value} for value in delivery.template_params]
            content = {
                "type": "template",
                "template": {
                    "name": delivery.template_id,
                    "language": {"code": self._language},
                    "components": [{"type": "body", "parameters": parameters}],
                },
            }
        reply = await self.post(
            f"/v21.0/{self._phone_number_id}/messages",
            delivery.message_id,
            json={"messaging_product": "whatsapp", "to": delivery.address, **content},
            headers={"Authorization": f"Bearer {self._token}"},
        )
        return str(reply["messages"][0]["id"])


class FcmPushProvider(HttpProvider):
    name = "fcm"

    def __init__(self, base_url: str, project_id: str, token: str, timeout_seconds: float) -> None:
        super().__init__(base_url, timeout_seconds)
        self._project_id, self._token = project_id, token

    async def send(self, delivery: Delivery) -> str:
        reply = await self.post(
            f"/v1/projects/{self._project_id}/messages:send",
            delivery.message_id,
            json={
                "message": {
                    "token": delivery.address,
                    "notification": {"title": delivery.title, "body": delivery.text},
                    "data": {"message_id": delivery.message_id},
                }
            },
            headers={"Authorization": f"Bearer {self._token}"},
        )
        return str(reply["name"])
