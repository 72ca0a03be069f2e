"""Building the process's services once: used by `serve`, the replay harness and the tests alike."""

from __future__ import annotations

from agent_functions.context import AppServices
from agent_functions.seen_signatures import SeenSignatures
from agent_functions.settings import Settings
from booking_core.clock import Clock, SystemClock
from booking_core.service import BookingService
from booking_core.storage.db import Database
from booking_core.tenant_store import TenantDirectory


def build_services(settings: Settings, clock: Clock | None = None, db: Database | None = None) -> AppServices:
    clock = clock or SystemClock()
    db = db or Database(settings.database_url, timeout_s=settings.database_timeout_s)
    return AppServices(
        settings=settings,
        db=db,
        clock=clock,
        tenants=TenantDirectory(db, settings.tenant_cache_size, settings.tenant_check_s),
        booking=BookingService(db, clock),
        signatures=SeenSignatures(db),
    )
