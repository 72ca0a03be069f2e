"""Speaking offers: slots, alternatives, a service's duration and price, an appointment, a reference.

The wording lives here once, so every function sounds like the same receptionist. Offers are said in
time order with each day once (agent_functions.spoken_offers), refusals with their true reason
(agent_functions.refusal_speech), and `data` lists the options in the order they are said.
"""

from __future__ import annotations

from typing import Any

from agent_functions.functions.base import FunctionContext
from agent_functions.refusal_speech import Wish as RefusalWish
from agent_functions.refusal_speech import say_refusal
from agent_functions.replies import Reply, slot_data
from agent_functions.speech import (
    first_name,
    join_and,
    join_words,
    say_duration,
    say_money,
    say_on_when,
    say_service,
    say_time,
)
from agent_functions.spoken_offers import SpokenOffer, say_offers
from booking_core.domain import AppointmentView, Slot, SlotRequest
from booking_core.refusals import Refusal
from booking_core.tenant_config import Service


def with_staff(ctx: FunctionContext, staff_id: str) -> str:
    member = ctx.tenant.staff_member(staff_id)
    name = first_name(member.name) if member else staff_id
    return ctx.say(f"bei {name}", f"with {name}")


def service_summary(ctx: FunctionContext, service: Service, price: Any = None) -> str:
    """'Die Ansatzfärbung dauert etwa zweieinviertel Stunden und kostet 58 Euro.'"""
    price = service.price if price is None else price
    duration, cost = say_duration(service.total_min, ctx.lang), say_money(price, ctx.tenant.currency, ctx.lang)
    name = say_service(service.name, ctx.lang)
    return ctx.say(f"{name} dauert {duration} und kostet {cost}.", f"{name} takes {duration} and costs {cost}.")


def in_speaking_order(slots: tuple[Slot, ...] | list[Slot]) -> list[Slot]:
    """Options in the order they are said and listed in `data`: by time (the message and the data agree,
    so "the second one" means the same slot to the caller and to the agent)."""
    return sorted(slots, key=lambda s: (s.start, s.staff_id))


def offer_list(
    ctx: FunctionContext, slots: tuple[Slot, ...] | list[Slot], known_day: Any = None, asked_staff: str | None = None
) -> str:
    """'um 10 Uhr oder um halb drei bei Emma, oder am Montag, den 23. November, um 9 Uhr bei Fabian'
    (agent_functions.spoken_offers: time order, each day once, the day named for another person)."""
    member = ctx.tenant.staff_member(asked_staff) if asked_staff else None
    offers = [SpokenOffer(s.start.astimezone(ctx.zone), _first_name_of(ctx, s.staff_id)) for s in slots]
    return say_offers(
        offers, ctx.lang, ctx.now().date(), known_day=known_day, asked_staff=first_name(member.name) if member else None
    )


def _first_name_of(ctx: FunctionContext, staff_id: str) -> str:
    member = ctx.tenant.staff_member(staff_id)
    return first_name(member.name) if member else staff_id


def unavailable_reply(
    ctx: FunctionContext,
    request: SlotRequest,
    reason: str | None,
    alternatives: tuple[Slot, ...],
    data: dict[str, Any],
    refusal: Refusal | None = None,
    *,
    waitlist: bool = False,
) -> Reply:
    """'Fabian arbeitet samstags nicht. Ich könnte Ihnen am Samstag, den 5. Dezember, um 10 Uhr bei Sarah
    anbieten.' The reason is the refusal's (`data.reason`, with `data.reason_detail`), the options in
    time order in the message and in `data.alternatives` alike. `waitlist`: nothing fits the wished
    window and the tenant keeps a waitlist, so the question offers it too (`data.waitlist_possible`)."""
    local = request.start.astimezone(ctx.zone)
    refusal = refusal if refusal is not None and refusal.code == (reason or "taken") else Refusal(reason or "taken")  # type: ignore[arg-type]
    service = ctx.tenant.service(request.service_id)
    wish = RefusalWish(
        local,
        request.exact,
        _first_name_of(ctx, request.staff_id) if request.staff_id else None,
        say_service(service.name if service else request.service_id, ctx.lang),
    )
    first = say_refusal(refusal, wish, ctx.lang, ctx.now().date())
    ordered = in_speaking_order(alternatives)
    payload = {
        **data,
        "alternatives": [slot_data(s, ctx.tenant) for s in ordered],
        "reason": refusal.code,
        "reason_detail": refusal.to_dict(),
    }
    if waitlist:
        payload["waitlist_possible"] = True

    def message(count: int) -> str:
        if count:
            offer = offer_list(ctx, ordered[:count], local.date(), request.staff_id)
            question = (
                ctx.say(
                    "Passt Ihnen davon etwas, oder soll ich Sie auf die Warteliste setzen?",
                    "Would any of those suit you, or shall I put you on the waiting list?",
                )
                if waitlist
                else ctx.say("Passt Ihnen davon etwas?", "Would any of those suit you?")
            )
            return (
                first
                + " "
                + ctx.say(f"Ich könnte Ihnen {offer} anbieten.", f"I could offer you {offer}.")
                + " "
                + question
            )
        if waitlist:
            return (
                first + " " + ctx.say("Soll ich Sie auf die Warteliste setzen?", "Shall I put you on the waiting list?")
            )
        return first + " " + ctx.say("Möchten Sie einen anderen Tag versuchen?", "Would you like to try another day?")

    return Reply("unavailable", message(len(ordered)), payload, spoken="alternatives", render=message)


def speak_appointment(
    ctx: FunctionContext, view: AppointmentView, *, for_whom: bool = False, day_said: bool = False
) -> str:
    """'Herrenhaarschnitt am Montag, den 23. November, um 10 Uhr bei Fabian' (+ ' für Max Vogel' when
    `for_whom`: the appointments listed belong to several people of one number; only 'um 11 Uhr' when
    `day_said`: the one before it in a list was on the same day)."""
    local = view.start.astimezone(ctx.zone)
    today = ctx.now().date()
    whom = view.customer_name if for_whom and view.customer_name else None
    when_de = say_time(local, "de") if day_said else say_on_when(local, "de", today)
    when_en = say_time(local, "en") if day_said else say_on_when(local, "en", today)
    whom_de, whom_en = (f" für {whom}", f" for {whom}") if whom else ("", "")
    return ctx.say(
        f"{say_service(view.service_name, 'de')} {when_de} {with_staff(ctx, view.staff_id)}{whom_de}",
        f"{say_service(view.service_name, 'en')} {when_en} {with_staff(ctx, view.staff_id)}{whom_en}",
    )


def speak_appointments(ctx: FunctionContext, views: list[AppointmentView], *, both: bool = False) -> str:
    """Several appointments in one phrase ('A, B oder C'; `both`: 'A, B und C'), in their order, each
    day said once, each with the person's name when they belong to more than one person (a family)."""
    several = len({(v.customer_name or "").casefold() for v in views}) > 1
    days = [v.start.astimezone(ctx.zone).date() for v in views]
    spoken = [
        speak_appointment(ctx, v, for_whom=several, day_said=i > 0 and days[i] == days[i - 1])
        for i, v in enumerate(views)
    ]
    return join_and(spoken, ctx.lang) if both else join_words(spoken, ctx.lang)


def spell_reference(reference: str) -> str:
    return " ".join(reference)
