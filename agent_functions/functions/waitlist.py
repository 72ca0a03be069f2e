"""join_waitlist: put a caller who found nothing free on the waitlist (CONTRACT section 10).

Arguments `service`, `when` (or `date`/`time`), `staff`, `customer_name`, `customer_phone` (default:
the number the caller calls from). The window is what `when` names, in the tenant's zone: a day is
that day, a part of day or a range ("nachmittags", "nächste Woche") its span, an exact time the hour
from it. When a fitting time frees up, the caller gets an SMS (`booking_core.waitlist_offer`), so a
mobile number is needed and the tenant must send SMS. Asking twice for the same window is one entry.

Clarified, nothing written: no or unknown service, no day or window, a window already over, no
number (a withheld one) or a number that cannot get an SMS; a tenant that sends no SMS keeps no
waitlist and offers a callback instead.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from agent_functions.functions.base import FunctionContext, handler
from agent_functions.functions.offer_speech import with_staff
from agent_functions.functions.wish import understand_wish
from agent_functions.replies import Reply, iso, ref
from agent_functions.speech import say_clock, say_date, say_on_day, say_service, say_when
from agent_functions.understanding import customer_name, customer_phone, day_bounds
from booking_core import waitlist
from booking_core.errors import NotFound
from booking_core.waitlist import WaitlistEntryView, WaitlistRefused, WaitlistWish, can_offer, keeps_waitlist
from nlu import When

EXACT_WINDOW = timedelta(hours=1)  # "Freitag um 15 Uhr": a time from 15 to 16 would do


@handler("join_waitlist")
async def join_waitlist(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    wish = understand_wish(ctx, args, require_when=False)
    if wish.clarification is not None:
        return wish.clarification
    data, service = wish.data, wish.service.item
    assert service is not None
    if not keeps_waitlist(ctx.tenant):  # offers go by SMS: a tenant that sends none keeps no list
        return Reply(
            "needs_clarification",
            ctx.say(
                "Eine Warteliste führen wir leider nicht. Soll ich Ihnen stattdessen einen Rückruf notieren?",
                "I'm afraid we don't keep a waiting list. Shall I note a callback request instead?",
            ),
            {**data, "missing": [], "options": ["request_callback"], "reason": "no_waitlist"},
        )
    window = wish_window(wish.when)
    if window is None:
        return Reply(
            "needs_clarification",
            ctx.say(
                "Für welchen Tag oder Zeitraum soll ich Sie auf die Warteliste setzen?",
                "Which day or time span shall I put you on the waiting list for?",
            ),
            {**data, "missing": ["when"]},
        )
    start, end = window
    if end <= ctx.now():
        return Reply(
            "needs_clarification",
            ctx.say(
                "Dieser Zeitraum ist leider schon vorbei. Für welchen Tag soll ich Sie vormerken?",
                "That time has already passed. Which day shall I put you down for?",
            ),
            {**data, "missing": ["when"], "reason": "window_over"},
        )
    phone = customer_phone(ctx, args)
    if phone is None or not can_offer(ctx.tenant, phone):
        return Reply(
            "needs_clarification",
            ctx.say(
                "Wenn etwas frei wird, schicken wir Ihnen eine SMS. Unter welcher Handynummer erreichen wir Sie?",
                "If something frees up, we'll send you a text. Which mobile number can we reach you on?",
            ),
            {**data, "missing": ["customer_phone"], "reason": "no_mobile" if phone else "no_phone"},
        )
    staff = wish.staff.item
    entry_wish = WaitlistWish(
        service.id,
        staff.id if staff else None,
        start,  # as said, not clamped to now: asking again later in the day is the same entry
        end,
        customer_name(args),
        phone,
        wish.when.text if wish.when else None,
        ctx.call.call_id,
    )
    try:
        entry, created = await waitlist.join(ctx.services.db, ctx.tenant, entry_wish, ctx.services.clock.now())
    except (NotFound, WaitlistRefused):  # resolved above; a catalogue changed under the call
        return Reply(
            "needs_clarification",
            ctx.say("Für welche Leistung und welchen Tag genau?", "Which service and which day exactly?"),
            {**data, "missing": ["service", "when"]},
        )
    # A retry by the call that joined (its answer was lost) hears the same answer again.
    created = created or (entry.call_id is not None and entry.call_id == ctx.call.call_id)
    return _joined(ctx, entry, created, data, start, end)


def wish_window(when: When | None) -> tuple[datetime, datetime] | None:
    """The wished window in the tenant's zone (`when` is read there), or None when no day or span was said."""
    if when is None or when.kind == "none" or when.start is None:
        return None
    if when.kind == "datetime":
        return when.start, when.start + EXACT_WINDOW
    if when.kind == "date" or when.end is None:
        return day_bounds(when.start)
    return when.start, when.end


def say_window(ctx: FunctionContext, start: datetime, end: datetime) -> str:
    """'am Montag, den 23. November' / 'on Monday 23 November', with the times when not whole days,
    'zwischen Montag, den 23. November, und Sonntag, den 29. November' for several days."""
    lang, today = ctx.lang, ctx.now().date()
    start, end = start.astimezone(ctx.zone), end.astimezone(ctx.zone)
    last = (end - timedelta(microseconds=1)).date()
    whole = start.time() == end.time() == time(0)
    between, and_ = ctx.say("zwischen", "between"), ctx.say("und", "and")
    if start.date() == last:
        day = say_on_day(start.date(), lang, today)
        return day if whole else f"{day} {between} {say_clock(start, lang)} {and_} {say_clock(end, lang)}"
    if whole:
        return f"{between} {say_date(start.date(), lang, today)} {and_} {say_date(last, lang, today)}"
    return f"{between} {say_when(start, lang, today)} {and_} {say_when(end, lang, today)}"


def _joined(
    ctx: FunctionContext, entry: WaitlistEntryView, created: bool, data: dict[str, Any], start: datetime, end: datetime
) -> Reply:
    what = say_entry_service(ctx, entry)
    when = say_window(ctx, start, end)
    first = (
        ctx.say(
            f"Ich habe Sie auf die Warteliste gesetzt: {what} {when}.",
            f"I've put you on the waiting list: {what} {when}.",
        )
        if created
        else ctx.say(
            f"Sie stehen schon auf der Warteliste: {what} {when}.",
            f"You're already on the waiting list: {what} {when}.",
        )
    )
    then = ctx.say(
        "Wird etwas frei, schicken wir Ihnen eine SMS; wer dann zuerst anruft, bekommt den Termin.",
        "If something frees up, we'll text you; whoever calls first gets the time.",
    )
    return Reply("ok", first + " " + then, {**data, "waitlist": {**entry_data(ctx, entry), "created": created}})


def say_entry_service(ctx: FunctionContext, entry: WaitlistEntryView) -> str:
    """What the entry waits for, as said: 'Herrenhaarschnitt' or 'Herrenhaarschnitt bei Fabian'."""
    service = ctx.tenant.service(entry.service_id)
    member = ctx.tenant.staff_member(entry.staff_id) if entry.staff_id else None
    name = service.name if service else entry.service_id
    return say_service(name, ctx.lang) + (" " + with_staff(ctx, member.id) if member else "")


def entry_data(ctx: FunctionContext, entry: WaitlistEntryView) -> dict[str, Any]:
    """An entry in an answer's `data`: {"id", "status", "service": {"id", "name"}, "staff": {"id", "name"} |
    null, "window": {"start", "end"}} (ISO 8601 with the tenant's offset)."""
    service = ctx.tenant.service(entry.service_id)
    member = ctx.tenant.staff_member(entry.staff_id) if entry.staff_id else None
    return {
        "id": entry.id,
        "status": str(entry.status),
        "service": ref(entry.service_id, service.name if service else entry.service_id),
        "staff": ref(member.id, member.name) if member else None,
        "window": {"start": iso(entry.window_start, ctx.zone), "end": iso(entry.window_end, ctx.zone)},
    }
