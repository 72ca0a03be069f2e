"""Tenants in the database: load a validated config into the normalised tables, read it back.

Loading replaces the tenant's catalogue, staff, hours, absences, closures and routes in one
transaction (appointments and calls stay). Reading rebuilds the same `TenantConfig` from the stored
document and caches it per (tenant, revision): the booking engine needs the whole config on every
request, and a revision check is one indexed lookup instead of ten table reads. A server's directory
checks a tenant's revision at most once per `check_every_s` (a round trip saved on nearly every
request); a tenant saved in this process is re-checked at once, one saved by another process is
seen within that interval.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.availability import set_calendar_cache_size
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import WEEKDAYS, TenantConfig

__all__ = ["TenantDirectory", "save_tenant"]


def _document(config: TenantConfig) -> dict[str, Any]:
    return config.model_dump(mode="json", by_alias=True, exclude_none=True)


class _Saves:
    """How many tenant saves this process made: a directory re-checks every tenant after one."""

    count = 0


async def save_tenant(db: Database, config: TenantConfig, now: datetime) -> int:
    """Upsert a tenant and everything it owns; returns the new revision."""
    _Saves.count += 1  # before and after: a check between the two may have read the old revision
    try:
        return await _save(db, config, now)
    finally:
        _Saves.count += 1


async def _save(db: Database, config: TenantConfig, now: datetime) -> int:
    async with db.write() as session:
        tenant = await session.get(m.Tenant, config.id)
        revision = (tenant.revision + 1) if tenant else 1
        if tenant is None:
            tenant = m.Tenant(id=config.id)
            session.add(tenant)
        tenant.name = config.name
        tenant.timezone = config.timezone
        tenant.language = config.language
        tenant.currency = config.currency
        tenant.document = _document(config)
        tenant.revision = revision
        tenant.updated_at = now
        await session.flush()
        await _replace_children(session, config)
    return revision


async def _replace_children(session: AsyncSession, config: TenantConfig) -> None:
    tid = config.id
    for model in (m.StaffService, m.Absence, m.WeeklyHours, m.Closure, m.ServiceSegment, m.PhoneNumber, m.AgentRoute):
        await session.execute(delete(model).where(model.tenant_id == tid))
    # Services and staff are kept (appointments refer to them) and marked inactive when dropped.
    for kept in (m.Service, m.StaffMember):
        await session.execute(update(kept).where(kept.tenant_id == tid).values(active=False))
    for position, service in enumerate(config.services):
        row = await session.get(m.Service, (tid, service.id)) or m.Service(tenant_id=tid, id=service.id)
        row.name, row.aliases, row.duration_min = service.name, list(service.aliases), service.duration_min
        row.buffer_after_min, row.price = service.buffer_after_min, service.price
        row.pause_policy, row.staff_per_segment = service.pause_policy, service.staff_per_segment
        row.description, row.position, row.active = service.description, position, True
        row.policies = service.policies.model_dump(mode="json", exclude_none=True) if service.policies else None
        session.add(row)
        for seg_pos, seg in enumerate(service.segments):
            session.add(
                m.ServiceSegment(
                    tenant_id=tid,
                    service_id=service.id,
                    key=seg.key,
                    position=seg_pos,
                    name=seg.name,
                    duration_min=seg.duration_min,
                    gap_after_min=seg.gap_after_min,
                    gap_after_max=seg.gap_after_max,
                    staff_busy=seg.staff_busy,
                )
            )
    await session.flush()
    for position, member in enumerate(config.staff):
        staff_row = await session.get(m.StaffMember, (tid, member.id)) or m.StaffMember(tenant_id=tid, id=member.id)
        staff_row.name, staff_row.aliases = member.name, list(member.aliases)
        staff_row.position, staff_row.active = position, True
        session.add(staff_row)
    await session.flush()
    for member in config.staff:
        for service in config.services:
            if member.does(service.id):
                session.add(
                    m.StaffService(
                        tenant_id=tid, staff_id=member.id, service_id=service.id, price=member.prices.get(service.id)
                    )
                )
        for day, ranges in config.staff_hours(member).items() if member.hours is not None else ():
            for r in ranges:
                session.add(
                    m.WeeklyHours(
                        tenant_id=tid, staff_id=member.id, weekday=WEEKDAYS.index(day), start=r.start, end=r.end
                    )
                )
        for a in member.absences:
            session.add(
                m.Absence(
                    tenant_id=tid,
                    staff_id=member.id,
                    first_day=a.first_day,
                    last_day=a.last_day,
                    start=a.start,
                    end=a.end,
                    reason=a.reason,
                )
            )
    for day, ranges in config.opening_hours.items():
        for r in ranges:
            session.add(
                m.WeeklyHours(tenant_id=tid, staff_id=None, weekday=WEEKDAYS.index(day), start=r.start, end=r.end)
            )
    for c in config.closures:
        session.add(m.Closure(tenant_id=tid, first_day=c.from_, last_day=c.to, reason=c.reason))
    for number in config.phone_numbers:
        session.add(m.PhoneNumber(number=number, tenant_id=tid))
    for agent_id in config.agent_ids:
        session.add(m.AgentRoute(agent_id=agent_id, tenant_id=tid))


# Every request runs one of these: built once, run on a plain connection (see Database.read_connection).
_REVISION = select(m.Tenant.id, m.Tenant.revision)
_BY_ID = _REVISION.where(m.Tenant.id == bindparam("key"))
_BY_NUMBER = _REVISION.join(m.PhoneNumber, m.PhoneNumber.tenant_id == m.Tenant.id).where(
    m.PhoneNumber.number == bindparam("key")
)
_BY_AGENT = _REVISION.join(m.AgentRoute, m.AgentRoute.tenant_id == m.Tenant.id).where(
    m.AgentRoute.agent_id == bindparam("key")
)
_DOCUMENT = select(m.Tenant.document).where(m.Tenant.id == bindparam("key"))
_LOOKUPS: dict[str, Select[str, int]] = {"id": _BY_ID, "number": _BY_NUMBER, "agent": _BY_AGENT}


class TenantDirectory:
    """Finds tenants by id, dialled number or agent id; caches configs per revision.

    A lookup asks the database for the tenant's current revision (one query, joined with the number
    or agent route), unless the same lookup did less than `check_every_s` seconds ago and no tenant
    was saved by this process since: then the cached config answers without a round trip.
    """

    def __init__(self, db: Database, max_size: int = 256, check_every_s: float = 0.0) -> None:
        """`max_size`: parsed configs kept (least recently used dropped first; a 30-staff config is
        about 280 KB, so a worker serving 500 tenants would otherwise grow by 140 MB). The process's
        calendar cache (`availability.calendar_for`, one calendar per config) gets the same bound.
        `check_every_s`: how stale a config may be when another process saved its tenant (0: every
        lookup checks; the server uses `Settings.tenant_check_s`, 1 s)."""
        set_calendar_cache_size(max_size)
        self._db = db
        self._max_size = max_size
        self._check_every_s = check_every_s
        self._cache: OrderedDict[str, tuple[int, TenantConfig]] = OrderedDict()
        # (lookup, key) -> (time.monotonic() of the check, _Saves.count then, tenant id found)
        self._checked: dict[tuple[str, str], tuple[float, int, str]] = {}

    async def get(self, tenant_id: str) -> TenantConfig | None:
        return await self._config("id", tenant_id)

    async def resolve(
        self, to_number: str | None = None, tenant_hint: str | None = None, agent_id: str | None = None
    ) -> TenantConfig | None:
        """The tenant a call belongs to: dialled number first, then metadata.tenant, then the agent id."""
        for lookup, key in (("number", to_number), ("id", tenant_hint), ("agent", agent_id)):
            if key:
                config = await self._config(lookup, key)
                if config is not None:
                    return config
        return None

    async def warm(self) -> int:
        """Load every tenant into the cache (how many), so `cached` knows them all from the start."""
        return sum([await self.get(tenant_id) is not None for tenant_id in await self.all_ids()])

    def cached(
        self, to_number: str | None = None, tenant_hint: str | None = None, agent_id: str | None = None
    ) -> TenantConfig | None:
        """The tenant of a call as this process last loaded it, without the database: for speaking the
        caller's language while the database is unreachable (possibly a revision behind)."""
        configs = [config for _, config in self._cache.values()]
        return (
            next((c for c in configs if to_number and to_number in c.phone_numbers), None)
            or next((c for c in configs if tenant_hint and c.id == tenant_hint), None)
            or next((c for c in configs if agent_id and agent_id in c.agent_ids), None)
        )

    def _recent(self, lookup: str, key: str) -> TenantConfig | None:
        """The config this lookup found less than `check_every_s` ago, if no save happened since."""
        checked = self._checked.get((lookup, key))
        if checked is None or checked[1] != _Saves.count or time.monotonic() - checked[0] >= self._check_every_s:
            return None
        cached = self._cache.get(checked[2])
        if cached is None:
            return None
        self._cache.move_to_end(checked[2])
        return cached[1]

    def _note_checked(self, lookup: str, key: str, tenant_id: str, saves: int) -> None:
        if self._check_every_s <= 0:
            return
        if len(self._checked) >= 4 * self._max_size:  # keys of evicted tenants: start over, rarely
            self._checked.clear()
        self._checked[(lookup, key)] = (time.monotonic(), saves, tenant_id)

    async def _config(self, lookup: str, key: str) -> TenantConfig | None:
        if self._check_every_s > 0 and (recent := self._recent(lookup, key)) is not None:
            return recent
        saves = _Saves.count
        async with self._db.read_connection() as conn:
            found = (await conn.execute(_LOOKUPS[lookup], {"key": key})).first()
            if found is None:
                return None
            tenant_id, revision = found
            cached = self._cache.get(tenant_id)
            if cached and cached[0] == revision:
                self._cache.move_to_end(tenant_id)
                self._note_checked(lookup, key, tenant_id, saves)
                return cached[1]
            document = await conn.scalar(_DOCUMENT, {"key": tenant_id})
        config = TenantConfig.model_validate(document)
        self._cache[tenant_id] = (revision, config)
        self._cache.move_to_end(tenant_id)
        self._note_checked(lookup, key, tenant_id, saves)
        while len(self._cache) > self._max_size:
            self._cache.popitem(last=False)
        return config

    async def all_ids(self) -> list[str]:
        async with self._db.read() as session:
            return list((await session.scalars(select(m.Tenant.id).order_by(m.Tenant.id))).all())
