"""Understanding a booking wish: service, staff and time from the arguments, and what to ask back.

A `Wish` is complete when it carries a `SlotRequest`; otherwise its `clarification` is the question
the agent asks (missing or unknown service, staff who does not do that service, no day or time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from agent_functions.functions.base import FunctionContext
from agent_functions.replies import Reply, ref
from agent_functions.speech import echo, first_name, join_words, say_service
from agent_functions.understanding import (
    Choice,
    day_bounds,
    request_data,
    text_arg,
    understand_service,
    understand_staff,
    understand_when,
    which_day_reply,
)
from booking_core.domain import SlotRequest
from booking_core.tenant_config import Service, Staff
from nlu import When

ASAP = re.compile(
    r"\b(nächst\w*|frühest\w*|schnellst\w*|baldmöglichst|so bald|asap|earliest|soonest|next (free|available)"
    r"|first available)\b",
    re.I,
)


@dataclass
class Wish:
    """A booking wish as understood: the parts, and the `SlotRequest` when it is complete."""

    service: Choice
    staff: Choice
    when: When | None
    request: SlotRequest | None
    data: dict[str, Any]
    clarification: Reply | None = None


def understand_wish(
    ctx: FunctionContext,
    args: dict[str, Any],
    *,
    prefix: str = "",
    service_text: str | None = None,
    staff_text: str | None = None,
    require_when: bool = True,
) -> Wish:
    service = understand_service(ctx, service_text if service_text is not None else text_arg(args, "service"))
    staff = understand_staff(ctx, staff_text if staff_text is not None else text_arg(args, "staff"))
    if staff.excluded is not None and service.item is not None:
        staff = _other_than(ctx, service.item, staff)
    when = understand_when(ctx, args, prefix)
    data = {"request": request_data(ctx, service, staff, when)}
    wish = Wish(service, staff, when, None, data)
    wish.clarification = _clarify(ctx, wish, require_when, args, prefix)
    if wish.clarification is None and when is not None:
        wish.request = slot_request(ctx, service.item, staff.item, when, args, prefix)
        if staff.any and staff.excluded is not None:  # "nicht Fabian": anyone but them
            wish.request = replace(wish.request, not_staff=(staff.excluded.id,))
    return wish


def _clarify(ctx: FunctionContext, wish: Wish, require_when: bool, args: dict[str, Any], prefix: str) -> Reply | None:
    data = dict(wish.data)
    service, staff, when = wish.service, wish.staff, wish.when
    if service.item is None:
        if service.candidates:
            names = [say_service(c.name, ctx.lang) for c in service.candidates]
            return Reply(
                "needs_clarification",
                ctx.say(f"Meinen Sie {join_words(names, 'de')}?", f"Do you mean {join_words(names, 'en')}?"),
                {**data, "missing": ["service"], "options": [ref(c.id, c.name) for c in service.candidates]},
            )
        if service.heard:
            examples = [say_service(s.name, ctx.lang) for s in ctx.tenant.services[:3]]
            return Reply(
                "needs_clarification",
                ctx.say(
                    f"„{echo(service.heard)}“ habe ich leider nicht in unserem Angebot gefunden. Wir haben zum "
                    f"Beispiel {join_words(examples, 'de')}.",
                    f"I couldn't find “{echo(service.heard)}” among our services. We have, for example, "
                    f"{join_words(examples, 'en')}.",
                ),
                {**data, "missing": ["service"], "options": [ref(s.id, s.name) for s in ctx.tenant.services[:3]]},
            )
        return Reply(
            "needs_clarification",
            ctx.say("Für welche Leistung möchten Sie einen Termin?", "Which service would you like to book?"),
            {**data, "missing": ["service"]},
        )
    if staff.excluded is not None and staff.item is None and not staff.any:
        return _not_them(ctx, service.item, staff, data)
    if staff.unclear:
        if staff.candidates:
            names = [first_name(c.name) for c in staff.candidates]
            return Reply(
                "needs_clarification",
                ctx.say(f"Meinen Sie {join_words(names, 'de')}?", f"Do you mean {join_words(names, 'en')}?"),
                {**data, "missing": ["staff"], "options": [ref(c.id, c.name) for c in staff.candidates]},
            )
        team = [first_name(m.name) for m in qualified_staff(ctx, service.item)]
        return Reply(
            "needs_clarification",
            ctx.say(
                f"„{echo(staff.heard or '')}“ kenne ich leider nicht. {say_service(service.item.name, 'de')} machen "
                f"bei uns {join_words(team, 'de')}.",
                f"I don't know “{echo(staff.heard or '')}”. {say_service(service.item.name, 'en')} is done by "
                f"{join_words(team, 'en')}.",
            ),
            {**data, "missing": ["staff"], "options": [ref(m.id, m.name) for m in qualified_staff(ctx, service.item)]},
        )
    if staff.item is not None and not staff.item.does(service.item.id):
        qualified = qualified_staff(ctx, service.item)
        spoken = join_words([first_name(m.name) for m in qualified], ctx.lang)
        return Reply(
            "needs_clarification",
            ctx.say(
                f"{first_name(staff.item.name)} macht leider keine {say_service(service.item.name, 'de')}. Das "
                f"machen bei uns {spoken}. Wäre Ihnen das recht?",
                f"{first_name(staff.item.name)} doesn't do {say_service(service.item.name, 'en')}. {spoken} can do "
                "it for you. Would that be all right?",
            ),
            {**data, "missing": ["staff"], "options": [ref(m.id, m.name) for m in qualified]},
        )
    if when is None or when.kind == "none":
        if when is not None and ASAP.search(when.text or ""):
            return None
        if not require_when and when is None:
            return None
        which_day = which_day_reply(ctx, when, data, prefix) if when is not None else None
        if which_day is not None:
            return which_day  # a stale-year date with two readings, or a weekday that does not fit the date
        impossible = _impossible_when(ctx, when, data, prefix) if when is not None else None
        if impossible is not None:
            return impossible
        if when is not None and "ambiguous_past_date" in when.issues:
            return Reply(
                "needs_clarification",
                ctx.say("Welchen Tag meinen Sie genau?", "Which day do you mean exactly?"),
                {**data, "missing": [f"{prefix}date"]},
            )
        return Reply(
            "needs_clarification",
            ctx.say(
                "An welchem Tag und um wie viel Uhr hätten Sie gern den Termin?", "Which day and time would suit you?"
            ),
            {**data, "missing": [f"{prefix}date", f"{prefix}time"]},
        )
    if not when.has_date and when.start is not None and when.start < ctx.now():
        return Reply(
            "needs_clarification",
            ctx.say("An welchem Tag soll das sein?", "Which day would that be?"),
            {**data, "missing": [f"{prefix}date"]},
        )
    return None


def _other_than(ctx: FunctionContext, service: Service, staff: Choice) -> Choice:
    """ "Nicht Fabian": the one other person who does the service, else anyone but them (the search
    leaves them out: `SlotRequest.not_staff`), else, when only they do it, the refusal kept for
    `_not_them` to ask about."""
    others = tuple(m for m in qualified_staff(ctx, service) if m.id != staff.excluded.id)
    if len(others) == 1:
        return Choice(item=others[0], heard=staff.heard)
    return Choice(any=bool(others), heard=staff.heard, excluded=staff.excluded)


def _not_them(ctx: FunctionContext, service: Service, staff: Choice, data: dict[str, Any]) -> Reply:
    """Say that only the person refused does the service, and ask whether to look with them anyway."""
    them = first_name(staff.excluded.name)
    return Reply(
        "needs_clarification",
        ctx.say(
            f"{say_service(service.name, 'de')} macht bei uns leider nur {them}. Soll ich trotzdem bei {them} schauen?",
            f"I'm afraid only {them} does {say_service(service.name, 'en')} here. Shall I look with {them} after all?",
        ),
        {**data, "missing": ["staff"], "options": [ref(staff.excluded.id, staff.excluded.name)]},
    )


def _impossible_when(ctx: FunctionContext, when: When, data: dict[str, Any], prefix: str) -> Reply | None:
    """A day or time that cannot exist ("31.11.", "the 30th of February", "14:75"): say so, so
    the caller knows what to correct, instead of asking for day and time as if nothing was said."""
    if "invalid_date" in when.issues:
        return Reply(
            "needs_clarification",
            ctx.say(
                "Dieses Datum gibt es nicht im Kalender. Welchen Tag meinen Sie?",
                "There's no such date in the calendar. Which day did you mean?",
            ),
            {**data, "missing": [f"{prefix}date"]},
        )
    if "invalid_time" in when.issues:
        return Reply(
            "needs_clarification",
            ctx.say(
                "Diese Uhrzeit gibt es nicht. Um wie viel Uhr möchten Sie kommen?",
                "That isn't a time on the clock. What time would you like?",
            ),
            {**data, "missing": [f"{prefix}time"]},
        )
    return None


def slot_request(
    ctx: FunctionContext, service: Service, staff: Staff | None, when: When, args: dict[str, Any], prefix: str = ""
) -> SlotRequest:
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
