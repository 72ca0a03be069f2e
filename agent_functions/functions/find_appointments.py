"""find_appointments: the caller's upcoming appointments, by their number, else by name."""

from __future__ import annotations

from typing import Any

from agent_functions.functions.base import FunctionContext, handler
from agent_functions.functions.offer_speech import speak_appointments
from agent_functions.replies import Reply, appointment_data
from agent_functions.understanding import customer_name, customer_phone, day_bounds, understand_when

SPOKEN = 3


@handler("find_appointments")
async def find_appointments(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    booking, tenant = ctx.services.booking, ctx.tenant
    phone = customer_phone(ctx, args)
    name = customer_name(args)
    if phone is None and name is None:
        return Reply(
            "needs_clarification",
            ctx.say("Auf welchen Namen ist der Termin eingetragen?", "What name is the appointment under?"),
            {"missing": ["customer_name"]},
        )
    day = None
    when = understand_when(ctx, {"date": args.get("date")}) if args.get("date") else None
    if when is not None and when.kind != "none" and when.start is not None:
        day = day_bounds(when.start)[0].date()
    # Several people may share a number (a family): with a name, only that person's appointments.
    found = await booking.find_appointments(tenant, phone=phone, name=name, day=day) if phone else []
    if not found and name:
        found = await booking.find_appointments(tenant, name=name, day=day)
    data = {"appointments": [appointment_data(a, tenant) for a in found]}
    if not found:
        return Reply(
            "not_found",
            ctx.say(
                "Ich finde leider keinen bevorstehenden Termin für Sie.",
                "I can't find an upcoming appointment for you.",
            ),
            data,
        )

    def message(count: int) -> str:
        """How many there are, and the first of them (no more than SPOKEN, nor than `data` keeps)."""
        listed = speak_appointments(ctx, found[: min(SPOKEN, count)], both=True)
        if len(found) == 1:
            return ctx.say(f"Sie haben einen Termin: {listed}.", f"You have one appointment: {listed}.")
        return ctx.say(f"Sie haben {len(found)} Termine: {listed}.", f"You have {len(found)} appointments: {listed}.")

    return Reply("ok", message(len(found)), data, spoken="appointments", render=message)
