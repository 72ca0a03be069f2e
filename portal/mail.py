"""The portal's emails (invitation, password reset) as outbox rows, sent by the worker's email
channel (CONTRACT section 9: every message is an outbox row written in the same transaction as the
change it reports).

Payload: ``{"to", "subject", "text", "lang", "kind"}``; target ``email``, topic ``portal.<kind>``.
The link carries the raw token: it exists only in this email and the recipient's hands (the database
keeps its SHA-256).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.storage.models import OutboxMessage

__all__ = ["TEXTS", "queue_email"]

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "invitation": {
        "de": (
            "Einladung zum Slotline-Portal",
            "Hallo,\n\nSie wurden zum Portal Ihres Geschäfts eingeladen. Legen Sie hier Ihr Passwort fest "
            "(der Link gilt 24 Stunden und nur einmal):\n\n{link}\n",
        ),
        "en": (
            "Your invitation to the Slotline portal",
            "Hello,\n\nyou have been invited to your business's portal. Set your password here (the link is "
            "valid for 24 hours, once):\n\n{link}\n",
        ),
    },
    "reset": {
        "de": (
            "Passwort zurücksetzen",
            "Hallo,\n\nhier können Sie ein neues Passwort festlegen (der Link gilt 24 Stunden und nur einmal):"
            "\n\n{link}\n\nWenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.\n",
        ),
        "en": (
            "Reset your password",
            "Hello,\n\nset a new password here (the link is valid for 24 hours, once):\n\n{link}\n\n"
            "If you did not ask for this, ignore this email.\n",
        ),
    },
}


async def queue_email(
    session: AsyncSession, *, tenant_id: str, to: str, kind: str, lang: str, now: datetime, link: str
) -> None:
    """Add the email of ``kind`` (invitation | reset) to ``session``'s transaction."""
    subject, body = TEXTS[kind]["en" if lang == "en" else "de"]
    session.add(
        OutboxMessage(
            tenant_id=tenant_id,
            topic=f"portal.{kind}",
            target="email",
            payload={"to": to, "subject": subject, "text": body.format(link=link), "lang": lang, "kind": kind},
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
