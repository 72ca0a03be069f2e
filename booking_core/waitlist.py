"""The waitlist (CONTRACT section 10): callers who could not get a time join it for a service, a
wished window and optionally a staff member; when a cancellation or a move frees a fitting time, the
first of them is offered it by SMS (`booking_core.waitlist_offer`, inside the change's transaction).
Entries whose window has ended expire (`expire`, run by the worker every minute; idempotent) and are
never offered.

The edge resolves what was said into ids and a window in UTC; this module validates and stores.
Errors raised: `NotFound` (unknown service or staff member), `WaitlistRefused` (with a code: the
window is over, no number to send the offer to, the staff member does not do the service).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from booking_core.errors import DomainError, NotFound
from booking_core.messages.waitlist import can_offer, keeps_waitlist
from booking_core.storage.db import Database, affected_rows
from booking_core.storage.waitlist_models import WaitlistEntry as W
from booking_core.tenant_config import TenantConfig
from booking_core.vocabulary import WaitlistStatus

__all__ = [
    "WaitlistEntryView",
    "WaitlistRefused",
    "WaitlistWish",
    "can_offer",
    "cancel",
    "entries",
    "expire",
    "join",
    "keeps_waitlist",
    "leave",
]


class WaitlistRefused(DomainError):
    """A wish the waitlist cannot take; `code`: window_over | no_phone | not_qualified | bad_window."""

    def __init__(self, code: str) -> None:
        super().__init__(f"waitlist refused: {code}")
        self.code = code


@dataclass(frozen=True)
class WaitlistWish:
    """What a caller waits for: `window_start` < `window_end`, aware (stored in UTC); `staff_id` None: anyone;
    `customer_phone` E.164."""

    service_id: str
    staff_id: str | None
    window_start: datetime
    window_end: datetime
    customer_name: str | None
    customer_phone: str | None
    when_text: str | None = None
    call_id: str | None = None


@dataclass(frozen=True)
class WaitlistEntryView:
    """One entry as staff and the caller see it (instants aware, UTC)."""

    id: str
    service_id: str
    staff_id: str | None
    window_start: datetime
    window_end: datetime
    when_text: str | None
    customer_name: str | None
    customer_phone: str
    status: WaitlistStatus
    created_at: datetime
    offered_at: datetime | None
    offered_start: datetime | None
    offered_staff_id: str | None
    call_id: str | None = None  # the call that put the caller on the list

    def to_dict(self, zone: tzinfo | None = None) -> dict[str, Any]:
        """JSON-able: instants as ISO 8601 strings, in `zone` (the tenant's) when given, else UTC."""
        return {
            k: (v.astimezone(zone or UTC).isoformat() if isinstance(v, datetime) else v)
            for k, v in asdict(self).items()
        }


def _view(row: W) -> WaitlistEntryView:
    return WaitlistEntryView(
        row.id,
        row.service_id,
        row.staff_id,
        row.window_start,
        row.window_end,
        row.when_text,
        row.customer_name,
        row.customer_phone,
        WaitlistStatus(row.status),
        row.created_at,
        row.offered_at,
        row.offered_start,
        row.offered_staff_id,
        row.call_id,
    )


def _validate(tenant: TenantConfig, wish: WaitlistWish, now: datetime) -> None:
    service = tenant.service(wish.service_id)
    if service is None:
        raise NotFound(f"unknown service {wish.service_id!r}", kind="service", id=wish.service_id)
    if wish.staff_id is not None:
        member = tenant.staff_member(wish.staff_id)
        if member is None:
            raise NotFound(f"unknown staff {wish.staff_id!r}", kind="staff", id=wish.staff_id)
        if not member.does(service.id):
            raise WaitlistRefused("not_qualified")
    if wish.window_end <= wish.window_start:
        raise WaitlistRefused("bad_window")
    if wish.window_end <= now:
        raise WaitlistRefused("window_over")
    if not wish.customer_phone:
        raise WaitlistRefused("no_phone")


async def join(db: Database, tenant: TenantConfig, wish: WaitlistWish, now: datetime) -> tuple[WaitlistEntryView, bool]:
    """Put the caller on the waitlist: (the entry, True when written now). The same number waiting
    for the same service and window already is that entry (False), whichever call asks.

    Raises NotFound, WaitlistRefused."""
    _validate(tenant, wish, now)
    phone = wish.customer_phone or ""
    same = (
        W.tenant_id == tenant.id,
        W.customer_phone == phone,
        W.service_id == wish.service_id,
        W.window_start == wish.window_start,
        W.window_end == wish.window_end,
        W.status == WaitlistStatus.WAITING,
    )
    try:
        async with db.write() as session:
            existing = await session.scalar(select(W).where(*same))
            if existing is not None:
                return _view(existing), False
            row = W(
                id=str(uuid.uuid4()),
                tenant_id=tenant.id,
                service_id=wish.service_id,
                staff_id=wish.staff_id,
                window_start=wish.window_start,
                window_end=wish.window_end,
                when_text=(wish.when_text or "")[:200] or None,
                customer_name=wish.customer_name,
                customer_phone=phone,
                call_id=wish.call_id,
                status=WaitlistStatus.WAITING,
                created_at=now,
            )
            session.add(row)
            await session.flush()
            return _view(row), True
    except IntegrityError:  # the same wish joined at the same moment by a retry (PostgreSQL)
        async with db.read() as session:
            found = await session.scalar(select(W).where(*same))
        if found is None:
            raise
        return _view(found), False


async def entries(db: Database, tenant_id: str, status: str | None = None) -> list[WaitlistEntryView]:
    """The tenant's entries, oldest first (the order offers are made in); `status` filters."""
    query = select(W).where(W.tenant_id == tenant_id).order_by(W.created_at, W.id)
    if status:
        query = query.where(W.status == status)
    async with db.read() as session:
        return [_view(r) for r in (await session.scalars(query)).all()]


async def expire(db: Database, now: datetime, *, tenant_id: str | None = None) -> int:
    """Mark waiting entries whose window has ended `expired` (every tenant, or one); how many.
    Idempotent: a second run at the same instant changes nothing."""
    query = (
        update(W).where(W.status == WaitlistStatus.WAITING, W.window_end <= now).values(status=WaitlistStatus.EXPIRED)
    )
    if tenant_id is not None:
        query = query.where(W.tenant_id == tenant_id)
    async with db.write() as session:
        result = await session.execute(query)
        return affected_rows(result)


async def cancel(db: Database, tenant_id: str, entry_id: str) -> WaitlistEntryView:
    """Take an entry off the list (the caller found a time elsewhere, or asked to be removed): a waiting
    or offered entry becomes `cancelled` and is never offered again. Idempotent for a cancelled entry.

    Raises NotFound (no such entry for this tenant) and WaitlistRefused("not_waiting") for an expired one.
    """
    async with db.write() as session:
        row = await session.scalar(select(W).where(W.tenant_id == tenant_id, W.id == entry_id))
        if row is None:
            raise NotFound(f"waitlist entry {entry_id}")
        if row.status == WaitlistStatus.EXPIRED:
            raise WaitlistRefused("not_waiting")
        row.status = WaitlistStatus.CANCELLED
        await session.flush()
        return _view(row)


LEAVABLE = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


async def leave(
    db: Database,
    tenant_id: str,
    phone: str,
    now: datetime,
    *,
    service_ids: Collection[str] | None = None,
    window: tuple[datetime, datetime] | None = None,
) -> tuple[list[WaitlistEntryView], bool]:
    """Take a caller (by number, E.164) off the list, the way they ask on the phone: every waiting or
    offered entry of `phone` whose window has not ended, narrowed to `service_ids` (when given) and to
    entries whose window overlaps `window` (aware, when given), becomes `cancelled` (never offered again).

    Returns (entries, written): the matching entries of `phone` now off the list, those taken off now
    and those taken off before alike, so a retry of the same request (or asking twice) gets the same
    entries back and writes nothing (written False). ([], False): the number waits for nothing that
    matches. Oldest first."""
    if service_ids is not None and not service_ids:
        return [], False
    query = select(W).where(
        W.tenant_id == tenant_id,
        W.customer_phone == phone,
        W.window_end > now,
        W.status.in_((*LEAVABLE, WaitlistStatus.CANCELLED)),
    )
    if service_ids is not None:
        query = query.where(W.service_id.in_(list(service_ids)))
    if window is not None:
        query = query.where(W.window_start < window[1], W.window_end > window[0])
    async with db.write() as session:
        rows = (await session.scalars(query.order_by(W.created_at, W.id))).all()
        active = [r for r in rows if r.status in LEAVABLE]
        for row in active:
            row.status = WaitlistStatus.CANCELLED
        if active:
            await session.flush()
        return [_view(r) for r in rows], bool(active)
