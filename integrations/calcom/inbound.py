"""Inbound Cal.com webhooks: bookings made in Cal.com become external busy blocks.

Cal.com signs the raw body: `X-Cal-Signature-256` = hex HMAC-SHA256(webhook secret, body) (a
"sha256=" prefix is tolerated). Envelope: `{"triggerEvent", "createdAt", "payload": {"uid",
"startTime", "endTime", "organizer", "metadata", "rescheduleUid", ...}}`.

Our own mirrored bookings are recognised and ignored, so they are not counted twice (the appointment
already blocks the staff): by our metadata (`slotline_appointment`), or by uid/rescheduleUid in
`calcom_bookings` (current or previous uids). Events are applied in `createdAt` order per booking: an
older event arriving late does not undo a newer one (ExternalBusy.updated_at holds the event time).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select

from booking_core.storage.db import Database
from booking_core.storage.integration_models import CalcomBooking
from booking_core.storage.models import ExternalBusy
from booking_core.tenant_config import TenantConfig
from integrations.calcom.mirror import META_APPOINTMENT

SOURCE = "calcom"
BUSY_EVENTS = {"BOOKING_CREATED", "BOOKING_RESCHEDULED"}
FREE_EVENTS = {"BOOKING_CANCELLED", "BOOKING_REJECTED"}


def verify_signature(secret: str | None, body: bytes, header: str | None) -> bool:
    if not secret or not header:
        return False
    given = header.strip()
    if given.lower().startswith("sha256="):
        given = given[7:]
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given.lower())


def _dt(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def _is_ours(db: Database, tenant_id: str, payload: dict[str, Any]) -> bool:
    meta = payload.get("metadata") or {}
    if isinstance(meta, dict) and meta.get(META_APPOINTMENT):
        return True
    uids = [u for u in (payload.get("uid"), payload.get("rescheduleUid"), payload.get("fromReschedule")) if u]
    if not uids:
        return False
    async with db.read() as session:
        clauses = [CalcomBooking.uid.in_(uids)] + [CalcomBooking.previous_uids.contains(str(u)) for u in uids]
        found = await session.scalar(
            select(CalcomBooking.appointment_id).where(CalcomBooking.tenant_id == tenant_id, or_(*clauses)).limit(1)
        )
    return found is not None


def _staff_for(tenant: TenantConfig, payload: dict[str, Any]) -> str | None:
    cfg = tenant.integrations.calcom
    organizer = payload.get("organizer") or {}
    handles = {str(organizer.get(k)).lower() for k in ("email", "username") if organizer.get(k)}
    for staff_id, handle in (cfg.staff if cfg else {}).items():
        if handle.lower() in handles:
            return staff_id
    return None  # unknown organizer: the block applies to everyone (safe side)


async def _upsert(
    db: Database,
    tenant_id: str,
    uid: str,
    *,
    staff_id: str | None,
    start: datetime | None,
    end: datetime | None,
    active: bool,
    at: datetime,
) -> str:
    async with db.write() as session:
        row = await session.scalar(
            select(ExternalBusy)
            .where(ExternalBusy.tenant_id == tenant_id, ExternalBusy.source == SOURCE, ExternalBusy.external_id == uid)
            .with_for_update()
        )
        if row is not None and row.updated_at > at:
            return "stale"  # a newer event for this booking was applied already
        if row is None:
            if start is None or end is None:
                return "unknown"  # e.g. cancellation of a booking we never saw, without times
            row = ExternalBusy(tenant_id=tenant_id, source=SOURCE, external_id=uid)
            session.add(row)
        if start is not None and end is not None:
            row.start, row.end = start, end
        if staff_id is not None or row.staff_id is None:
            row.staff_id = staff_id
        row.active = active
        row.updated_at = at
        return "busy" if active else "freed"


async def handle_event(db: Database, tenant: TenantConfig, event: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """Apply one verified webhook; returns a small JSON-able summary."""
    trigger = str(event.get("triggerEvent") or "")
    payload = event.get("payload")
    if not isinstance(payload, dict):
        return {"ok": True, "ignored": "no payload", "event": trigger}
    if trigger not in BUSY_EVENTS | FREE_EVENTS:
        return {"ok": True, "ignored": "event not handled", "event": trigger}
    uid = payload.get("uid")
    if not uid:
        return {"ok": True, "ignored": "no booking uid", "event": trigger}
    if await _is_ours(db, tenant.id, payload):
        return {"ok": True, "ignored": "own booking", "event": trigger}
    at = _dt(event.get("createdAt")) or now
    start, end = _dt(payload.get("startTime")), _dt(payload.get("endTime"))
    if trigger in BUSY_EVENTS and (start is None or end is None or end <= start):
        return {"ok": True, "ignored": "no valid time span", "event": trigger}
    staff_id = _staff_for(tenant, payload)
    results: dict[str, str] = {}
    if trigger == "BOOKING_RESCHEDULED" and payload.get("rescheduleUid"):
        old = str(payload["rescheduleUid"])
        results[old] = await _upsert(db, tenant.id, old, staff_id=None, start=None, end=None, active=False, at=at)
    active = trigger in BUSY_EVENTS
    results[str(uid)] = await _upsert(
        db, tenant.id, str(uid), staff_id=staff_id, start=start, end=end, active=active, at=at
    )
    return {"ok": True, "event": trigger, "uid": uid, "result": results}
