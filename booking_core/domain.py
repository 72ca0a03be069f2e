"""Plain values the booking engine takes and returns (the API the edge builds on)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from booking_core.refusals import Refusal


@dataclass(frozen=True)
class SlotRequest:
    """What the caller asked for.

    exact=True: the caller named a specific time `start`. exact=False: a day or window [start, end), or,
    with end=None, "next available" from `start` up to the tenant's maximum advance.
    """

    service_id: str
    staff_id: str | None  # None = any qualified staff
    start: datetime  # aware
    end: datetime | None = None
    exact: bool = True


@dataclass(frozen=True)
class SegmentSlot:
    key: str
    name: str
    start: datetime
    end: datetime
    staff_id: str
    staff_busy: bool
    busy_until: datetime | None = None  # end plus buffer (last segment) or next start (blocked gaps)
    staff_name: str = ""


@dataclass(frozen=True)
class Slot:
    service_id: str
    staff_id: str
    start: datetime
    end: datetime
    segments: tuple[SegmentSlot, ...]
    price: Decimal
    currency: str
    service_name: str = ""
    staff_name: str = ""


@dataclass(frozen=True)
class CheckOutcome:
    """`reason`: the refusal's code (booking_core.refusals) when not available; `refusal` the whole of it."""

    available: bool
    slot: Slot | None
    hold_expires_at: datetime | None
    alternatives: tuple[Slot, ...]
    slots: tuple[Slot, ...]
    reason: str | None
    refusal: Refusal | None = None


@dataclass(frozen=True)
class CustomerInput:
    name: str | None
    phone: str | None  # E.164 or None (withheld)


@dataclass(frozen=True)
class AppointmentView:
    id: str
    reference: str
    status: str
    start: datetime
    end: datetime
    service_id: str
    service_name: str
    staff_id: str
    staff_name: str
    segments: tuple[SegmentSlot, ...]
    price: Decimal
    currency: str
    customer_name: str | None
    customer_phone: str | None
    call_id: str | None
    version: int
    reschedule_count: int
    notes: str | None
    tenant_id: str = ""
    customer_id: str | None = None


@dataclass(frozen=True)
class PolicyDecision:
    allowed: bool
    fee: Decimal
    currency: str
    hours_before: Decimal
    deadline: datetime | None
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "fee": {"amount": str(self.fee), "currency": self.currency},
            "hours_before": str(self.hours_before),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "rule": self.rule,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PolicyDecision:
        """Back from `to_dict` (as the audit log keeps it)."""
        return cls(bool(data["allowed"]), Decimal(data["fee"]["amount"]), data["fee"]["currency"],
                   Decimal(data["hours_before"]), datetime.fromisoformat(data["deadline"]) if data.get("deadline") else None,
                   data["rule"])


def segment_to_dict(seg: SegmentSlot) -> dict[str, Any]:
    return {
        "key": seg.key,
        "name": seg.name,
        "start": seg.start.isoformat(),
        "end": seg.end.isoformat(),
        "staff": {"id": seg.staff_id, "name": seg.staff_name},
        "staff_busy": seg.staff_busy,
    }


def appointment_to_dict(view: AppointmentView) -> dict[str, Any]:
    """The JSON-able appointment for outbox payloads and audit rows (CONTRACT section 3 `appointment`)."""
    return {
        "id": view.id,
        "reference": view.reference,
        "tenant_id": view.tenant_id,
        "status": view.status,
        "start": view.start.isoformat(),
        "end": view.end.isoformat(),
        "service": {"id": view.service_id, "name": view.service_name},
        "staff": {"id": view.staff_id, "name": view.staff_name},
        "segments": [segment_to_dict(s) for s in view.segments],
        "price": {"amount": str(view.price), "currency": view.currency},
        "customer": {"name": view.customer_name, "phone": view.customer_phone},
        "call_id": view.call_id,
        "version": view.version,
        "reschedule_count": view.reschedule_count,
        "notes": view.notes,
    }
