"""`slotline calcom sync-event-types`: create the hidden Cal.com event types a tenant needs.

One event type per simple service (length = duration, afterEventBuffer = buffer) and one per
staff-busy segment of a composite service (length = segment duration). Slugs are deterministic
(`slotline-<tenant>-<service>[-<segment>]`), so a re-run finds what an earlier (or interrupted) run
made instead of creating duplicates; lengths that changed in the tenant file are updated. The
mapping is stored in `calcom_event_types`; manual ids in the tenant file (`event_types`) win.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from booking_core.storage.db import Database
from booking_core.storage.integration_models import WHOLE, CalcomEventType
from booking_core.tenant_config import TenantConfig
from integrations.calcom.client import CalcomClient


@dataclass(frozen=True)
class Needed:
    service_id: str
    key: str
    title: str
    slug: str
    length_min: int
    after_buffer_min: int


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "manual": self.manual}


def _slug(*parts: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")[:120]


def needed_event_types(tenant: TenantConfig) -> list[Needed]:
    out: list[Needed] = []
    for service in tenant.services:
        if service.composite:
            for seg in service.segments:
                if seg.staff_busy:
                    out.append(
                        Needed(
                            service.id,
                            seg.key,
                            f"{service.name} – {seg.name}",
                            _slug("slotline", tenant.id, service.id, seg.key),
                            seg.duration_min,
                            0,
                        )
                    )
        else:
            out.append(
                Needed(
                    service.id,
                    WHOLE,
                    service.name,
                    _slug("slotline", tenant.id, service.id),
                    service.duration_min or 0,
                    service.buffer_after_min,
                )
            )
    return out


async def sync_event_types(db: Database, now: datetime, tenant: TenantConfig, client: CalcomClient) -> SyncReport:
    cfg = tenant.integrations.calcom
    manual = cfg.event_types if cfg else {}
    report = SyncReport()
    existing: dict[str, dict[str, Any]] = {str(et.get("slug")): et for et in await client.list_event_types()}
    for need in needed_event_types(tenant):
        label = need.service_id if need.key == WHOLE else f"{need.service_id}/{need.key}"
        if label in manual:
            report.manual.append(label)
            continue
        fields = {
            "title": need.title,
            "slug": need.slug,
            "lengthInMinutes": need.length_min,
            "hidden": True,
            "afterEventBuffer": need.after_buffer_min,
            "minimumBookingNotice": 0,
            "description": f"Mirrored from Slotline ({tenant.name}); do not book directly.",
        }
        found = existing.get(need.slug)
        if found is None:
            found = await client.create_event_type(**fields)
            report.created.append(label)
        elif (
            found.get("lengthInMinutes") != need.length_min
            or not found.get("hidden", False)
            or found.get("afterEventBuffer", 0) != need.after_buffer_min
        ):
            found = await client.update_event_type(
                int(found["id"]),
                lengthInMinutes=need.length_min,
                hidden=True,
                afterEventBuffer=need.after_buffer_min,
                title=need.title,
            )
            report.updated.append(label)
        else:
            report.unchanged.append(label)
        async with db.write() as session:
            row = await session.get(CalcomEventType, (tenant.id, need.service_id, need.key))
            if row is None:
                row = CalcomEventType(tenant_id=tenant.id, service_id=need.service_id, segment_key=need.key)
                session.add(row)
            row.event_type_id = int(found["id"])
            row.slug = need.slug
            row.length_min = need.length_min
            row.updated_at = now
    return report
