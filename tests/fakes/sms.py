"""A fake of Twilio's Messages resource: `POST /2010-04-01/Accounts/{sid}/Messages.json`.

Checks what the real API checks first: HTTP basic auth (Account SID and Auth Token; 401 otherwise),
the form fields To, From and Body (400 with code 21604/21603/21602 when missing), To as E.164 (400
code 21211) and not on `invalid` (400 code 21211, as for a number that cannot exist), Body at most 1600
characters (400 code 21617). Answers 201 with a message SID. A request carrying an
`I-Twilio-Idempotency-Token` already seen answers with the first SID and is not delivered again.
The base server's failure modes (down, 500, 429, slow, reset) apply on top; every request is recorded.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.base import FakeServer

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class Sms:
    sid: str
    to: str
    sender: str
    body: str
    token: str | None


class FakeTwilio(FakeServer):
    def __init__(
        self,
        account_sid: str = "AC_test_account",
        auth_token: str = "twilio-test-token",
        sender: str = "+4940555000999",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sender = sender
        self.invalid: set[str] = set()
        self.delivered: list[Sms] = []
        self._by_token: dict[str, Sms] = {}

    def env(self) -> dict[str, str]:
        """The SLOTLINE_TWILIO_* settings that point a sender at this fake."""
        return {
            "SLOTLINE_TWILIO_ACCOUNT_SID": self.account_sid,
            "SLOTLINE_TWILIO_AUTH_TOKEN": self.auth_token,
            "SLOTLINE_TWILIO_FROM": self.sender,
            "SLOTLINE_TWILIO_BASE_URL": self.url,
        }

    def build_routes(self, app: web.Application) -> None:
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._create)

    @staticmethod
    def _error(status: int, code: int, message: str) -> web.Response:
        return web.json_response(
            {
                "code": code,
                "message": message,
                "status": status,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
            },
            status=status,
        )

    async def _create(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != expected or request.match_info["sid"] != self.account_sid:
            return self._error(401, 20003, "Authenticate")
        form = await request.post()
        to, sender, body = (str(form.get(k) or "") for k in ("To", "From", "Body"))
        for value, code, name in ((to, 21604, "To"), (sender, 21603, "From"), (body, 21602, "Body")):
            if not value:
                return self._error(400, code, f"A '{name}' phone number is required.")
        if not E164.match(to) or to in self.invalid:
            return self._error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if len(body) > 1600:
            return self._error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        token = request.headers.get("I-Twilio-Idempotency-Token")
        if token and token in self._by_token:
            sms = self._by_token[token]
        else:
            sms = Sms(f"SM{len(self.delivered) + 1:032x}", to, sender, body, token)
            self.delivered.append(sms)
            if token:
                self._by_token[token] = sms
        return web.json_response(
            {
                "sid": sms.sid,
                "to": sms.to,
                "from": sms.sender,
                "body": sms.body,
                "status": "queued",
                "account_sid": self.account_sid,
            },
            status=201,
        )
