"""check_availability: is the wished time free? Hold it; if not, offer the nearest alternatives.

A day or part of day gets up to three options spread over it. Whatever is offered is remembered for
the call, so the booking that follows books what the caller chose.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from agent_functions.call_memory import remember_offers
from agent_functions.functions.base import FunctionContext, handler
from agent_functions.functions.offer_speech import (
    in_speaking_order,
    offer_list,
    service_summary,
    unavailable_reply,
    with_staff,
)
from agent_functions.functions.series import check_series_reply, understand_series, wants_series
from agent_functions.functions.visits import check_visit_reply, understand_visit
from agent_functions.functions.wish import Wish, understand_wish
from agent_functions.replies import Reply, slot_data
from agent_functions.speech import capital, say_on_day, say_when
from agent_functions.understanding import text_arg
from booking_core.domain import CheckOutcome, Slot, SlotRequest
from booking_core.waitlist import keeps_waitlist


@handler("check_availability")
async def check_availability(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    visit = understand_visit(ctx, text_arg(args, "service"))
    if isinstance(visit, Reply):
        return visit
    wish = understand_wish(ctx, args, service_text=visit[0].id if visit else None)
    if wish.clarification is not None:
        return wish.clarification
    if visit:
        return await check_visit_reply(ctx, wish, visit)
    if wants_series(args):
        series = understand_series(ctx, args, wish.data)
        return series if isinstance(series, Reply) else await check_series_reply(ctx, wish, series)
    return await answer_check(ctx, wish)


async def answer_check(ctx: FunctionContext, wish: Wish) -> Reply:
    """Check the wish (holding an exact time for this call) and say the outcome."""
    request = wish.request
    assert request is not None and wish.service.item is not None
    booking, tenant = ctx.services.booking, ctx.tenant
    outcome = await booking.check(tenant, request, ctx.call.call_id)
    if outcome.available and outcome.slot is not None:
        await remember_offers(ctx.services, tenant.id, ctx.call.call_id, [outcome.slot])
        return _available(ctx, wish, outcome)
    if outcome.slots:
        await remember_offers(ctx.services, tenant.id, ctx.call.call_id, outcome.slots)
        return _options(ctx, wish, outcome)
    alternatives = outcome.alternatives
    if not alternatives and not request.exact and outcome.reason != "not_qualified":
        # Nothing in the wished day or window: look onwards from its end.
        later = await booking.check(tenant, replace(request, start=request.end or request.start, end=None), None)
        alternatives = later.slots or later.alternatives
    await remember_offers(ctx.services, tenant.id, ctx.call.call_id, alternatives)
    waitlist = _waitlist_possible(ctx, request, outcome.reason, alternatives)
    return unavailable_reply(ctx, request, outcome.reason, alternatives, wish.data, outcome.refusal, waitlist=waitlist)


def _waitlist_possible(
    ctx: FunctionContext, request: SlotRequest, reason: str | None, offered: tuple[Slot, ...]
) -> bool:
    """Nothing fits the wished window because it is booked out (not closed, not off, not too soon):
    a cancellation could free it, so the caller may join the waitlist (CONTRACT section 10). The
    window of an exact time is its day: nothing offered on that day means the day is full."""
    if reason != "taken" or not keeps_waitlist(ctx.tenant):
        return False
    if not request.exact:
        return True
    day = request.start.astimezone(ctx.zone).date()
    return all(s.start.astimezone(ctx.zone).date() != day for s in offered)


def _available(ctx: FunctionContext, wish: Wish, outcome: CheckOutcome) -> Reply:
    slot = outcome.slot
    assert slot is not None and wish.service.item is not None
    local = slot.start.astimezone(ctx.zone)
    when = say_when(local, ctx.lang, ctx.now().date())
    staff = with_staff(ctx, slot.staff_id)
    service = wish.service.item
    message = ctx.say(
        f"{capital(when)} {staff} ist frei, ich halte Ihnen den Termin kurz fest.",
        f"{capital(when)} {staff} is free, and I'm holding it for you.",
    )
    if service.composite:
        message += " " + service_summary(ctx, service, slot.price)
    message += " " + ctx.say("Soll ich ihn verbindlich buchen?", "Shall I book it?")
    return Reply("available", message, {**wish.data, "slot": slot_data(slot, ctx.tenant, outcome.hold_expires_at)})


def _options(ctx: FunctionContext, wish: Wish, outcome: CheckOutcome) -> Reply:
    """'Am Dienstag, den 1. Dezember, hätte ich um 8 Uhr, um halb zehn oder um 11 Uhr frei.' /
    'On Tuesday 1 December I have 8 am, 9:30 am or 11 am.' In time order, in the message and in `data.slots`."""
    request: SlotRequest | None = wish.request
    assert request is not None
    slots = in_speaking_order(outcome.slots)

    def message(count: int) -> str:
        shown = slots[:count]
        first_day = shown[0].start.astimezone(ctx.zone).date()
        if all(s.start.astimezone(ctx.zone).date() == first_day for s in shown):
            day = capital(say_on_day(first_day, ctx.lang, ctx.now().date()))
            offer = offer_list(ctx, shown, first_day)
            return ctx.say(
                f"{day}, hätte ich {offer} frei. Was passt Ihnen am besten?",
                f"{day} I have {offer}. Which suits you best?",
            )
        offer = offer_list(ctx, shown)
        return ctx.say(f"Frei wäre {offer}. Was passt Ihnen am besten?", f"I have {offer}. Which suits you best?")

    return Reply(
        "available",
        message(len(slots)),
        {**wish.data, "slots": [slot_data(s, ctx.tenant) for s in slots]},
        spoken="slots",
        render=message,
    )
