"""book_appointment (and start_booking / confirm_booking): book what the caller agreed to.

The slot booked is the one the caller chose: the call's hold, or one of the alternatives just
offered, even when the AI re-sends the original day with the alternative's time (the classic
failure of voice flows). Retries of the same call write once (dispatch caches the answer, and the
core's idempotency key guards the write itself).
"""

from __future__ import annotations

from typing import Any

from agent_functions.call_memory import Memory, forget_offers, recall_offers, remember_offers
from agent_functions.functions.base import FunctionContext, handler
from agent_functions.functions.check_availability import answer_check
from agent_functions.functions.offer_memory import matching_offer
from agent_functions.functions.offer_speech import service_summary, spell_reference, unavailable_reply, with_staff
from agent_functions.functions.package_speech import booked_sentence, claims_card, package_data
from agent_functions.functions.series import book_series_reply, understand_series, wants_series
from agent_functions.functions.visits import book_visit_reply, understand_visit
from agent_functions.functions.wish import understand_wish
from agent_functions.replies import Reply, appointment_data, slot_data
from agent_functions.speech import capital, say_when
from agent_functions.understanding import customer_name, customer_phone, phone_unreadable, text_arg
from booking_core.customers import customer_name_by_phone
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.errors import SlotUnavailable
from booking_core.messages import valid_email


@handler("book_appointment")
async def book_appointment(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    memory = await recall_offers(ctx.services, ctx.tenant.id, ctx.call.call_id)
    service_text = text_arg(args, "service") or (memory.offers[0].service_id if memory.offers else None)
    visit = understand_visit(ctx, service_text)
    if isinstance(visit, Reply):
        return visit
    wish = understand_wish(ctx, args, service_text=visit[0].id if visit else service_text, require_when=False)
    if wish.clarification is not None:
        return wish.clarification
    assert wish.service.item is not None
    request = wish.request
    chosen = matching_offer(memory.offers, request, ctx.zone)
    if chosen is not None and (request is None or request.exact):
        staff_id = wish.staff.item.id if wish.staff.item is not None else chosen.staff_id
        request = SlotRequest(chosen.service_id, staff_id, chosen.start, None, exact=True)
    if request is None:
        return Reply(
            "needs_clarification",
            ctx.say(
                "An welchem Tag und um wie viel Uhr darf ich Sie eintragen?", "Which day and time shall I book for you?"
            ),
            {**wish.data, "missing": ["date", "time"]},
        )
    if phone_unreadable(ctx, args):
        return _ask_phone(ctx, wish.data)
    if visit:
        name, phone = await _customer(ctx, args)
        if name is None:
            return _ask_name(ctx, wish.data)
        wish.request = request
        return await book_visit_reply(ctx, wish, visit, name, phone, text_arg(args, "notes"))
    if wants_series(args):
        series = understand_series(ctx, args, wish.data)
        if isinstance(series, Reply):
            return series
        name, phone = await _customer(ctx, args)
        if name is None:
            return _ask_name(ctx, wish.data)
        wish.request = request
        return await book_series_reply(ctx, wish, series, name, phone, text_arg(args, "notes"))
    if not request.exact:
        wish.request = request
        return await answer_check(ctx, wish)  # a day or window: offer options first

    name, phone = await _customer(ctx, args)
    notes = text_arg(args, "notes")
    email = text_arg(args, "customer_email")
    if email is not None and valid_email(email) is None:
        return _ask_email(ctx, wish.data)
    email = valid_email(email)
    if ctx.mode == "hold_only":
        return await _hold_for_confirmation(
            ctx,
            wish.data,
            request,
            {
                "customer_name": name,
                "customer_phone": phone,
                "customer_email": email,
                "notes": notes,
                "package": text_arg(args, "package"),
            },
        )
    if name is None:
        return _ask_name(ctx, wish.data)
    return await book(ctx, request, CustomerInput(name, phone, email), notes, wish.data, claims_card(ctx, args))


async def _customer(ctx: FunctionContext, args: dict[str, Any]) -> tuple[str | None, str | None]:
    """Who the booking is for: the name said (else the known caller's by phone) and the phone."""
    name = customer_name(args)
    phone = customer_phone(ctx, args)
    if name is None and phone is not None:
        name = await customer_name_by_phone(ctx.services.db, ctx.tenant.id, phone)
    return name, phone


def _ask_name(ctx: FunctionContext, data: dict[str, Any]) -> Reply:
    return Reply(
        "needs_clarification",
        ctx.say("Auf welchen Namen darf ich den Termin eintragen?", "What name shall I put the appointment under?"),
        {**data, "missing": ["customer_name"]},
    )


def _ask_phone(ctx: FunctionContext, data: dict[str, Any]) -> Reply:
    """A phone number that is not one: ask again, book nothing (the caller's own number is not what
    they said)."""
    return Reply(
        "needs_clarification",
        ctx.say(
            "Die Telefonnummer habe ich leider nicht vollständig verstanden. Können Sie sie bitte noch einmal "
            "Ziffer für Ziffer sagen?",
            "I didn't quite catch that phone number. Could you say it again, digit by digit?",
        ),
        {**data, "missing": ["customer_phone"]},
    )


def _ask_email(ctx: FunctionContext, data: dict[str, Any]) -> Reply:
    """An email address that is not one: ask again, book nothing (a confirmation must reach the caller)."""
    return Reply(
        "needs_clarification",
        ctx.say(
            "Die E-Mail-Adresse habe ich leider nicht richtig verstanden. Können Sie sie bitte noch einmal "
            "buchstabieren?",
            "I didn't quite catch that email address. Could you spell it for me once more?",
        ),
        {**data, "missing": ["customer_email"]},
    )


async def book(
    ctx: FunctionContext,
    request: SlotRequest,
    customer: CustomerInput,
    notes: str | None,
    data: dict[str, Any],
    claimed_card: bool = False,
) -> Reply:
    """Book the exact `request` and say so; a multi-session card that paid for it (or could not) is
    said instead of the price (package_speech)."""
    booking, tenant = ctx.services.booking, ctx.tenant
    try:
        view, _created = await booking.book(tenant, request, customer, ctx.call.call_id, notes=notes)
    except SlotUnavailable as exc:
        await remember_offers(ctx.services, tenant.id, ctx.call.call_id, exc.alternatives)
        return unavailable_reply(ctx, request, exc.reason, exc.alternatives, data, exc.refusal)
    await forget_offers(ctx.services, tenant.id, ctx.call.call_id)
    service = tenant.service(view.service_id)
    when = say_when(view.start.astimezone(ctx.zone), ctx.lang, ctx.now().date())
    message = ctx.say(
        f"Ich habe Sie für {when} {with_staff(ctx, view.staff_id)} eingetragen.",
        f"You're booked for {when} {with_staff(ctx, view.staff_id)}.",
    )
    card = booked_sentence(ctx, [view.package], view.price, claimed_card)
    if card:
        message += " " + card
    elif service is not None:
        message += " " + service_summary(ctx, service, view.price)
    message += " " + ctx.say(
        f"Ihre Buchungsnummer ist {spell_reference(view.reference)}.",
        f"Your booking reference is {spell_reference(view.reference)}.",
    )
    return Reply(
        "booked",
        message,
        {**data, "appointment": appointment_data(view, tenant), **package_data(ctx, [view.package], claimed_card)},
    )


async def _hold_for_confirmation(
    ctx: FunctionContext, data: dict[str, Any], request: SlotRequest, pending: dict[str, Any]
) -> Reply:
    """start_booking: hold the slot and ask; confirm_booking books it."""
    outcome = await ctx.services.booking.check(ctx.tenant, request, ctx.call.call_id)
    if not (outcome.available and outcome.slot is not None):
        await remember_offers(ctx.services, ctx.tenant.id, ctx.call.call_id, outcome.alternatives)
        return unavailable_reply(ctx, request, outcome.reason, outcome.alternatives, data, outcome.refusal)
    await remember_offers(
        ctx.services, ctx.tenant.id, ctx.call.call_id, [outcome.slot], pending={k: v for k, v in pending.items() if v}
    )
    slot = outcome.slot
    when = say_when(slot.start.astimezone(ctx.zone), ctx.lang, ctx.now().date())
    return Reply(
        "needs_confirmation",
        ctx.say(
            f"{capital(when)} {with_staff(ctx, slot.staff_id)} ist frei. Soll ich den Termin verbindlich für Sie "
            "buchen?",
            f"{capital(when)} {with_staff(ctx, slot.staff_id)} is free. Shall I confirm the booking?",
        ),
        {**data, "slot": slot_data(slot, ctx.tenant, outcome.hold_expires_at)},
    )


@handler("confirm_booking")
async def confirm_booking(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    memory: Memory = await recall_offers(ctx.services, ctx.tenant.id, ctx.call.call_id)
    if len(memory.offers) != 1:
        return Reply(
            "needs_clarification",
            ctx.say(
                "Es ist noch kein Termin vorgemerkt. Welchen Termin möchten Sie buchen?",
                "There's no appointment pending yet. Which appointment would you like to book?",
            ),
            {"missing": ["service", "date", "time"]},
        )
    offer = memory.offers[0]
    request = SlotRequest(offer.service_id, offer.staff_id, offer.start, None, exact=True)
    name = customer_name(args) or memory.pending.get("customer_name")
    phone = memory.pending.get("customer_phone") if "customer_phone" not in args else None
    phone = phone or customer_phone(ctx, args)
    if name is None and phone is not None:
        name = await customer_name_by_phone(ctx.services.db, ctx.tenant.id, phone)
    if phone_unreadable(ctx, args):
        return _ask_phone(ctx, {})
    email = text_arg(args, "customer_email")
    if email is not None and valid_email(email) is None:
        return _ask_email(ctx, {})
    email = valid_email(email) or memory.pending.get("customer_email")
    if name is None:
        return _ask_name(ctx, {})
    notes = text_arg(args, "notes") or memory.pending.get("notes")
    return await book(
        ctx,
        request,
        CustomerInput(name, phone, email),
        notes,
        {},
        claims_card(ctx, {"package": memory.pending.get("package"), **args, "notes": notes}),
    )
