"""Tables the integrations own: Cal.com event-type mapping, Cal.com bookings per appointment segment,
and circuit-breaker state shared by every worker process.

They live on the same `Base.metadata` as the core models (one schema, one migration chain) but only
`integrations/` writes them; the booking core never reads them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from booking_core.storage.models import Base

__all__ = ["WHOLE", "CalcomBooking", "CalcomEventType", "CircuitBreakerState"]

# Segment key used for a simple (non-composite) service: the whole appointment is one Cal.com booking.
WHOLE = "-"


class CalcomEventType(Base):
    """The hidden Cal.com event type that stands for one service (or one staff-busy segment of it)."""

    __tablename__ = "calcom_event_types"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    segment_key: Mapped[str] = mapped_column(String(16), primary_key=True)  # WHOLE for simple services
    event_type_id: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(200))
    length_min: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class CalcomBooking(Base):
    """The Cal.com booking that mirrors one staff-busy segment of one of our appointments.

    `uid` changes when Cal.com reschedules (it creates a new booking); `previous_uids` keeps the old
    ones so late webhooks about them are still recognised as our own.
    """

    __tablename__ = "calcom_bookings"
    __table_args__ = (Index("ix_calcom_bookings_uid", "tenant_id", "uid"),)
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    appointment_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    segment_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    uid: Mapped[str] = mapped_column(String(100))
    previous_uids: Mapped[str | None] = mapped_column(Text)  # space-separated
    calcom_id: Mapped[int | None] = mapped_column(Integer)
    event_type_id: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[str | None] = mapped_column(String(64))
    start: Mapped[datetime]
    end: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | cancelled
    updated_at: Mapped[datetime]


class CircuitBreakerState(Base):
    """One breaker per (tenant, integration); shared through the database so every worker agrees."""

    __tablename__ = "integration_breakers"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    target: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="closed")  # closed | open | half_open
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # While open (or paused by a 429's Retry-After) nothing is sent before this instant.
    open_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
