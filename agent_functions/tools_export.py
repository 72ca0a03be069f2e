"""`slotline tools export`: Retell custom-function definitions for every canonical function, and
(`--prompt`) the lines of the agent's prompt that use the inbound webhook's dynamic variables.

Descriptions tell the LLM what to pass: spoken phrases are welcome ("morgen um halb drei"), the call id
is never an argument (we take it from the envelope).
"""

from __future__ import annotations

from typing import Any

_S = {"type": "string"}


def _props(**fields: str) -> dict[str, Any]:
    return {name: {**_S, "description": text} for name, text in fields.items()}


SPOKEN = "as the caller said it or as a date/time value"
SERIES = {
    "repeat": "for a recurring appointment, how often as the caller said it ('jeden Dienstag', 'alle zwei Wochen', "
    "'every other Friday')",
    "count": "how many appointments of the series ('sechs', '6'); at most 26, six when none is said",
    "until": "the last day of the series as the caller said it ('bis Weihnachten', '2027-01-31')",
}
CONFIRM_FIRST = "First call without confirm to learn fees; call again with confirm=true once the caller agrees."
TOOLS: list[tuple[str, str, dict[str, Any], list[str]]] = [
    (
        "get_context",
        "Call first: today's date and time, opening hours, and whether the caller is known with their "
        "upcoming appointments.",
        {},
        [],
    ),
    (
        "list_services",
        "The services on offer with duration and price, or those matching a query.",
        _props(query="what the caller asked for, e.g. 'Ansatz färben'"),
        [],
    ),
    (
        "check_availability",
        "Check whether a time is free and hold it while the caller decides; with only a day or "
        "part of day, get up to 3 options.",
        _props(
            service="the service as the caller said it; several for one visit ('Schneiden und Färben')",
            date=f"the day, {SPOKEN} ('morgen', '2026-11-21')",
            time=f"the time, {SPOKEN} ('halb drei', '14:30')",
            when="date and time together in the caller's words",
            staff="preferred staff member, if any",
            **SERIES,
        ),
        ["service"],
    ),
    (
        "book_appointment",
        "Book the held or chosen time. Repeat the exact date and time the caller agreed to.",
        _props(
            service="the service; several for one visit",
            date=f"the day, {SPOKEN}",
            time=f"the time, {SPOKEN}",
            when="date and time in the caller's words",
            staff="staff member, if any",
            customer_name="the caller's name",
            customer_phone="a callback number if different from the calling number",
            customer_email="the caller's email address, if they want a confirmation by email",
            notes="anything the salon should know",
            package="'yes' when the caller says they have a multi-session card ('Zehnerkarte', 'a package')",
            **SERIES,
        ),
        ["service"],
    ),
    (
        "find_appointments",
        "The caller's upcoming appointments (by their number, else by name).",
        _props(
            customer_name="the caller's name",
            customer_phone="the caller's number if they give one",
            date="a day to narrow it down",
        ),
        [],
    ),
    (
        "reschedule_appointment",
        f"Move an appointment. {CONFIRM_FIRST}",
        {
            **_props(
                appointment="the booking reference, if the caller has it",
                old_date="current day of the appointment",
                old_time="current time",
                new_date=f"the new day, {SPOKEN}",
                new_time=f"the new time, {SPOKEN}",
                staff="staff member, if any",
                reason="why",
            ),
            "confirm": {"type": "boolean", "description": "true once the caller has agreed to the conditions"},
        },
        [],
    ),
    (
        "cancel_appointment",
        f"Cancel an appointment. {CONFIRM_FIRST}",
        {
            **_props(
                appointment="the booking reference, if the caller has it",
                date="day of the appointment",
                time="time of the appointment",
                customer_name="the caller's name",
                reason="why",
                scope="'series' to cancel this and all later appointments of its series ('alle weiteren Termine')",
            ),
            "confirm": {"type": "boolean", "description": "true once the caller has agreed"},
        },
        [],
    ),
    (
        "request_callback",
        "Leave a callback request for the staff.",
        _props(customer_name="the caller's name", customer_phone="number to call back", reason="what it is about"),
        [],
    ),
    (
        "join_waitlist",
        "Put the caller on the waiting list when nothing fits; they get a text when a fitting time frees up.",
        _props(
            service="service wanted",
            when=f"the day or span wanted, {SPOKEN}",
            staff="staff member, if any",
            customer_name="the caller's name",
            customer_phone="mobile number for the text, if not the one calling",
        ),
        [],
    ),
    (
        "leave_waitlist",
        "Take the caller off the waiting list when they no longer want a freed time (found one elsewhere, "
        "changed plans). Without service or day, all their entries are taken off.",
        _props(
            service="the service they waited for, if they name one",
            when=f"the day or span they waited for, if they name one, {SPOKEN}",
            customer_phone="the number they gave for the waiting list, if not the one calling",
        ),
        [],
    ),
]


def export(url: str) -> list[dict[str, Any]]:
    """One Retell custom tool per function, each POSTing to its own URL with the wrapped body."""
    base = url.rstrip("/")
    tools = []
    for name, description, properties, required in TOOLS:
        tools.append(
            {
                "type": "custom",
                "name": name,
                "description": description,
                "url": f"{base}/retell/functions/{name}",
                "method": "POST",
                "speak_during_execution": name not in ("get_context",),
                "speak_after_execution": True,
                "timeout_ms": 10000,
                "parameters": {"type": "object", "properties": properties, "required": required},
            }
        )
    return tools


# The inbound webhook's dynamic variables (agent_functions.inbound.dynamic_variables), as the prompt uses them.
PROMPT_LINES: dict[str, tuple[str, ...]] = {
    "de": (
        "Heute ist {{current_weekday}}, der {{current_date}}; es ist {{current_time}} Uhr (Zeitzone {{timezone}}).",
        "Du nimmst Anrufe für {{business_name}} entgegen. Öffnungszeiten heute: {{opening_hours_today}}.",
        "Rechne jedes Datum von {{current_date}} aus, nie aus dem Gedächtnis, und biete nur Termine ab heute an.",
        "Anrufer bekannt: {{caller_known}}. Name: {{caller_name}}. Nächster Termin: {{next_appointment}}.",
        "Ist der Anrufer bekannt, sprich ihn mit seinem Namen an und frage nicht noch einmal danach.",
        "Steht oben kein Datum, rufe zuerst get_context auf.",
    ),
    "en": (
        "Today is {{current_weekday}}, {{current_date}}; it is {{current_time}} (time zone {{timezone}}).",
        "You answer calls for {{business_name}}. Opening hours today: {{opening_hours_today}}.",
        "Work out every date from {{current_date}}, never from memory, and only offer times from today on.",
        "Caller known: {{caller_known}}. Name: {{caller_name}}. Next appointment: {{next_appointment}}.",
        "If the caller is known, greet them by name and do not ask for it again.",
        "If no date is given above, call get_context first.",
    ),
}


def prompt_lines(lang: str) -> tuple[str, ...]:
    """The prompt lines for an agent speaking `lang` ("de" or "en"; anything else: German)."""
    return PROMPT_LINES.get(lang, PROMPT_LINES["de"])
