"""setWebhook and the delivery of updates to it, as Telegram does for a webhook bot.

Telegram POSTs each update as JSON to the URL with the secret in the
``X-Telegram-Bot-Api-Secret-Token`` header, and delivers it again when the answer is not a
2xx; while a webhook is set, getUpdates is refused with 409.
"""

import json
from typing import Any

import aiohttp

from .protocol import ApiError, Params, bad_request

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_IS_SET = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


class Webhook:
    def __init__(self) -> None:
        self.url: str | None = None
        self.secret: str | None = None
        self.allowed_updates: frozenset[str] | None = None

    def refuse_polling(self) -> None:
        if self.url is not None:
            raise ApiError(409, WEBHOOK_IS_SET)

    async def set_webhook(self, params: Params) -> bool:
        url = params.get_str("url") or ""
        if url and not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.url = url or None
        self.secret = params.get_str("secret_token")
        allowed = params.get_json("allowed_updates")
        self.allowed_updates = frozenset(allowed) if allowed else None
        return True

    async def delete_webhook(self, params: Params) -> bool:
        self.url = self.secret = None
        return True

    async def get_webhook_info(self, params: Params) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.url or "",
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }
        if self.allowed_updates is not None:
            info["allowed_updates"] = sorted(self.allowed_updates)
        return info

    async def deliver(
        self, update: dict[str, Any], secret: str | None = None, url: str | None = None
    ) -> int:
        """POST `update` to the webhook as Telegram would; the HTTP status of the answer.

        `secret` replaces the one given to setWebhook (a forged request); "" sends none.
        `url` is one instance's address, as a load balancer in front of several picks one.
        """
        url = url or self.url
        if url is None:
            raise AssertionError("no webhook is set: the bot is not in webhook mode")
        secret = self.secret if secret is None else secret
        headers = {"Content-Type": "application/json"}
        if secret:
            headers[SECRET_HEADER] = secret
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=json.dumps(update), headers=headers) as answer,
        ):
            await answer.read()
            return answer.status
