"""What the caller hears about their multi-session card (CONTRACT section 10), and `data.package`.

A booking of a service the caller holds a card for says what the card paid ("Ich habe eine Sitzung von
Ihrer Zehnerkarte abgebucht; es bleiben noch 3."), or why it could not (used up, or valid only until a
day before the appointment) and that the appointment is paid normally. A caller who says they have a
card ("ich habe noch eine Zehnerkarte", `package` or `notes`) and has none is told so truthfully. A
cancellation says whether the session went back on the card (no fee) or stays used (a late one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from agent_functions.functions.base import FunctionContext
from agent_functions.speech import DE_MONTHS, EN_MONTHS, say_money
from agent_functions.understanding import text_arg
from booking_core.domain import PackageUse

# Words for a card a caller may use in `notes` ("Paket" alone is not one: a salon sells a "Komplett Paket").
CARD_WORDS = re.compile(
    r"(zehner|fünfer|fuenfer|\d+er|mehrfach|abo|sitzungs|behandlungs)[- ]?karte|"
    r"\b(my|a|the) package\b|punch ?card|multi[- ]?session|session card",
    re.IGNORECASE,
)


def claims_card(ctx: FunctionContext, args: dict[str, Any]) -> bool:
    """Whether the caller said they have a card: a `package` argument (true, or any word but no), or `notes`
    naming one ("ich habe noch eine Zehnerkarte") or one of the tenant's package names."""
    if args.get("package") is True:
        return True
    said = text_arg(args, "package")
    if said and said.strip().lower() not in {"no", "nein", "false", "0", "none", "keine"}:
        return True
    notes = (text_arg(args, "notes") or "").lower()
    return bool(notes) and (bool(CARD_WORDS.search(notes)) or any(p.name.lower() in notes for p in ctx.tenant.packages))


def package_data(ctx: FunctionContext, uses: Sequence[PackageUse | None], claimed: bool = False) -> dict[str, Any]:
    """`{"package": {"id", "name", "remaining", "outcome", "count", "valid_until"}}` for the card the
    answer is about (the last one used or refunded, else the one that could not pay; `count`: how many
    appointments it did that for); `{"package": {"id": null, "remaining": 0, "outcome": "none"}}` when
    the caller claimed a card they do not have; {} otherwise (merged into `data`)."""
    card = _the_card(uses)
    if card is None:
        return {"package": {"id": None, "remaining": 0, "outcome": "none"}} if claimed else {}
    moved = sum(1 for u in uses if u is not None and u.outcome == card.outcome)
    return {
        "package": {
            "id": card.package_id,
            "name": card.package_name,
            "remaining": card.remaining,
            "outcome": card.outcome,
            "count": moved,
            "valid_until": _last_day(ctx, card).isoformat(),
        }
    }


def _the_card(uses: Sequence[PackageUse | None]) -> PackageUse | None:
    known = [u for u in uses if u is not None]
    moved = [u for u in known if u.outcome in ("used", "refunded")]
    chosen = moved or known
    return chosen[-1] if chosen else None


def booked_sentence(ctx: FunctionContext, uses: Sequence[PackageUse | None], price: Any, claimed: bool) -> str:
    """The sentence about the card after a booking of one or more appointments ('' when there is nothing
    to say): what it paid and what is left; else why it could not, and that `price` is due."""
    known = [u for u in uses if u is not None]
    used = [u for u in known if u.outcome == "used"]
    unpaid = len(uses) - len(used)
    if used:
        last = used[-1]
        n = len(used)
        sessions_de = "eine Sitzung" if n == 1 else f"{n} Sitzungen"
        sessions_en = "one session" if n == 1 else f"{n} sessions"
        text = ctx.say(
            f"Ich habe {sessions_de} von Ihrer {last.package_name} abgebucht; {_left_de(last.remaining)}.",
            f"I've used {sessions_en} of your {last.package_name}; {_left_en(last.remaining)}.",
        )
        if unpaid == 1:
            text = text[:-1] + ctx.say(
                ", der übrige Termin wird normal berechnet.", ", and the other one is paid normally."
            )
        elif unpaid:
            text = text[:-1] + ctx.say(
                f", die übrigen {unpaid} Termine werden normal berechnet.",
                f", and the other {unpaid} are paid normally.",
            )
        return text
    cost = say_money(price, ctx.tenant.currency, ctx.lang) if price is not None else None
    due_de = f"dieser Termin wird normal berechnet{f', {cost}' if cost else ''}"
    due_en = f"this appointment is paid normally{f', {cost}' if cost else ''}"
    if len(uses) > 1:
        due_de, due_en = "die Termine werden normal berechnet", "these appointments are paid normally"
    if known:
        card = known[0]
        if card.outcome == "used_up":
            return ctx.say(
                f"Ihre {card.package_name} ist aufgebraucht, {due_de}.",
                f"Your {card.package_name} has no sessions left, so {due_en}.",
            )
        until = _last_day(ctx, card)
        day_de, day_en = f"{until.day}. {DE_MONTHS[until.month - 1]}", f"{until.day} {EN_MONTHS[until.month - 1]}"
        if ctx.now() >= card.expires_at:
            return ctx.say(
                f"Ihre {card.package_name} galt nur bis zum {day_de}, {due_de}.",
                f"Your {card.package_name} was valid until {day_en} only, so {due_en}.",
            )
        later_de, later_en = (
            due_de.replace("dieser Termin", "dieser spätere Termin"),
            due_en.replace("this", "this later"),
        )
        return ctx.say(
            f"Ihre {card.package_name} gilt nur bis zum {day_de}; {later_de}.",
            f"Your {card.package_name} is valid until {day_en} only, so {later_en}.",
        )
    if claimed:
        return ctx.say(
            "Eine Karte mit offenen Sitzungen für diese Leistung habe ich unter Ihrer Nummer nicht gefunden, "
            f"{due_de}.",
            f"I couldn't find a package with sessions left for this service under your number, so {due_en}.",
        )
    return ""


def cancelled_sentence(ctx: FunctionContext, uses: Sequence[PackageUse | None]) -> str:
    """After a cancellation: the sessions put back on the card (no fee), or kept used (late), or lost
    with a card that has expired meanwhile; '' when no card paid for the appointments."""
    known = [u for u in uses if u is not None]
    back = [u for u in known if u.outcome == "refunded"]
    if back:
        last, n = back[-1], len(back)
        return ctx.say(
            f"{'Die Sitzung' if n == 1 else f'Die {n} Sitzungen'} habe ich Ihrer {last.package_name} wieder "
            f"gutgeschrieben; {_left_de(last.remaining)}.",
            f"I've put {'the session' if n == 1 else f'the {n} sessions'} back on your {last.package_name}; "
            f"{_left_en(last.remaining)}.",
        )
    if any(u.outcome == "kept" for u in known):
        name = known[0].package_name
        return ctx.say(
            f"Die Sitzung von Ihrer {name} bleibt wegen der kurzfristigen Absage abgebucht.",
            f"As the cancellation is late, the session on your {name} stays used.",
        )
    if known:
        name = known[0].package_name
        return ctx.say(
            f"Ihre {name} ist inzwischen abgelaufen, die Sitzung kann ich nicht mehr gutschreiben.",
            f"Your {name} has expired meanwhile, so the session can't go back on it.",
        )
    return ""


def _left_de(n: int) -> str:
    if n == 0:
        return "damit ist sie aufgebraucht"
    return "es bleibt noch eine" if n == 1 else f"es bleiben noch {n}"


def _left_en(n: int) -> str:
    if n == 0:
        return "that was the last one on it"
    return "one is left" if n == 1 else f"{n} are left"


def _last_day(ctx: FunctionContext, card: PackageUse) -> Any:
    """The card's last valid local day (it expires at the midnight after it)."""
    return (card.expires_at.astimezone(ctx.zone) - timedelta(minutes=1)).date()
