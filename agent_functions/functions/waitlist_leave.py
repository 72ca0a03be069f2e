"""leave_waitlist: take a caller off the waitlist by phone ("Sie können mich von der Warteliste nehmen").

Arguments `service`, `when` (or `date`), `customer_phone` (default: the number the caller calls from,
as `join_waitlist` takes it). The caller is found by that number: every entry of theirs that still
waits (or was offered a time) and whose window has not ended is taken off; a service or a day said
narrows it to those entries (service named, window overlapping the day or span said). Taken off, an
entry is never offered again (`booking_core.waitlist.leave`).

Answers: `cancelled` with `data.waitlist_entries` (the entries now off the list; the same on a retry
of the call's request or when asked twice, nothing written again); `not_found` when the number waits
for nothing that matches; `needs_clarification` for a withheld number without `customer_phone`, or a
day not understood. Nothing changes but the entries' status.
"""

from __future__ import annotations

from typing import Any

from agent_functions.functions.base import FunctionContext, handler
from agent_functions.functions.waitlist import entry_data, say_entry_service, say_window, wish_window
from agent_functions.replies import Reply
from agent_functions.speech import join_and
from agent_functions.understanding import customer_phone, request_data, text_arg, understand_service, understand_when
from booking_core import waitlist

MAX_SPOKEN = 3  # entries named one by one; more are counted


@handler("leave_waitlist")
async def leave_waitlist(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    service = understand_service(ctx, text_arg(args, "service"))
    when = understand_when(ctx, args)
    data: dict[str, Any] = {"request": request_data(ctx, service, None, when)}
    window = wish_window(when) if when is not None else None
    if when is not None and window is None:
        return Reply(
            "needs_clarification",
            ctx.say("Für welchen Tag stehen Sie auf der Warteliste?", "Which day are you on the waiting list for?"),
            {**data, "missing": ["when"]},
        )
    phone = customer_phone(ctx, args)
    if phone is None:
        return Reply(
            "needs_clarification",
            ctx.say(
                "Unter welcher Handynummer haben Sie sich auf die Warteliste setzen lassen?",
                "Which mobile number did you give for the waiting list?",
            ),
            {**data, "missing": ["customer_phone"], "reason": "no_phone"},
        )
    service_ids: list[str] | None = None
    if service.heard:  # a service said narrows to it (or to the ones it may mean); an unknown one to none
        service_ids = [service.item.id] if service.item else [c.id for c in service.candidates]
    entries, _ = await waitlist.leave(
        ctx.services.db, ctx.tenant.id, phone, ctx.services.clock.now(), service_ids=service_ids, window=window
    )
    if not entries:
        own = phone == customer_phone(ctx, {})  # looked up by the number calling: they may have given another
        other = (
            " "
            + ctx.say("Haben Sie vielleicht eine andere Nummer angegeben?", "Did you perhaps give us another number?")
            if own
            else ""
        )
        return Reply(
            "not_found",
            ctx.say(
                "Unter Ihrer Nummer finde ich dazu keinen Eintrag auf der Warteliste.",
                "I can't find a matching waiting-list entry under your number.",
            )
            + other,
            {**data, "waitlist_entries": []},
        )
    entries.sort(key=lambda e: (e.window_start, e.created_at, e.id))  # as the days come
    spoken: list[str] = []
    for entry in entries:
        words = f"{say_entry_service(ctx, entry)} {say_window(ctx, entry.window_start, entry.window_end)}"
        if words not in spoken:
            spoken.append(words)
    what = (
        join_and(spoken, ctx.lang)
        if len(spoken) <= MAX_SPOKEN
        else ctx.say(f"alle {len(spoken)} Einträge", f"all {len(spoken)} entries")
    )
    return Reply(
        "cancelled",
        ctx.say(
            f"Ich habe Sie von der Warteliste genommen: {what}. Sie bekommen dafür keine Nachricht mehr.",
            f"I've taken you off the waiting list: {what}. You won't get any more messages about it.",
        ),
        {**data, "waitlist_entries": [entry_data(ctx, e) for e in entries]},
    )
