"""Tenants in the database: load a validated config into the normalised tables, read it back.

Loading replaces the tenant's catalogue, staff, hours, absences, closures and routes in one
transaction (appointments and calls stay); `booking_core.tenant_bulk` writes it, for one tenant or
hundreds at once. Reading rebuilds the same `TenantConfig` from the stored
document and caches it per (tenant, revision): the booking engine needs the whole config on every
request, and a revision check is one indexed lookup instead of ten table reads.
"""

from __future__ import annotations

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


async def save_tenant(db: Database, config: TenantConfig, now: datetime) -> int:
    """Upsert a tenant and everything it owns; returns the new revision (`tenant_bulk.save_tenants`
    for one tenant)."""
    return (await save_tenants(db, [config], now))[config.id]


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


class TenantDirectory:
    """Finds tenants by id, dialled number or agent id; caches configs per revision.

    Every lookup asks the database for the tenant's current revision (one query, joined with the
    number or agent route), so a `tenants load` in another process is seen by the next request.
    """

    def __init__(self, db: Database, max_size: int = 256) -> None:
        """`max_size`: parsed configs kept (least recently used dropped first; a 30-staff config is
        about 210 KB parsed, from 5 KB when its parts equal those of configs held already:
        `tenant_share`). The process's
        calendar cache (`availability.calendar_for`, one calendar per config) gets the same bound."""
        set_calendar_cache_size(max_size)
        self._db = db
        self._max_size = max_size
        self._cache: OrderedDict[str, tuple[int, TenantConfig]] = OrderedDict()

    async def get(self, tenant_id: str) -> TenantConfig | None:
        return await self._config(_BY_ID, tenant_id)

    async def resolve(
        self, to_number: str | None = None, tenant_hint: str | None = None, agent_id: str | None = None
    ) -> TenantConfig | None:
        """The tenant a call belongs to: dialled number first, then metadata.tenant, then the agent id."""
        for lookup, key in ((_BY_NUMBER, to_number), (_BY_ID, tenant_hint), (_BY_AGENT, agent_id)):
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

    async def _config(self, lookup: Select[str, int], key: str) -> TenantConfig | None:
        async with self._db.read_connection() as conn:
            found = (await conn.execute(lookup, {"key": key})).first()
            if found is None:
                return None
            tenant_id, revision = found
            cached = self._cache.get(tenant_id)
            if cached and cached[0] == revision:
                self._cache.move_to_end(tenant_id)
                return cached[1]
            document = await conn.scalar(_DOCUMENT, {"key": tenant_id})
        config = share_parts(TenantConfig.model_validate(document))  # equal parts held once per process
        self._cache[tenant_id] = (revision, config)
        self._cache.move_to_end(tenant_id)
        while len(self._cache) > self._max_size:
            self._cache.popitem(last=False)
        return config

    async def all_ids(self) -> list[str]:
        async with self._db.read() as session:
            return list((await session.scalars(select(m.Tenant.id).order_by(m.Tenant.id))).all())
