"""list_services: the catalogue, or what matches a caller's words, with duration and price."""

from __future__ import annotations

from typing import Any

from agent_functions.functions.base import FunctionContext, handler
from agent_functions.replies import Reply, money
from agent_functions.speech import join_words, say_duration, say_money, say_service
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
    name = say_service(service.name, lang)
    text = ctx.say(f"{name} dauert {duration} und kostet {price}.", f"{name} takes {duration} and costs {price}.")
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
            names = join_words([say_service(c.name, ctx.lang) for c in choice.candidates], ctx.lang)
            return Reply(
                "needs_clarification",
                ctx.say(f"Meinen Sie {names}?", f"Do you mean {names}?"),
                {
                    "services": [service_data(c, tenant.currency) for c in choice.candidates],
                    "options": [c.name for c in choice.candidates],
                    "missing": ["service"],
                },
            )
        names = join_words([say_service(s.name, ctx.lang) for s in tenant.services[:3]], ctx.lang)
        return Reply(
            "not_found",
            ctx.say(
                f"Das bieten wir leider nicht an. Wir haben zum Beispiel {names}.",
                f"I'm afraid we don't offer that. We have, for example, {names}.",
            ),
            {"services": [service_data(s, tenant.currency) for s in tenant.services]},
        )

    def message(count: int) -> str:
        """The first services of the catalogue (at most SPOKEN_LIST, and no more than `data.services` keeps)."""
        shown = [say_service(s.name, ctx.lang) for s in tenant.services[: min(SPOKEN_LIST, count)]]
        more = len(tenant.services) > len(shown)
        listing = ", ".join(shown) + (ctx.say(" und weitere", " and more") if more else "")
        return ctx.say(
            f"Wir bieten unter anderem {listing}. Was darf es sein?", f"We offer {listing}. What would you like?"
        )

    return Reply(
        "ok",
        message(len(tenant.services)),
        {"services": [service_data(s, tenant.currency) for s in tenant.services]},
        spoken="services",
        render=message,
    )
