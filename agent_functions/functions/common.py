"""What several functions share: understanding a booking wish, speaking slots, picking the appointment meant.

The wording lives here once, so every function sounds like the same receptionist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from agent_functions.call_memory import Offer
from agent_functions.functions.base import FunctionContext
from agent_functions.replies import Reply, appointment_data, ref, slot_data
from agent_functions.speech import capital, echo, first_name, join_words, say_date, say_duration, say_money, say_on_day, say_time, say_when
from agent_functions.understanding import (
    Choice,
    day_bounds,
    reference_arg,
    request_data,
    text_arg,
    understand_service,
    understand_staff,
    understand_when,
    which_day_reply,
)
from booking_core.domain import AppointmentView, SlotRequest, Slot
from booking_core.tenant_config import Service, Staff
from nlu import When

ASAP = re.compile(r"\b(nächst\w*|frühest\w*|schnellst\w*|baldmöglichst|so bald|asap|earliest|soonest|next (free|available)|first available)\b", re.I)


@dataclass
class Wish:
    """A booking wish as understood: the parts, and the `SlotRequest` when it is complete."""

    service: Choice
    staff: Choice
    when: When | None
    request: SlotRequest | None
    data: dict[str, Any]
    clarification: Reply | None = None


def understand_wish(ctx: FunctionContext, args: dict[str, Any], *, prefix: str = "", service_text: str | None = None,
                    staff_text: str | None = None, require_when: bool = True) -> Wish:
    service = understand_service(ctx, service_text if service_text is not None else text_arg(args, "service"))
    staff = understand_staff(ctx, staff_text if staff_text is not None else text_arg(args, "staff"))
    when = understand_when(ctx, args, prefix)
    data = {"request": request_data(ctx, service, staff, when)}
    wish = Wish(service, staff, when, None, data)
    wish.clarification = _clarify(ctx, wish, require_when, args, prefix)
    if wish.clarification is None and when is not None:
        wish.request = slot_request(ctx, service.item, staff.item, when, args, prefix)
    return wish


def _clarify(ctx: FunctionContext, wish: Wish, require_when: bool, args: dict[str, Any], prefix: str) -> Reply | None:
    data = dict(wish.data)
    service, staff, when = wish.service, wish.staff, wish.when
    if service.item is None:
        if service.candidates:
            names = [c.name for c in service.candidates]
            return Reply("needs_clarification", ctx.say(f"Meinen Sie {join_words(names, 'de')}?", f"Do you mean {join_words(names, 'en')}?"),
                         {**data, "missing": ["service"], "options": [ref(c.id, c.name) for c in service.candidates]})
        if service.heard:
            examples = [s.name for s in ctx.tenant.services[:3]]
            return Reply("needs_clarification", ctx.say(
                f"„{echo(service.heard)}“ habe ich leider nicht in unserem Angebot gefunden. Wir haben zum Beispiel {join_words(examples, 'de')}.",
                f"I couldn't find “{echo(service.heard)}” among our services. We have, for example, {join_words(examples, 'en')}."),
                {**data, "missing": ["service"], "options": [ref(s.id, s.name) for s in ctx.tenant.services[:3]]})
        return Reply("needs_clarification", ctx.say("Für welche Leistung möchten Sie einen Termin?", "Which service would you like to book?"),
                     {**data, "missing": ["service"]})
    if staff.unclear:
        if staff.candidates:
            names = [first_name(c.name) for c in staff.candidates]
            return Reply("needs_clarification", ctx.say(f"Meinen Sie {join_words(names, 'de')}?", f"Do you mean {join_words(names, 'en')}?"),
                         {**data, "missing": ["staff"], "options": [ref(c.id, c.name) for c in staff.candidates]})
        team = [first_name(m.name) for m in qualified_staff(ctx, service.item)]
        return Reply("needs_clarification", ctx.say(
            f"„{echo(staff.heard)}“ kenne ich leider nicht. {service.item.name} machen bei uns {join_words(team, 'de')}.",
            f"I don't know “{echo(staff.heard)}”. {service.item.name} is done by {join_words(team, 'en')}."),
            {**data, "missing": ["staff"], "options": [ref(m.id, m.name) for m in qualified_staff(ctx, service.item)]})
    if staff.item is not None and not staff.item.does(service.item.id):
        team = qualified_staff(ctx, service.item)
        names = join_words([first_name(m.name) for m in team], ctx.lang)
        return Reply("needs_clarification", ctx.say(
            f"{first_name(staff.item.name)} macht leider keine {service.item.name}. Das machen bei uns {names}. Wäre Ihnen das recht?",
            f"{first_name(staff.item.name)} doesn't do {service.item.name}. {names} can do it for you. Would that be all right?"),
            {**data, "missing": ["staff"], "options": [ref(m.id, m.name) for m in team]})
    if when is None or when.kind == "none":
        if when is not None and ASAP.search(when.text or ""):
            return None
        if not require_when and when is None:
            return None
        which_day = which_day_reply(ctx, when, data, prefix) if when is not None else None
        if which_day is not None:
            return which_day  # a stale-year date with two readings, or a weekday that does not fit the date
        if when is not None and "ambiguous_past_date" in when.issues:
            return Reply("needs_clarification", ctx.say("Welchen Tag meinen Sie genau?", "Which day do you mean exactly?"),
                         {**data, "missing": [f"{prefix}date"]})
        return Reply("needs_clarification", ctx.say("An welchem Tag und um wie viel Uhr hätten Sie gern den Termin?",
                                                     "Which day and time would suit you?"),
                     {**data, "missing": [f"{prefix}date", f"{prefix}time"]})
    if not when.has_date and when.start is not None and when.start < ctx.now():
        return Reply("needs_clarification", ctx.say("An welchem Tag soll das sein?", "Which day would that be?"),
                     {**data, "missing": [f"{prefix}date"]})
    return None


def slot_request(ctx: FunctionContext, service: Service, staff: Staff | None, when: When, args: dict[str, Any], prefix: str = "") -> SlotRequest:
    now = ctx.now()
    staff_id = staff.id if staff else None
    if when.kind == "none" or when.start is None:  # "so bald wie möglich": next available
        return SlotRequest(service.id, staff_id, now, None, exact=False)
    if when.kind == "datetime":
        return SlotRequest(service.id, staff_id, when.start, None, exact=True)
    start, end = when.start, when.end
    if when.kind == "date" or end is None:
        start, end = day_bounds(when.start)
    return SlotRequest(service.id, staff_id, max(start, now), end, exact=False)


def qualified_staff(ctx: FunctionContext, service: Service) -> list[Staff]:
    return [m for m in ctx.tenant.staff if m.does(service.id)]


# --- speaking slots ---------------------------------------------------------------------------------


def with_staff(ctx: FunctionContext, staff_id: str) -> str:
    member = ctx.tenant.staff_member(staff_id)
    name = first_name(member.name) if member else staff_id
    return ctx.say(f"bei {name}", f"with {name}")


def service_summary(ctx: FunctionContext, service: Service, price: Any = None) -> str:
    """'Die Ansatzfärbung dauert etwa zweieinviertel Stunden und kostet 58 Euro.'"""
    price = service.price if price is None else price
    duration, cost = say_duration(service.total_min, ctx.lang), say_money(price, ctx.tenant.currency, ctx.lang)
    return ctx.say(f"{service.name} dauert {duration} und kostet {cost}.", f"{service.name} takes {duration} and costs {cost}.")


def offer_list(ctx: FunctionContext, slots: tuple[Slot, ...] | list[Slot], reference_day: Any = None) -> str:
    """'um 10 Uhr oder um halb drei bei Emma, oder am Montag, den 23. November, um 9 Uhr bei Fabian'."""
    today = ctx.now().date()
    parts: list[str] = []
    staff_ids = {s.staff_id for s in slots}
    for slot in slots:
        local = slot.start.astimezone(ctx.zone)
        text = say_time(local, ctx.lang)
        if reference_day is None or local.date() != reference_day:
            text = say_on_day(local.date(), ctx.lang, today) + ("," if ctx.lang == "de" else "") + " " + say_time(local, ctx.lang)
        if len(staff_ids) > 1:
            text += " " + with_staff(ctx, slot.staff_id)
        parts.append(text)
    tail = f" {with_staff(ctx, next(iter(staff_ids)))}" if len(staff_ids) == 1 else ""
    return join_words(parts, ctx.lang) + tail


UNAVAILABLE_REASONS = {
    "closed": ("An dem Tag haben wir leider geschlossen.", "We're closed that day, I'm afraid."),
    "past": ("Dieser Zeitpunkt ist leider schon vorbei.", "That time has already passed."),
    "too_soon": ("So kurzfristig kann ich leider nicht mehr buchen.", "That's too short notice for a booking, I'm afraid."),
    "too_far": ("So weit im Voraus kann ich leider noch nicht buchen.", "I can't book that far ahead yet."),
    "off_grid": ("Termine beginnen bei uns nur zu festen Zeiten.", "Appointments start at fixed times only."),
    "outside_hours": ("Zu der Zeit haben wir leider nicht geöffnet.", "We're not open at that time."),
    "staff_absent": ("{staff} ist an dem Tag leider nicht da.", "{staff} isn't in that day, I'm afraid."),
    "not_qualified": ("{staff} bietet das leider nicht an.", "{staff} doesn't offer that, I'm afraid."),
    "taken": ("{when} ist leider schon belegt.", "{when} is already taken, I'm afraid."),
}


def unavailable_reply(ctx: FunctionContext, request: SlotRequest, reason: str | None, alternatives: tuple[Slot, ...],
                      data: dict[str, Any]) -> Reply:
    local = request.start.astimezone(ctx.zone)
    member = ctx.tenant.staff_member(request.staff_id) if request.staff_id else None
    de, en = UNAVAILABLE_REASONS.get(reason or "taken", UNAVAILABLE_REASONS["taken"])
    if request.exact:
        when_de, when_en = capital(say_time(local, "de")), capital(say_time(local, "en"))
    else:
        when_de, when_en = f"Am {say_date(local.date(), 'de')}", f"On {say_date(local.date(), 'en')}"
        if reason in (None, "taken"):
            de, en = "{when} ist leider nichts mehr frei.", "{when} there's nothing free, I'm afraid."
    staff_name = first_name(member.name) if member else ""
    first = ctx.say(de.format(when=when_de, staff=staff_name), en.format(when=when_en, staff=staff_name))
    payload = {**data, "alternatives": [slot_data(s, ctx.tenant) for s in alternatives], "reason": reason}
    if alternatives:
        offer = offer_list(ctx, alternatives, local.date())
        return Reply("unavailable", first + " " + ctx.say(f"Ich könnte Ihnen {offer} anbieten. Passt Ihnen davon etwas?",
                                                          f"I could offer you {offer}. Would any of those suit you?"), payload)
    return Reply("unavailable", first + " " + ctx.say("Möchten Sie einen anderen Tag versuchen?", "Would you like to try another day?"), payload)


def speak_appointment(ctx: FunctionContext, view: AppointmentView) -> str:
    """'Herrenhaarschnitt am Montag, den 23. November, um 10 Uhr bei Fabian'."""
    local = view.start.astimezone(ctx.zone)
    return ctx.say(
        f"{view.service_name} am {say_when(local, 'de', ctx.now().date())} {with_staff(ctx, view.staff_id)}",
        f"{view.service_name} on {say_when(local, 'en', ctx.now().date())} {with_staff(ctx, view.staff_id)}",
    )


def spell_reference(reference: str) -> str:
    return " ".join(reference)


# --- which appointment ----------------------------------------------------------------------------------


@dataclass
class Pick:
    appointment: AppointmentView | None = None
    reply: Reply | None = None


async def pick_appointment(ctx: FunctionContext, args: dict[str, Any], *, date_key: str, time_key: str,
                           cancelled_by_this_call: bool = False) -> Pick:
    """The appointment the caller means: by reference, else among their upcoming ones by number, narrowed.

    A withheld number can only change an appointment by its reference (a name and a date are not
    proof of identity on the phone); we offer a callback instead. `cancelled_by_this_call`: also an
    appointment this very call cancelled (a retried cancellation is answered, not refused).
    """
    booking, tenant = ctx.services.booking, ctx.tenant
    reference = text_arg(args, "appointment")
    if reference:
        code = reference_arg(args)  # "K-7-M-2.", "Kilo Sieben Mike Zwei" -> "K7M2"; the raw text may be an id
        view = (await booking.get_appointment(tenant, code) if code else None) or await booking.get_appointment(tenant, reference)
        if view is not None and view.status == "cancelled" and cancelled_by_this_call and \
                await booking.cancelled_by(tenant, view.id, ctx.call.call_id):
            return Pick(view)
        if view is None or view.status in ("cancelled", "no_show", "completed"):
            # Read the number back only when it can be one (ours have 4 to 8 characters), not a garbled argument.
            spelled = spell_reference(code) if code and len(code) <= 10 else None
            return Pick(reply=Reply("not_found", ctx.say(
                f"Unter {'der Buchungsnummer ' + spelled if spelled else 'dieser Buchungsnummer'} finde ich keinen offenen Termin.",
                f"I can't find an open appointment under {'reference ' + spelled if spelled else 'that reference'}."),
                {"missing": ["appointment"]}))
        return Pick(view)
    if not ctx.call.from_number:
        return Pick(reply=Reply("needs_clarification", ctx.say(
            "Ihre Nummer ist unterdrückt, daher brauche ich Ihre Buchungsnummer. Oder soll ich einen Rückruf für Sie notieren?",
            "Your number is withheld, so I need your booking reference. Or shall I arrange a callback for you?"),
            {"missing": ["appointment"], "options": ["request_callback"]}))
    from agent_functions.understanding import customer_phone

    phone = customer_phone(ctx, {})
    candidates = await booking.find_appointments(tenant, phone=phone) if phone else []
    candidates = _narrow(ctx, candidates, args, date_key, time_key)
    if not candidates:
        return Pick(reply=Reply("not_found", ctx.say(
            "Unter Ihrer Nummer finde ich keinen passenden Termin. Haben Sie eine Buchungsnummer?",
            "I can't find a matching appointment under your number. Do you have a booking reference?"),
            {"appointments": []}))
    if len(candidates) > 1:
        listed = join_words([speak_appointment(ctx, a) for a in candidates[:3]], ctx.lang)
        return Pick(reply=Reply("needs_clarification", ctx.say(f"Ich sehe mehrere Termine: {listed}. Welchen meinen Sie?",
                                                               f"I see several appointments: {listed}. Which one do you mean?"),
                                {"missing": [date_key], "appointments": [appointment_data(a, tenant) for a in candidates]}))
    return Pick(candidates[0])


def _narrow(ctx: FunctionContext, views: list[AppointmentView], args: dict[str, Any], date_key: str, time_key: str) -> list[AppointmentView]:
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


# --- memory of offered slots -------------------------------------------------------------------------------


def matching_offer(offers: list[Offer], wanted: SlotRequest | None, zone: Any) -> Offer | None:
    """The offered slot the caller chose, even when the AI re-sent the old day with the new time."""
    if not offers:
        return None
    if wanted is None:
        return offers[0] if len(offers) == 1 else None
    same = [o for o in offers if o.start == wanted.start and o.service_id == wanted.service_id]
    if same:
        return same[0]
    if wanted.exact:
        clock = wanted.start.astimezone(zone).time()
        by_time = [o for o in offers if o.start.astimezone(zone).time() == clock and o.service_id == wanted.service_id]
        if len(by_time) > 1 and wanted.staff_id:
            by_time = [o for o in by_time if o.staff_id == wanted.staff_id]
        if len(by_time) == 1:
            return by_time[0]
    return None
