"""What the owner is told about the balance: low-balance warnings and auto top-up outcomes.

A notice is an outbox row (topic `billing_notice`, target `email`) written in the same transaction as
the movement it reports, with a ready subject and text in the tenant's language and the owner's
address from `billing.owner_email` (None when the file names none: the row still records that the
owner was due a notice). The email sender of the messages part delivers it.

Warnings (CONTRACT section 11): one per `warn_below` threshold crossed downwards, i.e. for every
movement with `before >= threshold > after`. That is stateless and exact: a balance that climbs back
above a threshold and falls again crosses it again and warns again; one that stays below does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from babel.numbers import format_currency
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.costs import dec_str, money
from booking_core.storage.models import OutboxMessage
from booking_core.tenant_config import TenantConfig

Notice = Literal["low_balance", "auto_topup_succeeded", "auto_topup_failed"]
TOPIC = "billing_notice"
TARGET = "email"


def crossed_downwards(before: Decimal, after: Decimal, thresholds: Iterable[Decimal]) -> list[Decimal]:
    """The thresholds a movement from `before` to `after` fell below, highest first."""
    return sorted((t for t in thresholds if before >= t > after), reverse=True)


def eur(amount: Decimal, lang: str) -> str:
    """An amount as the owner reads it: "1.234,56 €" (de) or "€1,234.56" (en), rounded to cents."""
    return format_currency(money(amount), "EUR", locale="de_DE" if lang == "de" else "en_GB")


def compose(notice: Notice, lang: str, facts: dict[str, Any]) -> tuple[str, str]:
    """(subject, text) of a notice. facts: balance, threshold, amount, reason, failures, max_failures, disabled."""
    de = lang == "de"
    balance = eur(facts["balance"], lang) if "balance" in facts else ""
    if notice == "low_balance":
        threshold = eur(facts["threshold"], lang)
        if de:
            return (
                f"Guthaben unter {threshold}",
                f"Ihr Guthaben ist auf {balance} gefallen und liegt damit unter {threshold}. "
                "Anrufe werden weiter angenommen; bitte laden Sie Ihr Guthaben auf.",
            )
        return (
            f"Balance below {threshold}",
            f"Your balance has fallen to {balance}, below {threshold}. "
            "Calls are still answered; please top up your balance.",
        )
    amount = eur(facts["amount"], lang)
    if notice == "auto_topup_succeeded":
        if de:
            return (
                f"Guthaben automatisch aufgeladen: {amount}",
                f"Wir haben {amount} von Ihrer hinterlegten Zahlungsart abgebucht. Neues Guthaben: {balance}.",
            )
        return (
            f"Balance topped up automatically: {amount}",
            f"We charged {amount} to your saved payment method. New balance: {balance}.",
        )
    reason, failures, limit = facts.get("reason") or "", facts["failures"], facts["max_failures"]
    if de:
        text = (
            f"Die automatische Aufladung über {amount} ist fehlgeschlagen ({reason}). "
            f"Fehlversuch {failures} von {limit} in Folge. Guthaben: {balance}."
        )
        if facts.get("disabled"):
            text += " Die automatische Aufladung ist jetzt ausgeschaltet; bitte laden Sie manuell auf."
        return ("Automatische Aufladung fehlgeschlagen", text)
    text = (
        f"The automatic top-up of {amount} failed ({reason}). "
        f"Failure {failures} of {limit} in a row. Balance: {balance}."
    )
    if facts.get("disabled"):
        text += " Automatic top-up is now switched off; please top up manually."
    return ("Automatic top-up failed", text)


def queue(session: AsyncSession, tenant: TenantConfig, notice: Notice, now: datetime, **facts: Any) -> OutboxMessage:
    """Add the notice's outbox row to the caller's transaction; returns it."""
    subject, text = compose(notice, tenant.language, facts)
    payload = {
        "kind": TOPIC,
        "notice": notice,
        "tenant": tenant.id,
        "to": tenant.billing.owner_email,
        "lang": tenant.language,
        "subject": subject,
        "text": text,
        "facts": {k: dec_str(v) if isinstance(v, Decimal) else v for k, v in facts.items()},
    }
    row = OutboxMessage(
        tenant_id=tenant.id,
        topic=TOPIC,
        target=TARGET,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    return row
