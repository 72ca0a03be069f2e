"""The tenant file as validated configuration (CONTRACT section 4).

A tenant file is what a salon owner (or we, for them) writes; these models are the single source of
truth for its shape: `TenantConfig` here, its parts by topic in `tenant_hours` (when), `tenant_catalogue`
(what and who, policies), `tenant_integrations` (billing and the outside world) and
`tenant_notifications` (messages after the call), all importable from here. They are immutable after
validation, so the booking engine can cache one per tenant and share it between requests without copying.

Validation collects *every* problem (pydantic does this for field errors; cross-field rules live in
model validators that raise one error listing all their findings), so `slotline tenants check` can
show the whole list at once instead of making the owner fix one line at a time.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator, model_validator

from booking_core.tenant_base import E164, WEEKDAYS, Frozen, Slug
from booking_core.tenant_catalogue import (
    ChangePolicy,
    FeeTier,
    PausePolicy,
    Policies,
    PolicyOverride,
    Service,
    ServiceSegment,
    Staff,
)
from booking_core.tenant_hours import Absence, Closure, Holidays, TimeRange, WeekHours, check_week
from booking_core.tenant_integrations import Billing, CalcomConfig, Integrations, RetellApiConfig
from booking_core.tenant_notifications import Notifications
from booking_core.tenant_packages import Package
from booking_core.vocabulary import ChangeKind

__all__ = [
    "WEEKDAYS",
    "Absence",
    "Billing",
    "BookingRules",
    "CalcomConfig",
    "ChangePolicy",
    "Closure",
    "FeeTier",
    "Holidays",
    "Integrations",
    "Notifications",
    "Package",
    "PausePolicy",
    "Policies",
    "PolicyOverride",
    "RetellApiConfig",
    "Service",
    "ServiceSegment",
    "Staff",
    "TenantConfig",
    "TimeRange",
    "WeekHours",
]


class BookingRules(Frozen):
    slot_interval_min: int = Field(15, ge=5, le=240)
    min_notice_min: int = Field(60, ge=0)
    max_advance_days: int = Field(90, ge=1, le=730)
    hold_ttl_s: int = Field(300, ge=30, le=3600)


class TenantConfig(Frozen):
    id: Slug
    name: str
    timezone: str = "Europe/Berlin"
    language: Literal["de", "en"] = "de"
    currency: str = "EUR"
    phone_numbers: tuple[str, ...] = ()
    # Retell agent ids that reach this tenant (web calls carry no number); `retell_agent_ids` in the file.
    # The plugin cannot see through AliasChoices; the field has a default, so no alias is required.
    agent_ids: tuple[str, ...] = Field(  # type: ignore[pydantic-alias]
        default=(), validation_alias=AliasChoices("retell_agent_ids", "agent_ids")
    )
    holidays: Holidays | None = None
    opening_hours: dict[str, tuple[TimeRange, ...]] = Field(default_factory=dict)
    closures: tuple[Closure, ...] = ()
    booking: BookingRules = BookingRules()
    policies: Policies = Policies()
    billing: Billing = Billing()
    services: tuple[Service, ...] = ()
    staff: tuple[Staff, ...] = ()
    integrations: Integrations = Integrations()
    notifications: Notifications | None = None
    packages: tuple[Package, ...] = ()  # multi-session cards (tenant_packages, CONTRACT section 10)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("phone_numbers")
    @classmethod
    def _e164(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [n for n in value if not E164.match(n)]
        if bad:
            raise ValueError(f"not E.164 phone numbers: {bad}")
        return value

    @field_validator("opening_hours")
    @classmethod
    def _week(cls, value: dict[str, tuple[TimeRange, ...]]) -> dict[str, tuple[TimeRange, ...]]:
        return check_week(value)

    @model_validator(mode="after")
    def _references(self) -> TenantConfig:
        """Every id a part of the file names is defined (booking_core.tenant_references)."""
        from booking_core.tenant_references import REFERENCES_PREFIX, reference_problems

        problems = reference_problems(self.model_dump(by_alias=True))
        if problems:
            raise ValueError(REFERENCES_PREFIX + "; ".join(f"{path}: {reason}" for path, reason in problems))
        return self

    # --- lookups the engine uses on every request (small lists; dict build is cheap and cached) ---

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def package(self, package_id: str) -> Package | None:
        return next((p for p in self.packages if p.id == package_id), None)

    def packages_for(self, service_id: str) -> tuple[Package, ...]:
        """The cards sold for `service_id` (usually none: the booking path asks nothing more then)."""
        return tuple(p for p in self.packages if p.service == service_id)

    def staff_member(self, staff_id: str) -> Staff | None:
        return next((s for s in self.staff if s.id == staff_id), None)

    def staff_hours(self, member: Staff) -> dict[str, tuple[TimeRange, ...]]:
        """A staff member's week: their own `hours`, else the business's opening hours."""
        return member.hours if member.hours is not None else self.opening_hours

    def policy_for(self, kind: ChangeKind, service_id: str | None) -> ChangePolicy:
        """The policy for `kind`: the service's own override when it has one, else the tenant's."""
        service = self.service(service_id) if service_id else None
        override = service.policies.for_change(kind) if service is not None and service.policies is not None else None
        return override if override is not None else self.policies.for_change(kind)
