"""The email that tells the team about a new callback request (CONTRACT section 9), in the tenant's
language: the caller's number, name and reason, the call id, and what the caller wanted to do
(the function and its arguments) when it could not be done."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking_core.messages.texts import Lang, short_when

__all__ = ["CallbackFacts", "callback_email"]


@dataclass(frozen=True)
class CallbackFacts:
    id: str
    phone: str | None
    name: str | None
    reason: str | None
    call_id: str | None
    created_at: datetime  # local, aware
    details: dict[str, Any] | None


def callback_email(facts: CallbackFacts, business: str, lang: Lang) -> tuple[str, str]:
    """(subject, plain-text body)."""
    de = lang == "de"
    who = facts.name or facts.phone or ("unbekannt" if de else "unknown")
    subject = f"{'Rückrufwunsch' if de else 'Callback request'}: {who}"
    details = facts.details or {}
    wanted = details.get("function")
    args = details.get("args")
    none = "–"
    lines = [
        (
            f"Für {business} ist ein Rückrufwunsch eingegangen ({short_when(facts.created_at, lang)})."
            if de
            else f"A callback request came in for {business} ({short_when(facts.created_at, lang)})."
        ),
        "",
        f"{'Nummer' if de else 'Number'}: {facts.phone or ('unterdrückt' if de else 'withheld')}",
        f"Name: {facts.name or none}",
        f"{'Grund' if de else 'Reason'}: {facts.reason or none}",
        f"{'Anruf' if de else 'Call'}: {facts.call_id or none}",
    ]
    if wanted:
        lines.append(f"{'Gewünscht' if de else 'Wanted'}: {wanted}")
    if args:
        lines.append(
            f"{'Angaben' if de else 'Arguments'}: {json.dumps(args, ensure_ascii=False, sort_keys=True)[:1500]}"
        )
    lines += [
        "",
        (f"Erledigt? slotline callbacks done {facts.id}" if de else f"Done? slotline callbacks done {facts.id}"),
    ]
    return subject, "\n".join(lines) + "\n"
