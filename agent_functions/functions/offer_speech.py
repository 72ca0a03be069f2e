"""Speaking offers: slots, alternatives, a service's duration and price, an appointment, a reference.

The wording lives here once, so every function sounds like the same receptionist.
"""

from __future__ import annotations

from typing import Any

from agent_functions.functions.base import FunctionContext
from agent_functions.replies import Reply, slot_data
from agent_functions.speech import (
    capital,
    first_name,
    join_words,
    say_date,
    say_duration,
    say_money,
    say_on_day,
    say_time,
    say_when,
    unavailable_sentence,
)
from booking_core.domain import AppointmentView, Slot, SlotRequest
from booking_core.tenant_config import Service


def with_staff(ctx: FunctionContext, staff_id: str) -> str:
    member = ctx.tenant.staff_member(staff_id)
    name = first_name(member.name) if member else staff_id
    return ctx.say(f"bei {name}", f"with {name}")


def service_summary(ctx: FunctionContext, service: Service, price: Any = None) -> str:
    """'Die Ansatzfärbung dauert etwa zweieinviertel Stunden und kostet 58 Euro.'"""
    price = service.price if price is None else price
    duration, cost = say_duration(service.total_min, ctx.lang), say_money(price, ctx.tenant.currency, ctx.lang)
    return ctx.say(f"{service.name} dauert {duration} und kostet {cost}.", f"{service.name} takes {duration} and costs {cost}.")


def offer_list(ctx: FunctionContext, slots: tuple[Slot, ...] | list[Slot], reference_day: Any = None) -> str:
    """'um 10 Uhr oder um halb drei bei Emma, oder am Montag, den 23. November, um 9 Uhr bei Fabian'."""
    today = ctx.now().date()
    parts: list[str] = []
    staff_ids = {s.staff_id for s in slots}
    for slot in slots:
        local = slot.start.astimezone(ctx.zone)
        text = say_time(local, ctx.lang)
        if reference_day is None or local.date() != reference_day:
            text = say_on_day(local.date(), ctx.lang, today) + ("," if ctx.lang == "de" else "") + " " + say_time(local, ctx.lang)
        if len(staff_ids) > 1:
            text += " " + with_staff(ctx, slot.staff_id)
        parts.append(text)
    tail = f" {with_staff(ctx, next(iter(staff_ids)))}" if len(staff_ids) == 1 else ""
    return join_words(parts, ctx.lang) + tail


def unavailable_reply(ctx: FunctionContext, request: SlotRequest, reason: str | None, alternatives: tuple[Slot, ...],
                      data: dict[str, Any]) -> Reply:
    """`unavailable`: why the wished time is not free (speech.UNAVAILABLE_SENTENCES), then the alternatives or a question."""
    local = request.start.astimezone(ctx.zone)
    member = ctx.tenant.staff_member(request.staff_id) if request.staff_id else None
    de, en = unavailable_sentence(reason, exact=request.exact)
    if request.exact:
        when_de, when_en = capital(say_time(local, "de")), capital(say_time(local, "en"))
    else:
        when_de, when_en = f"Am {say_date(local.date(), 'de')}", f"On {say_date(local.date(), 'en')}"
    staff_name = first_name(member.name) if member else ""
    first = ctx.say(de.format(when=when_de, staff=staff_name), en.format(when=when_en, staff=staff_name))
    payload = {**data, "alternatives": [slot_data(s, ctx.tenant) for s in alternatives], "reason": reason}
    if alternatives:
        offer = offer_list(ctx, alternatives, local.date())
        return Reply("unavailable", first + " " + ctx.say(f"Ich könnte Ihnen {offer} anbieten. Passt Ihnen davon etwas?",
                                                          f"I could offer you {offer}. Would any of those suit you?"), payload)
    return Reply("unavailable", first + " " + ctx.say("Möchten Sie einen anderen Tag versuchen?", "Would you like to try another day?"), payload)


def speak_appointment(ctx: FunctionContext, view: AppointmentView) -> str:
    """'Herrenhaarschnitt am Montag, den 23. November, um 10 Uhr bei Fabian'."""
    local = view.start.astimezone(ctx.zone)
    return ctx.say(
        f"{view.service_name} am {say_when(local, 'de', ctx.now().date())} {with_staff(ctx, view.staff_id)}",
        f"{view.service_name} on {say_when(local, 'en', ctx.now().date())} {with_staff(ctx, view.staff_id)}",
    )


def spell_reference(reference: str) -> str:
    return " ".join(reference)
