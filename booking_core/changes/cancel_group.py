"""Cancelling several appointments that belong together (the rest of a series, a visit) in one
transaction, the cancel policy applied to each (CONTRACT section 10). An appointment the policy
refuses stays booked and is reported; one already cancelled (or under way) is left as it is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from booking_core import appointments
from booking_core.booking_store import views
from booking_core.changes.cancel import cancel_row
from booking_core.domain import AppointmentView, PolicyDecision
from booking_core.errors import InvalidTransition, PolicyDenied
from booking_core.request import BookingContext
from booking_core.storage import models as m
from booking_core.vocabulary import AppointmentStatus
from booking_core.waitlist_offer import freed_by, offer_freed

__all__ = ["GroupCancellation", "Members", "cancel_group"]

Members = Callable[[AsyncSession, BookingContext, m.Appointment], Awaitable[list[m.Appointment]]]
"""Which rows go with a picked appointment (read in the write session), the picked one included."""


@dataclass(frozen=True)
class GroupCancellation:
    """What the cancel did: `cancelled` (each with its policy decision and fee), `refused` (the
    policy kept them booked)."""

    cancelled: tuple[tuple[AppointmentView, PolicyDecision], ...]
    refused: tuple[tuple[AppointmentView, PolicyDecision], ...]


async def cancel_group(
    ctx: BookingContext, appointment_id: str, reason: str | None, members: Members
) -> GroupCancellation:
    """Cancel the appointment (id or reference) and its `members`, each under the cancel policy.

    Raises NotFound; InvalidTransition when none of them can be cancelled or refused any more."""
    cancelled: list[tuple[AppointmentView, PolicyDecision]] = []
    refused: list[tuple[AppointmentView, PolicyDecision]] = []
    async with ctx.db.write() as session:
        picked = await appointments.row_or_raise(session, ctx.tenant.id, appointment_id)
        status = picked.status
        for row in await members(session, ctx, picked):
            try:
                cancelled.append(await cancel_row(session, ctx, row, reason, offer=False))
            except PolicyDenied as denied:
                refused.append(((await views(session, ctx.cal, [row]))[0], denied.decision))
            except InvalidTransition:
                continue  # already cancelled or under way: not this cancel's to change
        # The freed time as a whole (a visit's services back to back are one stretch) to the waitlist.
        await offer_freed(session, ctx, freed_by(v for v, _ in cancelled))
    if not cancelled and not refused:
        raise InvalidTransition(status, AppointmentStatus.CANCELLED)
    return GroupCancellation(tuple(cancelled), tuple(refused))
