"""cancel_appointment on appointments that belong together (CONTRACT section 10): with `scope:
"series"` ("alle weiteren Termine") the chosen occurrence and the later ones of its series; on a part
of a visit, the whole visit. The cancel policy applies to each.

Like a single cancel it first answers `needs_confirmation` naming how many and the total fee; with
`confirm` true it cancels. Appointments the policy refuses stay booked and are named.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from agent_functions.functions.base import FunctionContext
from agent_functions.functions.package_speech import cancelled_sentence, package_data
from agent_functions.functions.series import booked_brief
from agent_functions.registry import truthy
from agent_functions.replies import Reply, appointment_data
from agent_functions.speech import join_and, say_date, say_money
from agent_functions.understanding import text_arg
from booking_core.domain import AppointmentView, PolicyDecision
from booking_core.errors import InvalidTransition

SERIES_SCOPE = re.compile(r"serie|series|alle|\ball\b|whole|rest|weiter|remaining|following|future", re.I)


def wants_whole_series(args: dict[str, Any]) -> bool:
    """`scope` asks for the series ("series", "alle weiteren Termine", "all the remaining ones")."""
    scope = text_arg(args, "scope")
    return bool(scope and SERIES_SCOPE.search(scope))


async def cancel_group_reply(ctx: FunctionContext, args: dict[str, Any], view: AppointmentView) -> Reply:
    """Ask first (count and total fee), then cancel the visit of `view`, or its series from `view` on."""
    booking, tenant = ctx.services.booking, ctx.tenant
    visit = view.visit_id is not None
    what_de, what_en = ("Ihres Besuchs", "of your visit") if visit else ("Ihrer Serie", "of your series")
    if not truthy(args.get("confirm")):
        if visit:
            members = await booking.visit_parts(tenant, view.id)
        else:
            members = await booking.series_remaining(tenant, view.id)
        decisions = [(v, await booking.decide(tenant, v.id, "cancel")) for v in members]
        allowed = [(v, d) for v, d in decisions if d.allowed]
        data = {
            "appointments": [booked_brief(ctx, v) for v, _ in decisions],
            "policies": [_policy(ctx, d) for _, d in decisions],
        }
        first = (members[0] if members else view).start.astimezone(ctx.zone).date()
        n = len(allowed)
        return Reply(
            "needs_confirmation",
            ctx.say(
                f"Soll ich {n} Termine {what_de} ab {say_date(first, 'de')} stornieren? {fee_total(ctx, allowed)}",
                f"Shall I cancel {n} appointments {what_en} from {say_date(first, 'en')}? {fee_total(ctx, allowed)}",
            ),
            data,
        )
    cancel = booking.cancel_visit if visit else booking.cancel_series
    try:
        done = await cancel(tenant, view.id, call_id=ctx.call.call_id, reason=text_arg(args, "reason"))
    except InvalidTransition:
        return Reply(
            "not_found",
            ctx.say("Diese Termine sind bereits storniert.", "Those appointments are already cancelled."),
            {"appointment": appointment_data(view, tenant)},
        )
    cancelled = list(done.cancelled)
    message = ctx.say(
        f"Ich habe {len(cancelled)} Termine {what_de} storniert.",
        f"I've cancelled {len(cancelled)} appointments {what_en}.",
    )
    if sum((d.fee for _, d in cancelled), Decimal(0)) > 0:
        message += " " + fee_total(ctx, cancelled)
    if done.refused:
        kept = join_and([say_date(v.start.astimezone(ctx.zone).date(), ctx.lang) for v, _ in done.refused], ctx.lang)
        message += " " + ctx.say(
            f"Bestehen bleibt der Termin am {kept}, der ist zu kurzfristig.",
            f"The appointment on {kept} stays booked; it's too late to cancel it.",
        )
    uses = [v.package for v, _ in cancelled]
    card = cancelled_sentence(ctx, uses)
    message += f" {card}" if card else ""
    return Reply(
        "cancelled",
        message,
        {
            "appointments": [booked_brief(ctx, v) for v, _ in cancelled],
            "policies": [_policy(ctx, d) for _, d in cancelled],
            "kept": [booked_brief(ctx, v) for v, _ in done.refused],
            **package_data(ctx, uses),
        },
    )


def fee_total(ctx: FunctionContext, pairs: list[tuple[AppointmentView, PolicyDecision]]) -> str:
    """'Dafür fallen insgesamt 20 Euro Gebühren an.' / 'Das ist kostenlos.' for the fees of `pairs`."""
    total = sum((d.fee for _, d in pairs), Decimal(0))
    if total > 0:
        fee = say_money(total, pairs[0][1].currency, ctx.lang)
        return ctx.say(f"Dafür fallen insgesamt {fee} Gebühren an.", f"The fees come to {fee} in total.")
    return ctx.say("Das ist kostenlos.", "There's no charge for this.")


def _policy(ctx: FunctionContext, decision: PolicyDecision) -> dict[str, Any]:
    from agent_functions.functions.changes import policy_data  # late: changes dispatches to this module

    return policy_data(decision, ctx)
