"""Tenants and their catalogue: services and their segments, staff, hours, absences, closures.

Tenant-owned rows carry `tenant_id` in their key so no query can reach across tenants by id alone.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column

from booking_core.storage.base import Base

__all__ = [
    "Absence",
    "AgentRoute",
    "Closure",
    "PhoneNumber",
    "Service",
    "ServiceSegment",
    "StaffMember",
    "StaffService",
    "Tenant",
    "WeeklyHours",
]


# --- tenants and their catalogue -------------------------------------------------------------


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    currency: Mapped[str] = mapped_column(String(3))
    # The validated tenant document as loaded: what `tenants load` was given, for audit and export.
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Bumped on every load; processes cache a tenant's config by (id, revision).
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime]


class PhoneNumber(Base):
    """Dialled numbers (E.164) that reach a tenant: how a call is routed to its tenant."""

    __tablename__ = "phone_numbers"
    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


class AgentRoute(Base):
    """Voice-agent ids that belong to a tenant (fallback routing when no dialled number is known)."""

    __tablename__ = "agent_routes"
    agent_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


class Service(Base):
    __tablename__ = "services"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    duration_min: Mapped[int | None]
    buffer_after_min: Mapped[int] = mapped_column(default=0)
    price: Mapped[Decimal]
    pause_policy: Mapped[str] = mapped_column(String(16), default="free")
    staff_per_segment: Mapped[bool] = mapped_column(Boolean, default=False)
    policies: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ServiceSegment(Base):
    __tablename__ = "service_segments"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "service_id"], ["services.tenant_id", "services.id"], ondelete="CASCADE"),
    )
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    duration_min: Mapped[int]
    gap_after_min: Mapped[int] = mapped_column(default=0)
    gap_after_max: Mapped[int | None]
    staff_busy: Mapped[bool] = mapped_column(Boolean, default=True)


class StaffMember(Base):
    __tablename__ = "staff"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StaffService(Base):
    """Who may do what; `price` overrides the service price for this person."""

    __tablename__ = "staff_services"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "staff_id"], ["staff.tenant_id", "staff.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "service_id"], ["services.tenant_id", "services.id"], ondelete="CASCADE"),
    )
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    price: Mapped[Decimal | None]


class WeeklyHours(Base):
    """Opening hours (staff_id NULL) or a staff member's own week; weekday 0 = Monday; local times."""

    __tablename__ = "weekly_hours"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[str | None] = mapped_column(String(64))
    weekday: Mapped[int]
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)


class Absence(Base):
    """A staff absence: whole days first_day..last_day, or part of one day when start/end are set."""

    __tablename__ = "absences"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "staff_id"], ["staff.tenant_id", "staff.id"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64), index=True)
    staff_id: Mapped[str] = mapped_column(String(64))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    start: Mapped[time | None] = mapped_column(Time)
    end: Mapped[time | None] = mapped_column(Time)
    reason: Mapped[str | None] = mapped_column(String(200))


class Closure(Base):
    __tablename__ = "closures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200))
