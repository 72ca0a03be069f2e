"""SQL of the edge's housekeeping on the booking core's `holds`: rows past their expiry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from booking_core.storage import models as m
from booking_core.storage.db import Database


async def delete_expired(db: Database, before: datetime) -> int:
    """Delete holds that expired before `before` (availability ignores them already); how many."""
    async with db.write_connection() as conn:
        return (await conn.execute(delete(m.Hold).where(m.Hold.expires_at < before))).rowcount or 0
