"""Tables the voice edge owns: signatures already accepted, so a captured request cannot be replayed.

Shared through the database (not kept in process memory) because several server processes answer the
same voice platform: a replay sent to another process must be refused too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from booking_core.storage.models import Base


class SeenSignature(Base):
    """One accepted webhook signature. Rows older than the signature window are useless (a stale
    timestamp is refused anyway) and are pruned."""

    __tablename__ = "seen_signatures"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    signed_at: Mapped[datetime] = mapped_column(index=True)
