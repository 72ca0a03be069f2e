"""The waitlist (CONTRACT section 10): callers waiting for a time that is booked out.

One row per caller, service and wished window. The window is stored in UTC ([window_start,
window_end)), derived from what the caller said ("Freitag", "nachmittags", "nächste Woche"). At most
one *waiting* entry per (tenant, phone, service, window): a partial unique index on both engines.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from booking_core.storage.models import Base
from booking_core.vocabulary import WaitlistStatus

__all__ = ["WaitlistEntry"]


class WaitlistEntry(Base):
    """``status``: WaitlistStatus; ``staff_id`` None means anyone who does the service."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        # The offer's scan: the oldest waiting entries of a tenant.
        Index("ix_waitlist_entries_due", "tenant_id", "status", "created_at"),
        Index(
            "uq_waitlist_entries_waiting",
            "tenant_id",
            "customer_phone",
            "service_id",
            "window_start",
            "window_end",
            unique=True,
            postgresql_where=text("status = 'waiting'"),
            sqlite_where=text("status = 'waiting'"),
        ),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    service_id: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[str | None] = mapped_column(String(64))
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    when_text: Mapped[str | None] = mapped_column(String(200))  # what the caller said, for staff
    customer_name: Mapped[str | None] = mapped_column(String(200))
    customer_phone: Mapped[str] = mapped_column(String(20))
    call_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default=WaitlistStatus.WAITING)
    created_at: Mapped[datetime]
    offered_at: Mapped[datetime | None]
    # The freed time offered (UTC) and by whom, so staff see what the SMS said.
    offered_start: Mapped[datetime | None]
    offered_staff_id: Mapped[str | None] = mapped_column(String(64))
