"""A real SMTP server in-process (aiosmtpd) that keeps what it receives, parsed.

Runs on its own thread (aiosmtpd's Controller) at 127.0.0.1 on a free port. `refuse` holds
recipients answered `550 5.1.1 mailbox unavailable` at RCPT; `defer` holds recipients answered
`451 4.3.0 try again later`. Received mails are `email.message.EmailMessage` objects.
"""

from __future__ import annotations

import email
import email.policy
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.fakes.base import free_port


class SmtpSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.mails: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()
        self.defer: set[str] = set()
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def env(self, sender: str = "Salon Lindenhof <termine@lindenhof.example>") -> dict[str, str]:
        return {"SLOTLINE_SMTP_URL": self.url, "SLOTLINE_MAIL_FROM": sender}

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        if address in self.defer:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.mails.append(parsed)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"
