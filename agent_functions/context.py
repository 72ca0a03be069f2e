"""What every request handler needs, built once per process and stored on the aiohttp app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from agent_functions.settings import Settings
from booking_core.clock import Clock
from booking_core.storage.db import Database
from booking_core.tenant_store import TenantDirectory

if TYPE_CHECKING:
    from agent_functions.call_log.recorder import CallLog
    from agent_functions.callback_spool import CallbackSpool
    from agent_functions.seen_signatures import SeenSignatures
    from booking_core.service import BookingService


@dataclass
class AppServices:
    settings: Settings
    db: Database
    clock: Clock
    tenants: TenantDirectory
    booking: BookingService
    signatures: SeenSignatures
    # Per-tenant NLU matchers and the like, keyed by (tenant id, id(config)); rebuilt when a tenant reloads.
    caches: dict[Any, Any] = field(default_factory=dict)
    # Callback requests of calls that failed while the database was unreachable (set by create_app).
    callback_spool: CallbackSpool | None = None
    # Function calls answered but not yet written to the call log (set by create_app).
    call_log: CallLog | None = None


SERVICES: web.AppKey[AppServices] = web.AppKey("services", AppServices)
