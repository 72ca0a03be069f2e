"""Tenants in the database: load a validated config into the normalised tables, read it back.

Loading replaces the tenant's catalogue, staff, hours, absences, closures and routes in one
transaction (appointments and calls stay); `booking_core.tenant_bulk` writes it, for one tenant or
hundreds at once. Reading rebuilds the same `TenantConfig` from the stored
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

from sqlalchemy import Select, bindparam, select

from booking_core.availability import set_calendar_cache_size
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_bulk import save_tenants
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_share import share_parts

__all__ = ["TenantDirectory", "save_tenant", "save_tenants"]


class _Saves:
    """How many tenant saves this process made: a directory re-checks every tenant after one."""

    count = 0


async def save_tenant(db: Database, config: TenantConfig, now: datetime) -> int:
    """Upsert a tenant and everything it owns; returns the new revision (`tenant_bulk.save_tenants`
    for one tenant)."""
    _Saves.count += 1  # before and after: a check between the two may have read the old revision
    try:
        return (await save_tenants(db, [config], now))[config.id]
    finally:
        _Saves.count += 1


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
        about 210 KB parsed, from 5 KB when its parts equal those of configs held already:
        `tenant_share`). The process's
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
        config = share_parts(TenantConfig.model_validate(document))  # equal parts held once per process
        self._cache[tenant_id] = (revision, config)
        self._cache.move_to_end(tenant_id)
        self._note_checked(lookup, key, tenant_id, saves)
        while len(self._cache) > self._max_size:
            self._cache.popitem(last=False)
        return config

    async def all_ids(self) -> list[str]:
        async with self._db.read() as session:
            return list((await session.scalars(select(m.Tenant.id).order_by(m.Tenant.id))).all())
