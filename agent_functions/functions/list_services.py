"""list_services: the catalogue, or what matches a caller's words, with duration and price."""

from __future__ import annotations

from typing import Any

from agent_functions.functions.base import FunctionContext, handler
from agent_functions.replies import Reply, money
from agent_functions.speech import join_words, say_duration, say_money
from agent_functions.understanding import text_arg, understand_service
from booking_core.tenant_config import Service

SPOKEN_LIST = 6


def service_data(service: Service, currency: str) -> dict[str, Any]:
    return {
        "id": service.id,
        "name": service.name,
        "duration_min": service.total_min,
        "price": money(service.price, currency),
        "composite": service.composite,
    }


def describe(ctx: FunctionContext, service: Service) -> str:
    """'Ansatzfärbung dauert etwa zweieinviertel Stunden und kostet 58 Euro.' (+ the processing note)."""
    lang, currency = ctx.lang, ctx.tenant.currency
    duration, price = say_duration(service.total_min, lang), say_money(service.price, currency, lang)
    text = ctx.say(
        f"{service.name} dauert {duration} und kostet {price}.", f"{service.name} takes {duration} and costs {price}."
    )
    if service.composite and service.pause_policy != "never":
        text += ctx.say(" Dazwischen gibt es eine Einwirkzeit.", " That includes processing time.")
    return text


@handler("list_services")
async def list_services(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    tenant = ctx.tenant
    query = text_arg(args, "query") or text_arg(args, "service")
    if query:
        choice = understand_service(ctx, query)
        if choice.item is not None:
            return Reply("ok", describe(ctx, choice.item), {"services": [service_data(choice.item, tenant.currency)]})
        if choice.candidates:
            names = join_words([c.name for c in choice.candidates], ctx.lang)
            return Reply(
                "needs_clarification",
                ctx.say(f"Meinen Sie {names}?", f"Do you mean {names}?"),
                {"services": [service_data(c, tenant.currency) for c in choice.candidates],
                 "options": [c.name for c in choice.candidates], "missing": ["service"]},
            )
        names = join_words([s.name for s in tenant.services[:3]], ctx.lang)
        return Reply(
            "not_found",
            ctx.say(f"Das bieten wir leider nicht an. Wir haben zum Beispiel {names}.",
                    f"I'm afraid we don't offer that. We have, for example, {names}."),
            {"services": [service_data(s, tenant.currency) for s in tenant.services]},
        )
    shown = [s.name for s in tenant.services[:SPOKEN_LIST]]
    more = len(tenant.services) > SPOKEN_LIST
    listing = ", ".join(shown) + (ctx.say(" und weitere", " and more") if more else "")
    return Reply(
        "ok",
        ctx.say(f"Wir bieten unter anderem {listing}. Was darf es sein?", f"We offer {listing}. What would you like?"),
        {"services": [service_data(s, tenant.currency) for s in tenant.services]},
    )
