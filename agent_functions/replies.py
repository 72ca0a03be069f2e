"""The response every function returns (CONTRACT section 3) and the data shapes inside it.

`data` speaks ISO 8601 with the tenant's UTC offset and money as decimal strings, for machines;
`message` is for the caller and is built by the function modules from `speech`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, get_args
from zoneinfo import ZoneInfo

from agent_functions.compact import compact_lists, list_at

if TYPE_CHECKING:
    from booking_core.domain import AppointmentSegment, AppointmentView, Slot
    from booking_core.tenant_config import TenantConfig

ResponseStatus = Literal[
    "ok",
    "available",
    "unavailable",
    "booked",
    "rescheduled",
    "cancelled",
    "needs_confirmation",
    "needs_clarification",
    "not_found",
    "policy_denied",
    "callback_requested",
    "error",
]
"""What a function answer says happened (CONTRACT section 3); the agent's prompt branches on it."""

STATUSES: frozenset[str] = frozenset(get_args(ResponseStatus))
MAX_RESPONSE_CHARS = 2000
# The lists that may lose items (from the end, never the first), in this order, when even the compact
# answer is too long; the message is re-rendered for what stays of the list it reads out (`Reply.spoken`).
CUTTABLE: tuple[tuple[str, ...], ...] = (
    ("slots",),
    ("alternatives",),
    ("appointments",),
    ("services",),
    ("options",),
    ("context", "caller", "appointments"),
)


@dataclass
class Reply:
    """A function's answer: `status` for the agent's logic, `message` to speak, `data` for machines.

    `spoken`: the `data` list the message reads out item by item ("slots", "alternatives",
    "appointments", "services"), and `render(n)` the message for its first n items: when the answer
    must shrink to fit, the message and the data are cut together."""

    status: ResponseStatus
    message: str
    data: dict[str, Any] = field(default_factory=dict)
    spoken: str | None = None
    render: Callable[[int], str] | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    def to_json(self) -> dict[str, Any]:
        """The response body, at most MAX_RESPONSE_CHARS of JSON (the voice platform's limit).

        What is spoken stays in the data and what is cut is cut from both: first the option lists are
        made compact (agent_functions.compact: repeated fields dropped, never options); only if that is
        not enough are items dropped, from the end, and the message re-rendered for what remains."""
        body: dict[str, Any] = {"status": self.status, "message": self.message, "data": self.data}
        size = _size(body)
        if size <= MAX_RESPONSE_CHARS:
            return body
        compact_lists(body["data"], lambda: _size(body) > MAX_RESPONSE_CHARS)
        size = _size(body)
        for path in CUTTABLE:
            if size <= MAX_RESPONSE_CHARS:
                break
            items = list_at(body["data"], path)
            spoken = path == (self.spoken,) and self.render is not None
            flag = f"{'_'.join(path)}_truncated"
            while items is not None and len(items) > 1 and size > MAX_RESPONSE_CHARS:
                # The size is kept by difference, exactly (`_size` of the whole body after each cut was
                # 10 % of a worker's CPU on get_context): the JSON of a list of two or more items
                # loses `, ` and the last item's JSON when the item goes; the message's JSON string
                # changes by its own length.
                size -= len(_ITEM_SEPARATOR) + _size(items.pop())
                if body["data"].get(flag) is not True:
                    body["data"][flag] = True
                    size = _size(body)  # a new key: measured whole, once per list
                if spoken and self.render is not None:
                    message = self.render(len(items))
                    size += _size(message) - _size(body["message"])
                    body["message"] = message
                if size <= MAX_RESPONSE_CHARS:
                    size = _size(body)  # confirmed whole before the cutting stops
        return body


_ITEM_SEPARATOR = ", "  # json.dumps's item separator without indent


def _size(value: Any) -> int:
    """Characters of `value`'s JSON as the size limit counts them (json.dumps, non-ASCII as it is)."""
    return len(json.dumps(value, ensure_ascii=False))


def iso(at: datetime | None, zone: ZoneInfo) -> str | None:
    return None if at is None else at.astimezone(zone).isoformat()


def money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": f"{Decimal(amount):.2f}", "currency": currency}


def ref(id_: str, name: str) -> dict[str, str]:
    return {"id": id_, "name": name}


def segment_data(seg: AppointmentSegment, tenant: TenantConfig) -> dict[str, Any]:
    zone = tenant.zone
    member = tenant.staff_member(seg.staff_id)
    return {
        "key": seg.key,
        "name": seg.name,
        "start": iso(seg.start, zone),
        "end": iso(seg.end, zone),
        "staff": ref(seg.staff_id, member.name if member else seg.staff_id),
        "staff_busy": seg.staff_busy,
    }


def slot_data(slot: Slot, tenant: TenantConfig, hold_expires_at: datetime | None = None) -> dict[str, Any]:
    zone = tenant.zone
    service = tenant.service(slot.service_id)
    member = tenant.staff_member(slot.staff_id)
    return {
        "start": iso(slot.start, zone),
        "end": iso(slot.end, zone),
        "service": ref(slot.service_id, service.name if service else slot.service_id),
        "staff": ref(slot.staff_id, member.name if member else slot.staff_id),
        "segments": [segment_data(s, tenant) for s in slot.segments],
        "price": money(slot.price, slot.currency),
        "hold_expires_at": iso(hold_expires_at, zone),
    }


def appointment_data(view: AppointmentView, tenant: TenantConfig) -> dict[str, Any]:
    zone = tenant.zone
    return {
        "id": view.id,
        "reference": view.reference,
        "status": view.status,
        "start": iso(view.start, zone),
        "end": iso(view.end, zone),
        "service": ref(view.service_id, view.service_name),
        "staff": ref(view.staff_id, view.staff_name),
        "segments": [segment_data(s, tenant) for s in view.segments],
        "price": money(view.price, view.currency),
        "customer": {"name": view.customer_name, "phone": view.customer_phone},
        **({"series_id": view.series_id} if view.series_id else {}),
        **({"visit_id": view.visit_id} if view.visit_id else {}),
    }
