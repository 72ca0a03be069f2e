"""SQLAlchemy models: one schema for SQLite and PostgreSQL; this module holds the bookings' tables.

All instants are UTC (`UTCDateTime`), all money `Money` (exact decimals). Tenant-owned rows carry
`tenant_id` in their key so no query can reach across tenants by id alone. The base lives in
`storage.base` and the tenant catalogue in `storage.tenant_models`; both are re-exported here, so
`booking_core.storage.models` stays the one import for the core's tables.

The staff-busy intervals of live appointments (`appointment_segments` with `live` and `staff_busy`)
are the rows the PostgreSQL exclusion constraint guards; `busy_until` includes any buffer after the
segment, so a buffer is as binding as the work itself.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from booking_core.storage.base import Base
from booking_core.storage.tenant_models import (
    Absence,
    AgentRoute,
    Closure,
    PhoneNumber,
    Service,
    ServiceSegment,
    StaffMember,
    StaffService,
    Tenant,
    WeeklyHours,
)
from booking_core.vocabulary import AppointmentStatus, CallbackStatus, OutboxStatus

__all__ = [
    "Absence",
    "AgentRoute",
    "Appointment",
    "AppointmentSegment",
    "AuditEntry",
    "Base",
    "CallbackRequest",
    "Closure",
    "Customer",
    "ExternalBusy",
    "FunctionResult",
    "Hold",
    "OutboxMessage",
    "PhoneNumber",
    "Service",
    "ServiceSegment",
    "StaffMember",
    "StaffService",
    "Tenant",
    "WeeklyHours",
]


# --- people and appointments -----------------------------------------------------------------


class Customer(Base):
    """A person, known by phone and name: several people may share one number (a family), each their own
    row (`name_key`: the folded name, "" for a number whose customer gave none; see booking_core.customers)."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("tenant_id", "phone", "name_key"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Given on a call (book_appointment `customer_email`) for confirmations by email (migration 0008).
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime]


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "reference"),
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_appointments_tenant_start", "tenant_id", "start"),
        # The lifecycle tick's scan: active appointments whose time has come, over every tenant (0008).
        Index("ix_appointments_status_start", "status", "start"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(12))
    service_id: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=AppointmentStatus.SCHEDULED)
    start: Mapped[datetime]
    end: Mapped[datetime]
    price: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    call_id: Mapped[str | None] = mapped_column(String(100), index=True)
    # Same call + same resolved slot = same appointment (retried function calls write once).
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    reschedule_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The recurring series this appointment belongs to (CONTRACT section 10), None for a single one.
    series_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    # The visit (several services in one sitting) this appointment is a part of, None for one alone.
    visit_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - declared (mutable) by SQLAlchemy's base


class AppointmentSegment(Base):
    """A stretch of an appointment; staff-busy ones block the staff, gaps are simply absent."""

    __tablename__ = "appointment_segments"
    # The busy query's index (migration 0013): only live, staff-busy rows, every column it reads.
    __table_args__ = (
        Index(
            "ix_appointment_segments_live_busy",
            "tenant_id",
            "staff_id",
            "start",
            "busy_until",
            "live",
            "staff_busy",
            sqlite_where=text("live AND staff_busy"),
            postgresql_where=text("live AND staff_busy"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    appointment_id: Mapped[str] = mapped_column(ForeignKey("appointments.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    start: Mapped[datetime]
    end: Mapped[datetime]
    busy_until: Mapped[datetime]  # end plus buffer: the staff is not bookable before this
    staff_busy: Mapped[bool] = mapped_column(Boolean, default=True)
    live: Mapped[bool] = mapped_column(Boolean, default=True)  # false once the appointment is cancelled/no-show


class Hold(Base):
    """A slot reserved for one call while the caller confirms; one per call, gone at expiry or call end."""

    __tablename__ = "holds"
    __table_args__ = (UniqueConstraint("tenant_id", "call_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[str] = mapped_column(String(100))
    service_id: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[str] = mapped_column(String(64))
    start: Mapped[datetime]
    end: Mapped[datetime]
    # [{"key", "name", "start", "end", "busy_until", "staff_id", "staff_busy"}] as ISO strings
    segments: Mapped[list[Any]] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime]


class ExternalBusy(Base):
    """Busy time known from another calendar (Cal.com bookings not made by us)."""

    __tablename__ = "external_busy"
    __table_args__ = (UniqueConstraint("tenant_id", "source", "external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[str | None] = mapped_column(String(64))  # NULL: blocks everyone
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(200))
    start: Mapped[datetime]
    end: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]


class CallbackRequest(Base):
    __tablename__ = "callback_requests"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[str | None] = mapped_column(String(100))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=CallbackStatus.OPEN)  # CallbackStatus: open | done
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]  # when staff closed it (migration 0008)


class FunctionResult(Base):
    """The answer given to one function call, so a retried call gets the same answer and writes once."""

    __tablename__ = "function_results"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    call_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    request_key: Mapped[str] = mapped_column(String(64), primary_key=True)  # hash of function + canonical args
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """Append-only: triggers on both engines refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    call_id: Mapped[str | None] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    policy: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class OutboxMessage(Base):
    """A change to push to the outside world, written in the same transaction as the change itself."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # A message (target sms | email) is written once per key: at most one delivery (migration 0008).
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_outbox_subject", "tenant_id", "subject"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64), index=True)
    topic: Mapped[str] = mapped_column(String(64))  # OutboxTopic; message.<kind> for messages to people
    target: Mapped[str] = mapped_column(String(32))  # which sender drains it: OutboxTarget
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # OutboxStatus; withdrawn: a planned message that no longer applies (a reminder of a moved time)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    # What a message is about (an appointment or callback id): its pending messages are withdrawn together.
    subject: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
