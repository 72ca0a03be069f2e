"""Picking the appointment the caller means (to cancel or move): by reference, else by number, narrowed.

The rules are CONTRACT section 2: one match proceeds, several ask back, none is `not_found`; a withheld
number can change an appointment only by its reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from agent_functions.functions.base import FunctionContext
from agent_functions.functions.offer_speech import speak_appointments, spell_reference
from agent_functions.replies import Reply, appointment_data
from agent_functions.understanding import (
    customer_name,
    customer_phone,
    day_bounds,
    reference_arg,
    text_arg,
    understand_when,
)
from booking_core.domain import AppointmentView


@dataclass
class Pick:
    appointment: AppointmentView | None = None
    reply: Reply | None = None


async def pick_appointment(
    ctx: FunctionContext, args: dict[str, Any], *, date_key: str, time_key: str, cancelled_by_this_call: bool = False
) -> Pick:
    """The appointment the caller means: by reference, else among their upcoming ones by number, narrowed.

    A withheld number can only change an appointment by its reference (a name and a date are not
    proof of identity on the phone); we offer a callback instead. `cancelled_by_this_call`: also an
    appointment this very call cancelled (a retried cancellation is answered, not refused).
    """
    booking, tenant = ctx.services.booking, ctx.tenant
    reference = text_arg(args, "appointment")
    if reference:
        code = reference_arg(args)  # "K-7-M-2.", "Kilo Sieben Mike Zwei" -> "K7M2"; the raw text may be an id
        view = (await booking.get_appointment(tenant, code) if code else None) or await booking.get_appointment(
            tenant, reference
        )
        if (
            view is not None
            and view.status == "cancelled"
            and cancelled_by_this_call
            and await booking.cancelled_by(tenant, view.id, ctx.call.call_id)
        ):
            return Pick(view)
        if view is None or view.status in ("cancelled", "no_show", "completed"):
            # Read the number back only when it can be one (ours have 4 to 8 characters), not a garbled argument.
            spelled = spell_reference(code) if code and len(code) <= 10 else None
            return Pick(
                reply=Reply(
                    "not_found",
                    ctx.say(
                        f"Unter {'der Buchungsnummer ' + spelled if spelled else 'dieser Buchungsnummer'} finde ich "
                        "keinen offenen Termin.",
                        "I can't find an open appointment under "
                        f"{'reference ' + spelled if spelled else 'that reference'}.",
                    ),
                    {"missing": ["appointment"]},
                )
            )
        return Pick(view)
    if not ctx.call.from_number:
        return Pick(
            reply=Reply(
                "needs_clarification",
                ctx.say(
                    "Ihre Nummer ist unterdrückt, daher brauche ich Ihre Buchungsnummer. Oder soll ich einen "
                    "Rückruf für Sie notieren?",
                    "Your number is withheld, so I need your booking reference. Or shall I arrange a callback for you?",
                ),
                {"missing": ["appointment"], "options": ["request_callback"]},
            )
        )
    phone = customer_phone(ctx, {})
    # Several people may share the number (a family): a name given picks that person's appointments only.
    name = customer_name(args)
    candidates = await booking.find_appointments(tenant, phone=phone, name=name) if phone else []
    candidates = _narrow(ctx, candidates, args, date_key, time_key)
    if not candidates:
        return Pick(
            reply=Reply(
                "not_found",
                ctx.say(
                    f"Unter Ihrer Nummer finde ich keinen passenden Termin{' für ' + name if name else ''}. Haben "
                    "Sie eine Buchungsnummer?",
                    f"I can't find a matching appointment{' for ' + name if name else ''} under your number. Do you "
                    "have a booking reference?",
                ),
                {"appointments": []},
            )
        )
    if len(candidates) > 1:

        def message(count: int) -> str:
            listed = speak_appointments(ctx, candidates[: min(3, count)])
            return ctx.say(
                f"Ich sehe mehrere Termine: {listed}. Welchen meinen Sie?",
                f"I see several appointments: {listed}. Which one do you mean?",
            )

        return Pick(
            reply=Reply(
                "needs_clarification",
                message(len(candidates)),
                {"missing": [date_key], "appointments": [appointment_data(a, tenant) for a in candidates]},
                spoken="appointments",
                render=message,
            )
        )
    return Pick(candidates[0])


def _narrow(
    ctx: FunctionContext, views: list[AppointmentView], args: dict[str, Any], date_key: str, time_key: str
) -> list[AppointmentView]:
    if not views:
        return views
    sub = {k: v for k, v in (("date", args.get(date_key)), ("time", args.get(time_key))) if v}
    if not sub:
        return views
    when = understand_when(ctx, sub)
    if when is None or when.kind == "none" or when.start is None:
        return views
    if when.kind == "datetime":
        chosen = [v for v in views if abs(v.start - when.start) <= timedelta(minutes=1)]
        if not chosen and not when.has_date:
            chosen = [v for v in views if v.start.astimezone(ctx.zone).time() == when.start.time()]
    else:
        end = when.end or day_bounds(when.start)[1]
        chosen = [v for v in views if when.start <= v.start < end]
    if not chosen and len(views) == 1:
        return views  # one appointment: the confirmation step says its date, the caller can object
    return chosen
