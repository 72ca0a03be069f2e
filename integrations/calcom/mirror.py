"""Mirror our appointments into Cal.com: one Cal.com booking per staff-busy segment.

Each message is handled as "make Cal.com match this appointment" rather than as a replayed command,
so retries, crashes and lost messages converge: existing links (table `calcom_bookings`) are kept,
moved (reschedule) or cancelled; missing ones are created. Idempotent create after a crash: when an
earlier attempt may have reached Cal.com (attempt > 1), we first look for a booking carrying our
metadata (`slotline_appointment` + `slotline_segment`) before creating one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from booking_core.storage.db import Database
from booking_core.storage.integration_models import WHOLE, CalcomBooking, CalcomEventType
from booking_core.tenant_config import CalcomConfig, TenantConfig
from integrations.calcom.client import CalcomClient
from integrations.errors import NotConfigured, PermanentError
from integrations.outbox import Claimed

META_TENANT = "slotline_tenant"
META_APPOINTMENT = "slotline_appointment"
META_SEGMENT = "slotline_segment"


@dataclass(frozen=True)
class Part:
    """One thing to mirror: a staff-busy segment, or the whole of a simple appointment."""

    key: str
    service_id: str
    staff_id: str | None
    start: datetime
    end: datetime


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def parts_of(payload: dict[str, Any], tenant: TenantConfig | None) -> list[Part]:
    service_id = str((payload.get("service") or {}).get("id") or "")
    staff_id = (payload.get("staff") or {}).get("id")
    service = tenant.service(service_id) if tenant else None
    segments = payload.get("segments") or []
    composite = (service.composite if service is not None else False) or len(segments) >= 2
    if composite:
        return [
            Part(
                str(s["key"]), service_id, (s.get("staff") or {}).get("id") or staff_id, _dt(s["start"]), _dt(s["end"])
            )
            for s in segments
            if s.get("staff_busy", True)
        ]
    return [Part(WHOLE, service_id, staff_id, _dt(payload["start"]), _dt(payload["end"]))]


async def event_type_for(db: Database, cfg: CalcomConfig, tenant_id: str, service_id: str, key: str) -> int:
    manual = cfg.event_types.get(service_id if key == WHOLE else f"{service_id}/{key}")
    if manual is not None:
        return manual
    async with db.read() as session:
        row = await session.get(CalcomEventType, (tenant_id, service_id, key))
    if row is None:
        what = service_id if key == WHOLE else f"{service_id}/{key}"
        raise NotConfigured(
            f"no Cal.com event type for {what}; run `slotline calcom sync-event-types --tenant {tenant_id}`"
        )
    return row.event_type_id


async def _links(db: Database, tenant_id: str, appointment_id: str) -> dict[str, CalcomBooking]:
    async with db.read() as session:
        rows = (
            await session.scalars(
                select(CalcomBooking).where(
                    CalcomBooking.tenant_id == tenant_id, CalcomBooking.appointment_id == appointment_id
                )
            )
        ).all()
    return {r.segment_key: r for r in rows}


async def _save_link(
    db: Database,
    tenant_id: str,
    appointment_id: str,
    part: Part,
    booking: dict[str, Any],
    event_type_id: int,
    now: datetime,
    *,
    status: str = "active",
) -> None:
    async with db.write() as session:
        row = await session.get(CalcomBooking, (tenant_id, appointment_id, part.key))
        if row is None:
            row = CalcomBooking(tenant_id=tenant_id, appointment_id=appointment_id, segment_key=part.key)
            session.add(row)
        elif row.uid and row.uid != booking["uid"]:
            row.previous_uids = " ".join(filter(None, [row.previous_uids, row.uid]))
        row.uid = str(booking["uid"])
        row.calcom_id = booking.get("id")
        row.event_type_id = event_type_id
        row.staff_id = part.staff_id
        row.start, row.end = part.start, part.end
        row.status = status
        row.updated_at = now


async def _set_status(db: Database, link: CalcomBooking, status: str, now: datetime) -> None:
    async with db.write() as session:
        row = await session.get(CalcomBooking, (link.tenant_id, link.appointment_id, link.segment_key))
        if row is not None:
            row.status = status
            row.updated_at = now


async def _find_ours(
    client: CalcomClient, event_type_id: int, part: Part, appointment_id: str
) -> dict[str, Any] | None:
    candidates = await client.list_bookings(
        event_type_id=event_type_id,
        after_start=part.start - timedelta(minutes=1),
        before_end=part.end + timedelta(minutes=1),
    )
    for booking in candidates:
        meta = booking.get("metadata") or {}
        if (
            meta.get(META_APPOINTMENT) == appointment_id
            and meta.get(META_SEGMENT) == part.key
            and str(booking.get("status", "")).lower() not in ("cancelled", "rejected")
        ):
            return booking
    return None


async def _cancel(client: CalcomClient, uid: str, reason: str) -> None:
    try:
        await client.cancel_booking(uid, reason=reason)
    except PermanentError as exc:
        if exc.status == 404:
            return  # gone already
        booking = await client.get_booking(uid)
        if str((booking or {}).get("status", "")).lower() in ("cancelled", "rejected"):
            return  # cancelled already (a retry after a crash)
        raise


class CalcomMirror:
    """Outbox sender for target "calcom"."""

    async def send(self, message: Claimed, ctx) -> str | None:
        tenant: TenantConfig | None = ctx.tenant
        cfg = tenant.integrations.calcom if tenant else None
        if tenant is None or cfg is None or not cfg.enabled:
            return "skipped: Cal.com not enabled for this tenant"
        api_key = ctx.env.get(cfg.api_key_env)
        if not api_key:
            raise NotConfigured(f"Cal.com API key missing: environment variable {cfg.api_key_env} is not set")
        client = CalcomClient(ctx.http, cfg.base_url, api_key, timeout_s=cfg.timeout_s)
        payload = message.payload
        appointment_id = str(payload["id"])
        links = await _links(ctx.db, tenant.id, appointment_id)

        if message.topic == "appointment.cancelled" or payload.get("status") in ("cancelled", "no_show"):
            for mirrored in links.values():
                if mirrored.status == "active":
                    await _cancel(client, mirrored.uid, "Cancelled in Slotline")
                    await _set_status(ctx.db, mirrored, "cancelled", ctx.clock.now())
            return None

        wanted = parts_of(payload, tenant)
        reason = "Rescheduled in Slotline" if message.topic == "appointment.rescheduled" else None
        for part in wanted:
            event_type_id = await event_type_for(ctx.db, cfg, tenant.id, part.service_id, part.key)
            link = links.get(part.key)
            if link is not None and link.status == "active":
                if link.start == part.start and link.event_type_id == event_type_id:
                    continue  # already mirrored (a retry, or a no-op change)
                try:
                    booking = await client.reschedule_booking(link.uid, start=part.start, reason=reason)
                except PermanentError:
                    # The old booking cannot be moved (a previous attempt moved it already, or it was
                    # cancelled in Cal.com): adopt a booking of ours at the new time, else create one.
                    booking = await _find_ours(client, event_type_id, part, appointment_id) or await self._create(
                        client, cfg, tenant, payload, part, event_type_id
                    )
                await _save_link(ctx.db, tenant.id, appointment_id, part, booking, event_type_id, ctx.clock.now())
                continue
            found = None
            if message.attempt > 1 or link is not None:
                found = await _find_ours(client, event_type_id, part, appointment_id)
            if found is None:
                found = await self._create(client, cfg, tenant, payload, part, event_type_id)
            await _save_link(ctx.db, tenant.id, appointment_id, part, found, event_type_id, ctx.clock.now())

        wanted_keys = {p.key for p in wanted}
        for key, link in links.items():
            if key not in wanted_keys and link.status == "active":
                await _cancel(client, link.uid, "Segment no longer part of the appointment")
                await _set_status(ctx.db, link, "cancelled", ctx.clock.now())
        return None

    @staticmethod
    async def _create(
        client: CalcomClient,
        cfg: CalcomConfig,
        tenant: TenantConfig,
        payload: dict[str, Any],
        part: Part,
        event_type_id: int,
    ) -> dict[str, Any]:
        customer = payload.get("customer") or {}
        reference = str(payload.get("reference") or payload["id"])
        attendee: dict[str, Any] = {
            "name": customer.get("name") or "Caller",
            "email": cfg.attendee_email.format(reference=reference.lower(), appointment_id=payload["id"]),
            "timeZone": tenant.timezone,
            "language": tenant.language,
        }
        if customer.get("phone"):
            attendee["phoneNumber"] = customer["phone"]
        metadata = {
            META_TENANT: tenant.id,
            META_APPOINTMENT: str(payload["id"]),
            META_SEGMENT: part.key,
            "slotline_reference": reference,
        }
        if part.staff_id:
            metadata["slotline_staff"] = str(part.staff_id)
        return await client.create_booking(
            event_type_id=event_type_id, start=part.start, attendee=attendee, metadata=metadata
        )
