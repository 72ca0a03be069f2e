"""Tables the voice edge owns: signatures already accepted, so a captured request cannot be replayed;
claims on write requests in flight, so a retried copy reaching another process waits for the first.

Shared through the database (not kept in process memory) because several server processes answer the
same voice platform: a replay sent to another process must be refused too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from booking_core.storage.models import Base

__all__ = ["FunctionClaim", "SeenSignature"]


class SeenSignature(Base):
    """One accepted webhook signature. Rows older than the signature window are useless (a stale
    timestamp is refused anyway) and are pruned."""

    __tablename__ = "seen_signatures"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    signed_at: Mapped[datetime] = mapped_column(index=True)


class FunctionClaim(Base):
    """A write function call being executed: the first copy of a retried request claims it, so copies
    reaching other processes meanwhile wait for its answer instead of executing again.

    Deleted when the answer is stored (or, for an answer that wrote nothing, released for the next
    copy to evaluate afresh). A process that dies mid-request leaves its claim behind; `expires_at`
    lets the next copy take it over, so a crash never blocks a call's retries for good.
    """

    __tablename__ = "function_claims"
    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    call_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    request_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))  # the owner's, so only it completes or releases the claim
    expires_at: Mapped[datetime]
