"""Function names and arguments as existing agents send them, mapped onto the canonical ones.

CONTRACT section 2 lists the aliases of the older German salon flows; a trailing `_v<digits>` on a
function name is ignored. Unknown argument keys are dropped (and logged by the caller), never passed on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CANONICAL: tuple[str, ...] = (
    "get_context",
    "list_services",
    "check_availability",
    "book_appointment",
    "confirm_booking",
    "find_appointments",
    "reschedule_appointment",
    "cancel_appointment",
    "request_callback",
    "join_waitlist",
    "leave_waitlist",
    "ping",  # no-op: liveness and the benchmark floor; not exported as a tool
)

FUNCTION_ALIASES: dict[str, str] = {
    "initialize_call": "get_context",
    "get_current_context": "get_context",
    "current_time_berlin": "get_context",
    "check_customer": "get_context",
    "get_available_services": "list_services",
    "get_service_info": "list_services",
    "get_alternatives": "check_availability",
    "find_next_available": "check_availability",
    "parse_date": "check_availability",
    "start_booking": "book_appointment",
    "query_appointment": "find_appointments",
    "query_appointment_by_name": "find_appointments",
    "get_customer_appointments": "find_appointments",
}

ARG_ALIASES: dict[str, str] = {
    "dienstleistung": "service",
    "service_name": "service",
    "service_id": "service",
    "datum": "date",
    "preferred_date": "date",
    "appointment_date": "date",
    "uhrzeit": "time",
    "preferred_time": "time",
    "mitarbeiter": "staff",
    "preferred_staff_id": "staff",
    "staff_name": "staff",
    "name": "customer_name",
    "phone_number": "customer_phone",
    "telefonnummer": "customer_phone",
    "email": "customer_email",
    "e_mail": "customer_email",
    "email_address": "customer_email",
    "new_datum": "new_date",
    "new_uhrzeit": "new_time",
    "old_datum": "old_date",
    "old_uhrzeit": "old_time",
    "bestaetigung": "confirm",
}

CANONICAL_ARGS: frozenset[str] = frozenset(
    {
        "service",
        "date",
        "time",
        "staff",
        "when",
        "query",
        "customer_name",
        "customer_phone",
        "customer_email",
        "notes",
        "appointment",
        "old_date",
        "old_time",
        "new_date",
        "new_time",
        "new_when",
        "reason",
        "confirm",
        "datetime",
        "repeat",
        "count",
        "until",
        "scope",
        "package",
    }
)

_VERSION_SUFFIX = re.compile(r"_v\d+$")


@dataclass(frozen=True)
class Resolved:
    function: str | None  # canonical name, None when unknown
    mode: str | None = None  # "hold_only" for start_booking / collect_appointment_data without confirmation
    args: dict[str, Any] | None = None
    ignored: tuple[str, ...] = ()


def truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in {"true", "ja", "yes", "1", "y", "j", "bestätigt", "confirmed", "ok"}
    return False


def normalise_args(raw: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Canonical argument names; empty strings and nulls dropped; `datetime` split later by the parser."""
    args: dict[str, Any] = {}
    ignored: list[str] = []
    for key, value in raw.items():
        if not isinstance(key, str):
            continue
        name = ARG_ALIASES.get(key.strip().lower(), key.strip().lower())
        if name not in CANONICAL_ARGS:
            ignored.append(key[:40])
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if name in args and key.strip().lower() in ARG_ALIASES:  # canonical wins over alias when both are sent
            continue
        args[name] = value
    return args, tuple(ignored)


def resolve(name: str | None, raw_args: dict[str, Any]) -> Resolved:
    args, ignored = normalise_args(raw_args)
    if not name:
        return Resolved(None, args=args, ignored=ignored)
    base = _VERSION_SUFFIX.sub("", name.strip().lower())
    if base == "collect_appointment_data":
        confirmed = truthy(args.pop("confirm", False))
        return Resolved("book_appointment" if confirmed else "check_availability", args=args, ignored=ignored)
    if base == "start_booking":
        return Resolved("book_appointment", mode="hold_only", args=args, ignored=ignored)
    canonical = FUNCTION_ALIASES.get(base, base)
    if canonical not in CANONICAL:
        return Resolved(None, args=args, ignored=ignored)
    return Resolved(canonical, args=args, ignored=ignored)
