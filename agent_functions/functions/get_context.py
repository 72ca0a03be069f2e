"""get_context: today, the business and its hours, and who is calling (CONTRACT section 2)."""

from __future__ import annotations

from typing import Any

from agent_functions.functions.base import FunctionContext, handler
from agent_functions.replies import Reply, appointment_data
from agent_functions.speech import DE_WEEKDAYS, EN_WEEKDAYS, say_clock, say_date, say_when
from agent_functions.understanding import customer_phone
from booking_core.customers import customer_name_by_phone, is_known, no_show_count
from booking_core.tenant_config import WEEKDAYS


# From this many no-shows on, the agent is told (a business may ask such callers for a deposit; issue 16).
NO_SHOW_NOTE = 2


def _hours_text(ranges: list[list[str]], lang: str) -> str:
    if lang == "de":
        return " und ".join(f"{a} bis {b} Uhr" for a, b in ranges)
    return " and ".join(f"{a} to {b}" for a, b in ranges)


@handler("get_context")
async def get_context(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    now = ctx.now()
    tenant = ctx.tenant
    today_key = WEEKDAYS[now.weekday()]
    week = {day: [r.as_pair() for r in tenant.opening_hours.get(day, ())] for day in WEEKDAYS}
    today_hours = week[today_key]
    caller: dict[str, Any] = {"known": False, "name": None, "appointments": [], "no_shows": 0}
    upcoming = []
    phone = customer_phone(ctx, {}) if ctx.call.from_number else None
    if phone:
        name = await customer_name_by_phone(ctx.services.db, tenant.id, phone)
        upcoming = await ctx.services.booking.upcoming_for_phone(tenant, phone)
        known = name is not None or bool(upcoming) or await is_known(ctx.services.db, tenant.id, phone)
        no_shows = await no_show_count(ctx.services.db, tenant.id, phone) if known else 0
        caller = {"known": known, "name": name, "appointments": [appointment_data(a, tenant) for a in upcoming],
                  "no_shows": no_shows}

    weekday = (DE_WEEKDAYS if ctx.lang == "de" else EN_WEEKDAYS)[now.weekday()]
    sentences = [ctx.say(
        f"Heute ist {say_date(now.date(), 'de')}, es ist {say_clock(now, 'de')}.",
        f"Today is {say_date(now.date(), 'en')}, it is {say_clock(now, 'en')}.",
    )]
    if today_hours:
        sentences.append(ctx.say(
            f"{tenant.name} hat heute von {_hours_text(today_hours, 'de')} geöffnet.",
            f"{tenant.name} is open today from {_hours_text(today_hours, 'en')}.",
        ))
    else:
        sentences.append(ctx.say(f"{tenant.name} ist heute geschlossen.", f"{tenant.name} is closed today."))
    if caller["known"] and caller["name"]:
        if upcoming:
            first = upcoming[0]
            local = first.start.astimezone(ctx.zone)
            sentences.append(
                ctx.say(
                    f"Der Anrufer ist {caller['name']}, nächster Termin: "
                    f"{first.service_name} am {say_when(local, 'de', now.date())}.",
                    f"The caller is {caller['name']}, next appointment: "
                    f"{first.service_name} on {say_when(local, 'en', now.date())}.",
                )
            )
        else:
            sentences.append(ctx.say(f"Der Anrufer ist {caller['name']}.", f"The caller is {caller['name']}."))

    if caller.get("no_shows", 0) >= NO_SHOW_NOTE:
        sentences.append(ctx.say(
            f"Hinweis: Dieser Anrufer ist {caller['no_shows']} Termine nicht erschienen.",
            f"Note: this caller did not turn up for {caller['no_shows']} appointments."))

    context = {
        "now": now.isoformat(),
        "today": now.date().isoformat(),
        "weekday": weekday,
        "timezone": tenant.timezone,
        "language": tenant.language,
        "business": {"name": tenant.name},
        "opening_hours_today": today_hours,
        "opening_hours_week": week,
        "caller": caller,
    }
    return Reply("ok", " ".join(sentences), {"context": context})
