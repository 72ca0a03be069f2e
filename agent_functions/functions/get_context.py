"""get_context: today, the business and its hours, and who is calling (CONTRACT sections 2 and 14).

Today's hours and the week's come from booking_core.opening, so a closure or a public holiday is a
closed day here exactly as it is for check_availability (an empty list and `closed_reason`).
"""

from __future__ import annotations

from typing import Any

from agent_functions.call_context import caller_facts, hours_text
from agent_functions.functions.base import FunctionContext, handler
from agent_functions.replies import Reply, appointment_data
from agent_functions.speech import (
    DE_WEEKDAYS,
    EN_WEEKDAYS,
    join_and,
    say_clock,
    say_date,
    say_on_when,
    say_service,
)
from agent_functions.understanding import customer_phone
from booking_core.domain import AppointmentView
from booking_core.opening import ClosedReason, DayHours, week_hours
from booking_core.packages import balances

# From this many no-shows on, the agent is told (a business may ask such callers for a deposit; issue 16).
NO_SHOW_NOTE = 2


def _today_sentence(ctx: FunctionContext, today: DayHours) -> str:
    """'Salon Sonnenschein hat heute von 09:00 bis 19:00 Uhr geöffnet.'

    or '... ist heute wegen Weihnachten geschlossen.'"""
    name = ctx.tenant.name
    if today.hours:
        hours = today.pairs()
        return ctx.say(
            f"{name} hat heute von {hours_text(hours, 'de')} geöffnet.",
            f"{name} is open today from {hours_text(hours, 'en')}.",
        )
    why_de, why_en = _closed_why(today.closed)
    return ctx.say(f"{name} ist heute{why_de} geschlossen.", f"{name} is closed today{why_en}.")


def _closed_why(closed: ClosedReason | None) -> tuple[str, str]:
    """(' wegen Weihnachten', ' for Christmas') for a named closure or holiday; nothing for a closed weekday."""
    if closed is None or not closed.name:
        return "", ""
    if closed.kind == "holiday":
        return f" wegen des Feiertags {closed.name}", f" for {closed.name}"
    return f" wegen {closed.name}", f" for {closed.name}"


def _caller_sentence(ctx: FunctionContext, names: list[str], first: AppointmentView | None) -> str:
    """'Der Anrufer ist Max Muster, nächster Termin: ...'; a number several people share (a family) names
    them all, and the next appointment says whose it is."""
    if len(names) > 1:
        who = ctx.say(
            f"Unter dieser Nummer kennen wir {join_and(names, 'de')}", f"This number belongs to {join_and(names, 'en')}"
        )
    else:
        who = ctx.say(f"Der Anrufer ist {names[0]}", f"The caller is {names[0]}")
    if first is None:
        return who + "."
    service = say_service(first.service_name, ctx.lang)
    whom_de = f" für {first.customer_name}" if len(names) > 1 and first.customer_name else ""
    whom_en = f" for {first.customer_name}" if whom_de else ""
    when = first.start.astimezone(ctx.zone)
    today = ctx.now().date()
    return ctx.say(
        f"{who}, nächster Termin: {service}{whom_de} {say_on_when(when, 'de', today)}.",
        f"{who}, next appointment: {service}{whom_en} {say_on_when(when, 'en', today)}.",
    )


@handler("get_context")
async def get_context(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    now = ctx.now()
    tenant = ctx.tenant
    days = week_hours(tenant, now.date())  # today and the six days after: each weekday once, as a caller names it
    today = days[0]
    today_hours = today.pairs()
    caller: dict[str, Any] = {"known": False, "name": None, "appointments": [], "no_shows": 0}
    phone = customer_phone(ctx, {}) if ctx.call.from_number else None
    facts = await caller_facts(ctx.services, tenant, phone)
    upcoming = facts.upcoming
    if phone:
        caller = {
            "known": facts.known,
            "name": facts.name,
            "names": facts.names,
            "no_shows": facts.no_shows,
            "appointments": [appointment_data(a, tenant) for a in upcoming],
        }
        if tenant.packages:  # the caller's cards with credits left, so the agent can answer "wie viele noch?"
            caller["packages"] = [
                {
                    "id": s.package_id,
                    "name": s.package_name,
                    "service": s.service_id,
                    "remaining": s.remaining,
                    "expires_at": s.expires_at.astimezone(ctx.zone).isoformat(),
                    "customer": s.customer_name,
                }
                for s in await balances(ctx.services.db, tenant, phone)
                if s.remaining > 0 and s.expires_at > now
            ]

    weekday = (DE_WEEKDAYS if ctx.lang == "de" else EN_WEEKDAYS)[now.weekday()]
    sentences = [
        ctx.say(
            f"Heute ist {say_date(now.date(), 'de')}, es ist {say_clock(now, 'de')}.",
            f"Today is {say_date(now.date(), 'en')}, it is {say_clock(now, 'en')}.",
        )
    ]
    sentences.append(_today_sentence(ctx, today))
    if caller["known"] and caller["name"]:
        sentences.append(_caller_sentence(ctx, caller["names"], upcoming[0] if upcoming else None))

    if caller.get("no_shows", 0) >= NO_SHOW_NOTE:
        sentences.append(
            ctx.say(
                f"Hinweis: Dieser Anrufer ist {caller['no_shows']} Termine nicht erschienen.",
                f"Note: this caller did not turn up for {caller['no_shows']} appointments.",
            )
        )

    context = {
        "now": now.isoformat(),
        "today": now.date().isoformat(),
        "weekday": weekday,
        "timezone": tenant.timezone,
        "language": tenant.language,
        "business": {"name": tenant.name},
        "opening_hours_today": today_hours,
        "closed_reason": today.closed.to_dict() if today.closed else None,
        "opening_hours_week": {d.weekday: d.pairs() for d in days},
        "closed_days": [
            {"date": d.day.isoformat(), "weekday": d.weekday, "closed_reason": d.closed.to_dict()}
            for d in days
            if d.closed is not None and d.closed.kind != "weekly"
        ],
        "caller": caller,
    }
    return Reply("ok", " ".join(sentences), {"context": context})
