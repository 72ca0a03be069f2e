"""get_context: today, the business and its hours, and who is calling (CONTRACT section 2)."""

from __future__ import annotations

from typing import Any

from agent_functions.call_context import caller_facts, hours_text
from agent_functions.functions.base import FunctionContext, handler
from agent_functions.replies import Reply, appointment_data
from agent_functions.speech import DE_WEEKDAYS, EN_WEEKDAYS, say_clock, say_date, say_when
from agent_functions.understanding import customer_phone
from booking_core.tenant_config import WEEKDAYS


@handler("get_context")
async def get_context(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    now = ctx.now()
    tenant = ctx.tenant
    today_key = WEEKDAYS[now.weekday()]
    week = {day: [r.as_pair() for r in tenant.opening_hours.get(day, ())] for day in WEEKDAYS}
    today_hours = week[today_key]
    facts = await caller_facts(ctx.services, tenant, customer_phone(ctx, {}) if ctx.call.from_number else None)
    upcoming = facts.upcoming
    caller: dict[str, Any] = {"known": facts.known, "name": facts.name,
                              "appointments": [appointment_data(a, tenant) for a in upcoming]}

    weekday = (DE_WEEKDAYS if ctx.lang == "de" else EN_WEEKDAYS)[now.weekday()]
    sentences = [ctx.say(
        f"Heute ist {say_date(now.date(), 'de')}, es ist {say_clock(now, 'de')}.",
        f"Today is {say_date(now.date(), 'en')}, it is {say_clock(now, 'en')}.",
    )]
    if today_hours:
        sentences.append(ctx.say(
            f"{tenant.name} hat heute von {hours_text(today_hours, 'de')} geöffnet.",
            f"{tenant.name} is open today from {hours_text(today_hours, 'en')}.",
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
