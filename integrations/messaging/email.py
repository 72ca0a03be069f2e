"""Email over SMTP with aiosmtplib: any outbox row of target "email".

Payload: `to`, `subject`, `text` (plain), optional `attachments` [{"filename", "content_type",
"content"}] (text content, e.g. the .ics). Configuration from the environment: SLOTLINE_SMTP_URL
(`smtp://[user:password@]host:port`, `smtps://` for implicit TLS, `?starttls=1` to upgrade) and
SLOTLINE_MAIL_FROM. The Message-ID is derived from the outbox row, the same on every retry.

Outcomes: accepted sent; a 5xx reply (unknown mailbox, rejected recipient) permanent, dead at once;
a 4xx reply, a refused connection or a timeout temporary (retried); a refused login a configuration
problem (retried: an operator can fix it).
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from booking_core.messages import email_ascii
from integrations.errors import NotConfigured, PermanentError, RetryableError
from integrations.messaging import MESSAGE_RETRY_DELAYS_S
from integrations.outbox import Claimed


def build_email(message: Claimed, sender: str, now_ts: float) -> EmailMessage:
    """The MIME message of an outbox row (plain text, attachments as their content type)."""
    payload = message.payload
    if not payload.get("to") or not payload.get("subject") or payload.get("text") is None:
        raise PermanentError("email row without 'to', 'subject' or 'text'")
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = email_ascii(payload["to"]) or payload["to"]  # "müller.de" as "xn--mller-kva.de"
    mail["Subject"] = payload["subject"]
    mail["Date"] = formatdate(now_ts, localtime=False)
    mail["Message-ID"] = f"<outbox-{message.id}.{message.tenant_id}@slotline>"
    if payload.get("lang"):
        mail["Content-Language"] = str(payload["lang"])
    mail.set_content(payload["text"])
    for item in payload.get("attachments") or []:
        maintype, _, subtype = str(item.get("content_type", "text/plain")).partition("/")
        if maintype != "text":
            raise PermanentError(f"email attachment type {item.get('content_type')!r} is not supported")
        mail.add_attachment(
            str(item["content"]), subtype=subtype or "plain", filename=str(item.get("filename", "attachment.txt"))
        )
    return mail


def smtp_options(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise NotConfigured(
            f"SLOTLINE_SMTP_URL must be smtp://host:port or smtps://host:port, got scheme {parts.scheme!r}"
        )
    query = parse_qs(parts.query)
    options: dict[str, Any] = {
        "hostname": parts.hostname,
        "port": parts.port or (465 if parts.scheme == "smtps" else 25),
        "use_tls": parts.scheme == "smtps",
        "start_tls": query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
    }
    if parts.username:
        options.update(username=unquote(parts.username), password=unquote(parts.password or ""))
    return options


class SmtpEmail:
    """Outbox sender for target "email"."""

    timeout_s = 15.0
    retry_delays_s = MESSAGE_RETRY_DELAYS_S

    async def send(self, message: Claimed, ctx: Any) -> str | None:
        url, sender = ctx.env.get("SLOTLINE_SMTP_URL"), ctx.env.get("SLOTLINE_MAIL_FROM")
        if not url or not sender:
            raise NotConfigured("email not configured: SLOTLINE_SMTP_URL and SLOTLINE_MAIL_FROM must be set")
        mail = build_email(message, sender, ctx.clock.now().timestamp())
        try:
            await aiosmtplib.send(mail, timeout=self.timeout_s, **smtp_options(url))
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise NotConfigured(f"smtp login refused ({exc.code})") from None
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            if codes and all(code >= 500 for code in codes):
                raise PermanentError(
                    f"smtp recipient refused ({codes[0]}: {exc.recipients[0].message[:200]})"
                ) from None
            raise RetryableError(f"smtp recipient deferred ({codes})") from None
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500:
                raise PermanentError(f"smtp {exc.code}: {exc.message[:200]}") from None
            raise RetryableError(f"smtp {exc.code}: {exc.message[:200]}") from None
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            raise RetryableError(f"smtp unreachable ({type(exc).__name__})") from None
        return None
