"""Visits by phone (CONTRACT section 10): `service` naming several services ("Damenhaarschnitt und
Ansatz färben", "cut and colour", "Schnitt, Farbe") becomes one visit, checked and booked together.

A text that names one service (also one whose name has an "und" in it, "Föhnen und Styling") stays
one service. Otherwise it is split at "und", "and", commas, "plus", "&"; when every part names a
service, it is a visit; a part that could be several services is asked back with its candidates.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from agent_functions.functions.base import FunctionContext
from agent_functions.functions.group_cancel import fee_total
from agent_functions.functions.offer_speech import offer_list, spell_reference, unavailable_reply, with_staff
from agent_functions.functions.package_speech import booked_sentence, package_data
from agent_functions.functions.series import booked_brief
from agent_functions.functions.wish import Wish
from agent_functions.registry import truthy
from agent_functions.replies import Reply, appointment_data, iso, ref, slot_data
from agent_functions.speech import capital, echo, join_and, join_words, say_clock, say_money, say_when
from agent_functions.understanding import text_arg, understand_service
from booking_core.domain import AppointmentView, CustomerInput, Slot, SlotRequest
from booking_core.errors import PolicyDenied, SlotUnavailable
from booking_core.tenant_config import Service

SEPARATORS = re.compile(r"\s*(?:,|;|\+|&|\bund\b|\band\b|\bsowie\b|\bplus\b|\bthen\b|\bdanach\b)\s*", re.I)


def understand_visit(ctx: FunctionContext, text: str | None) -> list[Service] | Reply | None:
    """The services of a visit said in `text`, a question about one of its parts, or None when
    `text` is not a visit (one service, or parts that name nothing)."""
    if not text or understand_service(ctx, text).item is not None:
        return None
    parts = [p for p in SEPARATORS.split(text) if p and p.strip()]
    if len(parts) < 2:
        return None
    choices = [understand_service(ctx, p) for p in parts]
    if any(c.item is None and not c.candidates for c in choices):
        return None
    unclear = next((c for c in choices if c.item is None), None)
    if unclear is not None:
        names = [c.name for c in unclear.candidates]
        heard = echo(unclear.heard or "")
        return Reply(
            "needs_clarification",
            ctx.say(
                f"Bei „{heard}“: Meinen Sie {join_words(names, 'de')}?",
                f"For “{heard}”: do you mean {join_words(names, 'en')}?",
            ),
            {"missing": ["service"], "options": [ref(c.id, c.name) for c in unclear.candidates]},
        )
    services: list[Service] = []
    for c in choices:
        if c.item not in services:
            services.append(c.item)
    return services if len(services) >= 2 else None


def _brief(ctx: FunctionContext, slot: Slot) -> dict[str, Any]:
    return {
        "service": ref(slot.service_id, slot.service_name),
        "start": iso(slot.start, ctx.zone),
        "end": iso(slot.end, ctx.zone),
        "staff": ref(slot.staff_id, slot.staff_name),
        "price": {"amount": str(slot.price), "currency": slot.currency},
    }


def _visit_data(ctx: FunctionContext, services: list[Service], parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"services": [ref(s.id, s.name) for s in services], "appointments": parts}


def _names(ctx: FunctionContext, services: list[Service]) -> str:
    return join_and([s.name for s in services], ctx.lang)


def _parts_said(ctx: FunctionContext, slots: list[Slot] | list[AppointmentView], staff_id: str) -> str:
    """'Damenhaarschnitt um halb elf, Ansatzfärbung um 10 Uhr' with 'bei Ben' where someone else does a part."""
    said = []
    for s in slots:
        text = f"{s.service_name} {ctx.say('um', 'at')} {say_clock(s.start.astimezone(ctx.zone), ctx.lang)}"
        said.append(text + (f" {with_staff(ctx, s.staff_id)}" if s.staff_id != staff_id else ""))
    return join_and(said, ctx.lang)


async def check_visit_reply(ctx: FunctionContext, wish: Wish, services: list[Service]) -> Reply:
    """check_availability for a visit: the whole visit at the time, options over a day, or alternatives."""
    request = wish.request
    assert request is not None
    booking, tenant = ctx.services.booking, ctx.tenant
    outcome = await booking.check_visit(tenant, [s.id for s in services], request)
    if outcome.visit is not None:
        slots = list(outcome.visit)
        first = slots[0]
        when = say_when(first.start.astimezone(ctx.zone), ctx.lang, ctx.now().date())
        end = say_clock(max(s.end for s in slots).astimezone(ctx.zone), ctx.lang)
        total = say_money(sum((s.price for s in slots), Decimal(0)), tenant.currency, ctx.lang)
        staff = with_staff(ctx, first.staff_id)
        message = ctx.say(
            f"{capital(when)} {staff} geht das: {_parts_said(ctx, slots, first.staff_id)}. "
            f"Sie wären gegen {end} fertig, zusammen {total}. Soll ich das so buchen?",
            f"{capital(when)} {staff} works: {_parts_said(ctx, slots, first.staff_id)}. "
            f"You'd be done by {end}, {total} altogether. Shall I book it?",
        )
        visit = _visit_data(ctx, services, [_brief(ctx, s) for s in slots])
        return Reply("available", message, {**wish.data, "visit": visit})
    if outcome.options:
        firsts = tuple(v[0] for v in outcome.options)
        message = ctx.say(
            f"Für {_names(ctx, services)} hätte ich {offer_list(ctx, firsts)} frei. Was passt Ihnen?",
            f"For {_names(ctx, services)} I have {offer_list(ctx, firsts)}. Which suits you?",
        )
        return Reply(
            "available",
            message,
            {**wish.data, "slots": [slot_data(s, tenant) for s in firsts], "visit": _visit_data(ctx, services, [])},
        )
    if request.exact and not outcome.alternatives:
        return Reply(
            "needs_clarification",
            ctx.say(
                f"{_names(ctx, services)} lassen sich in den nächsten Tagen nicht an einem Termin zusammen machen. "
                "Möchten Sie die Leistungen einzeln buchen?",
                f"{_names(ctx, services)} can't be done together in one visit in the coming days. "
                "Would you like to book them separately?",
            ),
            {
                **wish.data,
                "missing": ["service"],
                "visit": _visit_data(ctx, services, []),
                "reason": outcome.reason.code if outcome.reason else None,
            },
        )
    firsts = tuple(v[0] for v in outcome.alternatives)
    data = {**wish.data, "visit": _visit_data(ctx, services, [])}
    why = outcome.reason
    return unavailable_reply(ctx, request, why.code if why else None, firsts, data, why)


async def book_visit_reply(
    ctx: FunctionContext, wish: Wish, services: list[Service], name: str, phone: str | None, notes: str | None
) -> Reply:
    """book_appointment for a visit: every service, all or nothing; the first part's reference."""
    request = wish.request
    assert request is not None
    if not request.exact:
        return await check_visit_reply(ctx, wish, services)
    booking, tenant = ctx.services.booking, ctx.tenant
    try:
        views, _created = await booking.book_visit(
            tenant,
            [s.id for s in services],
            request.staff_id,
            request.start,
            CustomerInput(name, phone),
            ctx.call.call_id,
            notes=notes,
        )
    except SlotUnavailable:
        return await check_visit_reply(ctx, wish, services)  # says why, with whole visits nearby
    first = views[0]
    when = say_when(first.start.astimezone(ctx.zone), ctx.lang, ctx.now().date())
    end = say_clock(max(v.end for v in views).astimezone(ctx.zone), ctx.lang)
    paid_by_card = [v.package is not None and v.package.outcome == "used" for v in views]
    due = sum((v.price for v, card in zip(views, paid_by_card) if not card), Decimal(0))  # a card's part is paid
    total = say_money(due, tenant.currency, ctx.lang)
    staff, parts_said = with_staff(ctx, first.staff_id), _parts_said(ctx, views, first.staff_id)
    message = ctx.say(
        f"Ich habe Sie {when} {staff} eingetragen: {parts_said}; "
        f"fertig gegen {end}, zusammen {total}. Ihre Buchungsnummer ist {spell_reference(first.reference)}.",
        f"You're booked {when} {staff}: {parts_said}; "
        f"done by {end}, {total} altogether. Your booking reference is {spell_reference(first.reference)}.",
    )
    uses = [v.package for v in views if v.package is not None]
    card = booked_sentence(ctx, uses, None, claimed=False) if any(paid_by_card) else ""
    message += f" {card}" if card else ""
    parts = [
        {
            "id": v.id,
            "reference": v.reference,
            "status": v.status,
            "service": ref(v.service_id, v.service_name),
            "start": iso(v.start, ctx.zone),
            "end": iso(v.end, ctx.zone),
            "staff": ref(v.staff_id, v.staff_name),
        }
        for v in views
    ]
    return Reply(
        "booked",
        message,
        {
            **wish.data,
            "visit": {**_visit_data(ctx, services, parts), "id": first.visit_id, "reference": first.reference},
            **package_data(ctx, uses),
        },
    )


async def move_visit_reply(
    ctx: FunctionContext, args: dict[str, Any], view: AppointmentView, request: SlotRequest, data: dict[str, Any]
) -> Reply:
    """reschedule_appointment on a part of a visit: the whole visit moves to start at the new time
    (`request`, from `new_date`/`new_time`), each part under the reschedule policy; asked first, then
    moved. `data`: the reply data so far (request, appointment)."""
    from agent_functions.functions.changes import denied_reply  # late: changes dispatches to this module

    booking, tenant = ctx.services.booking, ctx.tenant
    if not request.exact:
        return Reply(
            "needs_clarification",
            ctx.say("Um wie viel Uhr soll Ihr Besuch dann beginnen?", "What time should your visit start then?"),
            {**data, "missing": ["new_time"]},
        )
    members = await booking.visit_parts(tenant, view.id)
    decisions = [(v, await booking.decide(tenant, v.id, "reschedule")) for v in members]
    denied = next((d for _, d in decisions if not d.allowed), None)
    if denied is not None:
        return denied_reply(ctx, denied, "Verschieben", "reschedule", data)
    when = say_when(request.start.astimezone(ctx.zone), ctx.lang, ctx.now().date())
    names = join_and([v.service_name for v in members], ctx.lang)
    if not truthy(args.get("confirm")):
        return Reply(
            "needs_confirmation",
            ctx.say(
                f"Soll ich Ihren Besuch mit {names} auf {when} verschieben? {fee_total(ctx, decisions)}",
                f"Shall I move your visit with {names} to {when}? {fee_total(ctx, decisions)}",
            ),
            data,
        )
    try:
        moved, done = await booking.move_visit(
            tenant,
            view.id,
            request.start,
            staff_id=request.staff_id,
            call_id=ctx.call.call_id,
            reason=text_arg(args, "reason"),
        )
    except SlotUnavailable as exc:
        return Reply(
            "unavailable",
            ctx.say(
                "Zu dieser Zeit passt Ihr Besuch leider nicht. Möchten Sie eine andere Zeit versuchen?",
                "Your visit doesn't fit at that time, I'm afraid. Would you like to try another time?",
            ),
            {**data, "reason": exc.reason},
        )
    except PolicyDenied as exc:
        return denied_reply(ctx, exc.decision, "Verschieben", "reschedule", data)
    message = ctx.say(
        f"Erledigt: Ihr Besuch ist jetzt {when}: {_parts_said(ctx, moved, moved[0].staff_id)}.",
        f"Done: your visit is now {when}: {_parts_said(ctx, moved, moved[0].staff_id)}.",
    )
    pairs = list(zip(moved, done, strict=True))
    if any(d.fee > 0 for d in done):
        message += " " + fee_total(ctx, pairs)
    return Reply(
        "rescheduled",
        message,
        {
            **data,
            "appointment": appointment_data(moved[0], tenant),
            "visit": {"id": moved[0].visit_id, "appointments": [booked_brief(ctx, v) for v in moved]},
        },
    )
