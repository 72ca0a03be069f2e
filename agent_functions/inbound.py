"""`POST /retell/inbound`: Retell's inbound-call webhook (CONTRACT section 14).

Retell calls it when a call reaches one of its numbers, before the agent answers, with
`{"event": "call_inbound", "call_inbound": {"agent_id", "agent_version", "from_number", "to_number"}}`
(no call object or call id exists yet), and takes the answer's
`{"call_inbound": {"dynamic_variables": {...}, "metadata": {...}}}` into the call: the variables fill
`{{current_date}}` and the like in the agent's prompt, so the LLM never works from a stale calendar
(the worst failure of the system Slotline replaces: bookings in 2023). Values are strings, in the
tenant's language. Retell waits up to 10 s and retries up to 3 times, and the phone keeps ringing
meanwhile: the target is under 50 ms (benchmarks/bench_inbound.py). Nothing is written, so a copy of
the request is simply answered again.

The call always goes on: an unknown number or agent gets today's date in the default zone and no
business; a database fault gets the variables that need no database (the app's error guard calls
`inbound_fallback`). `metadata.tenant` names the tenant, so the call's later webhooks carry it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from aiohttp import web

from agent_functions.call_context import Caller, caller_facts, hours_text
from agent_functions.context import SERVICES
from agent_functions.envelope import CallInfo
from agent_functions.phones import mask, normalise, region_of
from agent_functions.signed_webhook import SIGNED_PAYLOAD, Answer
from agent_functions.speech import DE_WEEKDAYS, EN_WEEKDAYS, join_and, say_clock, say_when
from booking_core.opening import day_hours
from booking_core.tenant_config import TenantConfig

log = structlog.get_logger("slotline.inbound")
DEFAULT_ZONE = ZoneInfo("Europe/Berlin")  # TenantConfig's default, for calls no tenant claims
CLOSED_WORD = {"de": "geschlossen", "en": "closed"}


def _details(payload: Any, headers: Any) -> CallInfo:
    """The dialled and calling numbers and the agent, from `call_inbound` (CallInfo's reading of a call)."""
    details = payload.get("call_inbound") if isinstance(payload, dict) else None
    return CallInfo.from_payload(details if isinstance(details, dict) else {}, headers)


async def inbound_answer(request: web.Request, payload: Any) -> Answer:
    """The dynamic variables for the call about to be answered (always HTTP 200)."""
    services = request.app[SERVICES]
    call = _details(payload, request.headers)
    now = services.clock.now()
    tenant = await services.tenants.resolve(call.to_number, None, call.agent_id)
    if tenant is None:
        log.info("inbound call for no tenant", to_number=mask(call.to_number), agent_id=call.agent_id)
        return 200, _answer(None, now, Caller())
    phone = normalise(call.from_number, region_of(tenant.phone_numbers)) if call.from_number else None
    caller = await caller_facts(services, tenant, phone)
    log.info("inbound call", tenant=tenant.id, caller=mask(phone), known=caller.known)
    return 200, _answer(tenant, now, caller)


def inbound_fallback(request: web.Request) -> dict[str, Any]:
    """The answer while the database is unreachable: the tenant as this process last knew it, no caller."""
    services = request.app[SERVICES]
    call = _details(request.get(SIGNED_PAYLOAD), request.headers)
    return _answer(services.tenants.cached(call.to_number, None, call.agent_id), services.clock.now(), Caller())


def _answer(tenant: TenantConfig | None, now: datetime, caller: Caller) -> dict[str, Any]:
    answer: dict[str, Any] = {"dynamic_variables": dynamic_variables(tenant, now, caller)}
    if tenant is not None:
        answer["metadata"] = {"tenant": tenant.id}
    return {"call_inbound": answer}


def dynamic_variables(tenant: TenantConfig | None, now: datetime, caller: Caller) -> dict[str, str]:
    """CONTRACT section 14's variables, all strings, in the tenant's language (German without a tenant).

    `current_date` ISO, `current_weekday` ("Freitag"), `current_time` ("14:30" / "2:30 pm"),
    `timezone`, `business_name`, `opening_hours_today` ("09:00 bis 18:00 Uhr", or "geschlossen
    (Weihnachten)"; holidays and closures applied), `caller_known` ("true"/"false"), `caller_name`
    (every name a shared number is known by),
    `next_appointment` (spoken: "Herrenhaarschnitt am Dienstag, den 24. November, um 10 Uhr bei Fabian").
    """
    lang = tenant.language if tenant is not None else "de"
    local = now.astimezone(tenant.zone if tenant is not None else DEFAULT_ZONE)
    variables = {
        "current_date": local.date().isoformat(),
        "current_weekday": (DE_WEEKDAYS if lang == "de" else EN_WEEKDAYS)[local.weekday()],
        "current_time": f"{local:%H:%M}" if lang == "de" else say_clock(local, "en"),
        "timezone": tenant.timezone if tenant is not None else str(DEFAULT_ZONE),
        "business_name": tenant.name if tenant is not None else "",
        "opening_hours_today": _hours_today(tenant, local, lang) if tenant is not None else "",
        "caller_known": "true" if caller.known else "false",
        "caller_name": join_and(caller.names, lang),  # a family's number: every name
        "next_appointment": _spoken(caller, local, lang),
    }
    return variables


def _hours_today(tenant: TenantConfig, local: datetime, lang: str) -> str:
    """The hours as said, or "geschlossen (Weihnachten)" / "closed (Boxing Day)" (booking_core.opening)."""
    today = day_hours(tenant, local.date())
    if today.hours:
        return hours_text(today.pairs(), lang)
    closed = CLOSED_WORD[lang]
    return f"{closed} ({today.closed.name})" if today.closed is not None and today.closed.name else closed


def _spoken(caller: Caller, local: datetime, lang: str) -> str:
    if not caller.upcoming:
        return ""
    first = caller.upcoming[0]
    when = say_when(first.start.astimezone(local.tzinfo), lang, local.date())
    if lang == "de":
        return (
            f"{first.service_name} {'' if when.startswith(('heute', 'morgen')) else 'am '}{when} bei {first.staff_name}"
        )
    return (
        f"{first.service_name} {'' if when.startswith(('today', 'tomorrow')) else 'on '}{when} with {first.staff_name}"
    )
