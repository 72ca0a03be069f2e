"""cancel_appointment and reschedule_appointment: policy first, confirmation second, then the change.

Both answer `needs_confirmation` with the policy outcome (fee, deadline) until `confirm` is true, so
the caller hears the conditions before anything changes; a refused policy is `policy_denied` with
the rule spoken.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent_functions.call_memory import recall_offers, remember_offers
from agent_functions.functions.appointment_pick import pick_appointment
from agent_functions.functions.base import FunctionContext, handler
from agent_functions.functions.group_cancel import cancel_group_reply, wants_whole_series
from agent_functions.functions.move_anchor import anchor_move
from agent_functions.functions.offer_memory import matching_offer
from agent_functions.functions.offer_speech import speak_appointment, unavailable_reply, with_staff
from agent_functions.functions.package_speech import cancelled_sentence, package_data
from agent_functions.functions.visits import move_visit_reply
from agent_functions.functions.wish import understand_wish
from agent_functions.registry import truthy
from agent_functions.replies import Reply, appointment_data, iso, slot_data
from agent_functions.speech import say_money, say_when
from agent_functions.understanding import text_arg
from booking_core.domain import PolicyDecision, SlotRequest
from booking_core.errors import InvalidTransition, PolicyDenied, SlotUnavailable


def policy_data(decision: PolicyDecision, ctx: FunctionContext) -> dict[str, Any]:
    return {
        "allowed": decision.allowed,
        "fee": {"amount": f"{decision.fee:.2f}", "currency": decision.currency},
        "hours_before": f"{decision.hours_before:.1f}",
        "deadline": iso(decision.deadline, ctx.zone),
        "rule": decision.rule,
    }


def fee_sentence(ctx: FunctionContext, decision: PolicyDecision) -> str:
    if decision.fee > 0:
        fee = say_money(decision.fee, decision.currency, ctx.lang)
        return ctx.say(f"Dafür fällt eine Gebühr von {fee} an.", f"There is a fee of {fee} for this.")
    return ctx.say("Das ist kostenlos.", "There's no charge for this.")


def denied_reply(
    ctx: FunctionContext, decision: PolicyDecision, action_de: str, action_en: str, data: dict[str, Any]
) -> Reply:
    rule = decision.rule
    if rule.endswith("max_per_month"):
        reason = ctx.say(
            f"In diesem Monat ist kein weiteres {action_de} mehr möglich.",
            f"No more {action_en}s are possible this month.",
        )
    elif rule.endswith("max_per_appointment"):
        reason = ctx.say(
            "Dieser Termin wurde schon zu oft verschoben.", "This appointment has already been moved too often."
        )
    elif rule.endswith("notice"):
        hours = decision.hours_before
        reason = ctx.say(
            f"So kurzfristig ist ein {action_de} leider nicht mehr möglich.",
            f"It's too late for a {action_en}, I'm afraid.",
        )
        if hours >= 0:
            reason += ctx.say(" Das geht nur mit genügend Vorlauf.", " That needs more notice.")
    else:
        reason = ctx.say(f"Ein {action_de} ist leider nicht möglich.", f"A {action_en} isn't possible, I'm afraid.")
    reason += " " + ctx.say(
        "Soll ich einen Rückruf vom Salon für Sie notieren?", "Shall I arrange a callback from the team?"
    )
    return Reply("policy_denied", reason, {**data, "policy": policy_data(decision, ctx)})


@handler("cancel_appointment")
async def cancel_appointment(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    pick = await pick_appointment(ctx, args, date_key="date", time_key="time", cancelled_by_this_call=True)
    if pick.reply is not None:
        return pick.reply
    view = pick.appointment
    assert view is not None
    if view.visit_id or (view.series_id and wants_whole_series(args)):
        return await cancel_group_reply(ctx, args, view)
    booking, tenant = ctx.services.booking, ctx.tenant
    data: dict[str, Any] = {"appointment": appointment_data(view, tenant)}
    spoken = speak_appointment(ctx, view)
    if view.status != "cancelled":  # (a cancelled one reaches here only as this call's retry: answered below)
        decision = await booking.decide(tenant, view.id, "cancel")
        if not decision.allowed:
            return denied_reply(ctx, decision, "Stornieren", "cancellation", data)
    if not truthy(args.get("confirm")) and view.status != "cancelled":
        return Reply(
            "needs_confirmation",
            ctx.say(
                f"Soll ich Ihren Termin {spoken} stornieren? {fee_sentence(ctx, decision)}",
                f"Shall I cancel your appointment, {spoken}? {fee_sentence(ctx, decision)}",
            ),
            {**data, "policy": policy_data(decision, ctx)},
        )
    try:
        cancelled, decision = await booking.cancel(
            tenant, view.id, call_id=ctx.call.call_id, reason=text_arg(args, "reason")
        )
    except PolicyDenied as exc:
        return denied_reply(ctx, exc.decision, "Stornieren", "cancellation", data)
    except InvalidTransition:
        return Reply(
            "not_found", ctx.say("Dieser Termin ist bereits storniert.", "That appointment is already cancelled."), data
        )
    message = ctx.say(f"Ihr Termin {spoken} ist storniert.", f"Your appointment, {spoken}, is cancelled.")
    if decision.fee > 0:
        message += " " + ctx.say(
            f"Die Stornogebühr beträgt {say_money(decision.fee, decision.currency, 'de')}.",
            f"The cancellation fee is {say_money(decision.fee, decision.currency, 'en')}.",
        )
    card = cancelled_sentence(ctx, [cancelled.package])
    message += f" {card}" if card else ""
    return Reply(
        "cancelled",
        message,
        {
            "appointment": appointment_data(cancelled, tenant),
            "policy": policy_data(decision, ctx),
            **package_data(ctx, [cancelled.package]),
        },
    )


@handler("reschedule_appointment")
async def reschedule_appointment(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    pick = await pick_appointment(ctx, args, date_key="old_date", time_key="old_time")
    if pick.reply is not None:
        return pick.reply
    view = pick.appointment
    assert view is not None
    booking, tenant = ctx.services.booking, ctx.tenant
    staff_text = text_arg(args, "staff") or view.staff_id
    args = anchor_move(ctx, args, view.start.astimezone(ctx.zone))
    wish = understand_wish(ctx, args, prefix="new_", service_text=view.service_id, staff_text=staff_text)
    data: dict[str, Any] = {**wish.data, "appointment": appointment_data(view, tenant)}
    if wish.clarification is not None:
        wish.clarification.data.update(data)
        return wish.clarification
    request = wish.request
    assert request is not None
    if view.visit_id:
        return await move_visit_reply(ctx, args, view, request, data)
    decision = await booking.decide(tenant, view.id, "reschedule")
    if not decision.allowed:
        return denied_reply(ctx, decision, "Verschieben", "reschedule", data)

    memory = await recall_offers(ctx.services, tenant.id, ctx.call.call_id)
    chosen = matching_offer(memory.offers, request, ctx.zone)
    if chosen is not None and request.exact:
        request = SlotRequest(chosen.service_id, chosen.staff_id, chosen.start, None, exact=True)
    if not request.exact or not truthy(args.get("confirm")):
        outcome = await booking.check(tenant, request, ctx.call.call_id, ignore_appointment_id=view.id)
        if not (outcome.available and outcome.slot is not None):
            offers = outcome.slots or outcome.alternatives
            await remember_offers(ctx.services, tenant.id, ctx.call.call_id, offers)
            if outcome.slots:
                return unavailable_reply(ctx, request, outcome.reason or "taken", outcome.slots, data, outcome.refusal)
            return unavailable_reply(ctx, request, outcome.reason, outcome.alternatives, data, outcome.refusal)
        await remember_offers(ctx.services, tenant.id, ctx.call.call_id, [outcome.slot])
        new_when = _spoken_when(ctx, outcome.slot.start)
        return Reply(
            "needs_confirmation",
            ctx.say(
                f"Ich kann Ihren Termin {speak_appointment(ctx, view)} auf {new_when} "
                f"{with_staff(ctx, outcome.slot.staff_id)} verschieben. "
                f"{fee_sentence(ctx, decision)} Soll ich das so machen?",
                f"I can move your appointment, {speak_appointment(ctx, view)}, to {new_when} "
                f"{with_staff(ctx, outcome.slot.staff_id)}. "
                f"{fee_sentence(ctx, decision)} Shall I go ahead?",
            ),
            {
                **data,
                "slot": slot_data(outcome.slot, tenant, outcome.hold_expires_at),
                "policy": policy_data(decision, ctx),
            },
        )
    try:
        moved, decision = await booking.reschedule(
            tenant, view.id, request, call_id=ctx.call.call_id, reason=text_arg(args, "reason")
        )
    except SlotUnavailable as exc:
        await remember_offers(ctx.services, tenant.id, ctx.call.call_id, exc.alternatives)
        return unavailable_reply(ctx, request, exc.reason, exc.alternatives, data, exc.refusal)
    except PolicyDenied as exc:
        return denied_reply(ctx, exc.decision, "Verschieben", "reschedule", data)
    message = ctx.say(
        f"Erledigt: Ihr Termin ist jetzt {speak_appointment(ctx, moved)}.",
        f"Done: your appointment is now {speak_appointment(ctx, moved)}.",
    )
    if decision.fee > 0:
        message += " " + fee_sentence(ctx, decision)
    return Reply(
        "rescheduled",
        message,
        {**data, "appointment": appointment_data(moved, tenant), "policy": policy_data(decision, ctx)},
    )


def _spoken_when(ctx: FunctionContext, start: datetime) -> str:
    return say_when(start.astimezone(ctx.zone), ctx.lang, ctx.now().date())
