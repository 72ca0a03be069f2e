"""The call log: every function call a voice agent made, as it was sent and as it was answered.

One row per request (retried copies included: each is something the agent sent). Written off the
caller's path, in batches, by the edge's call log (agent_functions/call_log); kept for
`SLOTLINE_CALL_RECORD_DAYS` days (housekeeping deletes older rows). It is what `GET /admin/calls/{id}`,
`slotline calls show` and `slotline fixtures capture` read (CONTRACT section 13).

Privacy: `args`, `call` and `response` hold what callers said (names, phone numbers); they are read
only behind the admin token or by the CLI on the database itself, never logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from booking_core.storage.models import Base

__all__ = ["FunctionCallRecord"]


class FunctionCallRecord(Base):
    """One function call: `at` is when the request reached us (UTC), `ms` how long the answer took."""

    __tablename__ = "function_calls"
    __table_args__ = (Index("ix_function_calls_tenant_call", "tenant_id", "call_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    call_id: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(index=True)
    name: Mapped[str | None] = mapped_column(String(100))  # the function name as sent (an alias, a _v17 suffix)
    function: Mapped[str] = mapped_column(String(32))  # the canonical function, or "unknown"
    # The arguments as sent, and the call envelope's routing part (call id, numbers, direction, agent, metadata).
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    call: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(32))  # the response's `status` (CONTRACT section 3)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)  # the whole answer
    ms: Mapped[float] = mapped_column(Float)
