"""Plain values the booking engine takes and returns (the API the edge builds on)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from booking_core.vocabulary import AppointmentStatus

if TYPE_CHECKING:
    from booking_core.refusals import Refusal, RefusalCode

__all__ = [
    "AppointmentSegment",
    "AppointmentView",
    "CheckOutcome",
    "CustomerInput",
    "PackageOutcome",
    "PackageUse",
    "PolicyDecision",
    "Slot",
    "SlotRequest",
    "appointment_to_dict",
    "segment_to_dict",
]


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
    not_staff: tuple[str, ...] = ()  # with staff_id None: anyone qualified but these ("nicht Fabian")


@dataclass(frozen=True)
class AppointmentSegment:
    """One segment of an offered slot or a booked appointment, in the tenant's zone (the same segment
    as `booking_core.layout.AppointmentSegment` in epoch minutes and the `appointment_segments` row).
    `staff_busy` False: the staff is free meanwhile (processing); `busy_until`: where the staff's
    blocked stretch ends (end plus buffer on the last segment, the next start in blocked gaps)."""

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
    """A bookable time for a service: who starts it, its segments, its price (the staff member's,
    else the service's) in the tenant's currency. Times are aware, in the tenant's zone."""

    service_id: str
    staff_id: str
    start: datetime
    end: datetime
    segments: tuple[AppointmentSegment, ...]
    price: Decimal
    currency: str
    service_name: str = ""
    staff_name: str = ""


@dataclass(frozen=True)
class CheckOutcome:
    """The answer to a check. Exact: `available` and `slot` (held until `hold_expires_at` when a call
    asked), else `reason` and the nearest `alternatives`. Day, window or next: `slots` spread over it,
    else `reason` and the next free ones as `alternatives`. `reason` is `not_qualified` also when
    slots with other staff are offered. `reason` is the code of `refusal` (booking_core.refusals), which
    says the rest (whose hours, which holiday)."""

    available: bool
    slot: Slot | None
    hold_expires_at: datetime | None
    alternatives: tuple[Slot, ...]
    slots: tuple[Slot, ...]
    reason: RefusalCode | None
    refusal: Refusal | None = None


@dataclass(frozen=True)
class CustomerInput:
    """Who a booking is for, as the call gives it (the name as spoken, stripped later)."""

    name: str | None
    phone: str | None  # E.164 or None (withheld)
    email: str | None = None  # checked by the edge (booking_core.messages.channels.valid_email)


PackageOutcome = Literal["used", "refunded", "kept", "used_up", "expired"]
"""What a booking or a cancellation did with the customer's card for the service (booking_core.package_rules)."""


@dataclass(frozen=True)
class PackageUse:
    """The customer's multi-session card met by a booking or a cancellation (CONTRACT section 10).

    `outcome`: `used` (one credit paid for the appointment), `refunded` (a cancellation without fee gave it
    back), `kept` (a cancellation with a fee: the credit stays used), `used_up` (a card of the service but
    no credit left: the appointment is paid normally), `expired` (the card's validity ends before the
    appointment: paid normally). `remaining`: the card's credits after it; `expires_at` aware UTC."""

    outcome: PackageOutcome
    package_id: str
    package_name: str
    sale_id: str
    remaining: int
    expires_at: datetime


@dataclass(frozen=True)
class AppointmentView:
    """An appointment as the caller is told it: local times, service and staff names, segments,
    price; `version` counts its changes (optimistic locking)."""

    id: str
    reference: str
    status: AppointmentStatus
    start: datetime
    end: datetime
    service_id: str
    service_name: str
    staff_id: str
    staff_name: str
    segments: tuple[AppointmentSegment, ...]
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
    series_id: str | None = None  # the recurring series it belongs to (CONTRACT section 10)
    visit_id: str | None = None  # the visit of several services it is a part of (CONTRACT section 10)
    customer_email: str | None = None
    package: PackageUse | None = None  # the card this booking or cancellation used or refunded (section 10)


@dataclass(frozen=True)
class PolicyDecision:
    """Whether a cancel or move is allowed now (`booking_core.policy`): its fee, how many hours before
    the start it happens, the last free moment (`deadline`) and the rule that decided (`cancel.free`)."""

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
        return cls(
            bool(data["allowed"]),
            Decimal(data["fee"]["amount"]),
            data["fee"]["currency"],
            Decimal(data["hours_before"]),
            datetime.fromisoformat(data["deadline"]) if data.get("deadline") else None,
            data["rule"],
        )


def segment_to_dict(seg: AppointmentSegment) -> dict[str, Any]:
    """The JSON-able segment (CONTRACT section 3 `segments[]`)."""
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
        "customer": {
            "name": view.customer_name,
            "phone": view.customer_phone,
            **({"email": view.customer_email} if view.customer_email else {}),
        },
        "call_id": view.call_id,
        "version": view.version,
        "reschedule_count": view.reschedule_count,
        "notes": view.notes,
        **({"series_id": view.series_id} if view.series_id else {}),
        **({"visit_id": view.visit_id} if view.visit_id else {}),
    }
