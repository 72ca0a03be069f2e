"""Booking references: the short code a caller reads back ("K7M2"), unique per tenant.

22 letters and digits without look-alikes (no B/8, O/0, I/1, G/6, S/5, Z/2, L, Q): 4 of them give
234,256 codes per tenant.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.storage import models as m

__all__ = ["CHECKED_ATTEMPTS", "REFERENCE_ALPHABET", "candidate", "new_reference"]

REFERENCE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"


def _code(length: int) -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))


CHECKED_ATTEMPTS = 40


def candidate(attempt: int) -> str:
    """The `attempt`-th (0-based) code to try for a new reference: 4 symbols, 5 after 25 collisions, and
    from the 40th an 8-symbol code, written unchecked (`CHECKED_ATTEMPTS`)."""
    if attempt >= CHECKED_ATTEMPTS:
        return _code(8)
    return _code(4 if attempt < 25 else 5)


async def new_reference(session: AsyncSession, tenant_id: str) -> str:
    """A reference no appointment of the tenant has: 4 symbols, 5 after 25 collisions, and after 40
    collisions an 8-symbol code, unchecked. (A new appointment instead tries `candidate`s in its own
    INSERT: `appointment_rows.insert_appointment`.)"""
    for attempt in range(CHECKED_ATTEMPTS):
        ref = candidate(attempt)
        hit = await session.scalar(
            select(m.Appointment.id).where(m.Appointment.tenant_id == tenant_id, m.Appointment.reference == ref)
        )
        if hit is None:
            return ref
    return candidate(CHECKED_ATTEMPTS)
