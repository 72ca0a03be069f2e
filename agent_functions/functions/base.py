"""What a function handler receives, and the registry that maps canonical names to handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from agent_functions.context import AppServices
from agent_functions.envelope import CallInfo
from agent_functions.replies import Reply
from booking_core.tenant_config import TenantConfig


@dataclass
class FunctionContext:
    services: AppServices
    tenant: TenantConfig
    call: CallInfo
    mode: str | None = None  # "hold_only": start_booking holds and asks for confirmation

    @property
    def lang(self) -> str:
        return self.tenant.language

    @property
    def zone(self) -> ZoneInfo:
        return self.tenant.zone

    def now(self) -> datetime:
        """The current moment in the tenant's zone (the clock is injected; replays freeze it)."""
        return self.services.clock.now().astimezone(self.zone)

    def say(self, de: str, en: str) -> str:
        return de if self.lang == "de" else en


Handler = Callable[[FunctionContext, dict[str, Any]], Awaitable[Reply]]
HANDLERS: dict[str, Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register
