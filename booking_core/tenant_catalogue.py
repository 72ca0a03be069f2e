"""What a business offers and who does it, as the tenant file says it: services (simple, or composite
with segments and a pause policy), staff and their services, prices and hours, and the cancel and
reschedule policies (CONTRACT section 4)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from booking_core.tenant_base import Frozen, Slug
from booking_core.tenant_hours import Absence, TimeRange, check_week
from booking_core.vocabulary import ChangeKind

__all__ = [
    "ChangePolicy",
    "FeeTier",
    "PausePolicy",
    "Policies",
    "PolicyOverride",
    "Service",
    "ServiceSegment",
    "Staff",
]

PausePolicy = Literal["free", "blocked", "flexible", "never"]


class FeeTier(Frozen):
    """A fee that applies when the change happens at least `min_hours` before the start."""

    min_hours: Decimal = Field(ge=0)
    fee: Decimal = Field(ge=0)


class ChangePolicy(Frozen):
    """Rules for cancelling or moving an appointment.

    `notice_hours`: changes closer to the start than this are refused (unless a fee tier covers them;
    see booking_core.policy for the exact decision). `fee_tiers`: the first tier (highest min_hours
    first) the change qualifies for sets the fee.
    """

    notice_hours: Decimal = Field(Decimal("0"), ge=0)
    fee_tiers: tuple[FeeTier, ...] = ()
    max_per_month: int | None = Field(None, ge=0)
    max_per_appointment: int | None = Field(None, ge=0)


class Policies(Frozen):
    cancel: ChangePolicy = ChangePolicy()
    reschedule: ChangePolicy = ChangePolicy()

    def for_change(self, kind: ChangeKind) -> ChangePolicy:
        return self.cancel if kind == "cancel" else self.reschedule


class ServiceSegment(Frozen):
    """One step of a composite service. The gap after it is processing time (colour develops)."""

    key: str
    name: str
    duration_min: int = Field(gt=0, le=24 * 60)
    gap_after_min: int = Field(0, ge=0)
    gap_after_max: int | None = Field(None, ge=0)
    staff_busy: bool = True

    @model_validator(mode="after")
    def _gap_bounds(self) -> ServiceSegment:
        if self.gap_after_max is not None and self.gap_after_max < self.gap_after_min:
            raise ValueError(
                f"segment {self.key}: gap_after_max ({self.gap_after_max}) < gap_after_min ({self.gap_after_min})"
            )
        return self


class PolicyOverride(Frozen):
    """A service's own policies, each replacing the tenant's when set."""

    cancel: ChangePolicy | None = None
    reschedule: ChangePolicy | None = None

    def for_change(self, kind: ChangeKind) -> ChangePolicy | None:
        return self.cancel if kind == "cancel" else self.reschedule


class Service(Frozen):
    id: Slug
    name: str
    aliases: tuple[str, ...] = ()
    duration_min: int | None = Field(None, gt=0, le=24 * 60)
    buffer_after_min: int = Field(0, ge=0)
    price: Decimal = Field(Decimal("0"), ge=0)
    pause_policy: PausePolicy = "free"
    segments: tuple[ServiceSegment, ...] = ()
    staff_per_segment: bool = False
    policies: PolicyOverride | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Service:
        if self.segments:
            if len(self.segments) < 2:
                raise ValueError("a composite service needs at least 2 segments")
            keys = [s.key for s in self.segments]
            if len(set(keys)) != len(keys):
                raise ValueError(f"segment keys repeat: {keys}")
        elif self.duration_min is None:
            raise ValueError("a service needs duration_min or segments")
        return self

    @property
    def composite(self) -> bool:
        return bool(self.segments)

    @property
    def total_min(self) -> int:
        """Length from first start to last end with minimum gaps (what the caller is told)."""
        if not self.segments:
            return self.duration_min or 0
        if self.pause_policy == "never":
            return sum(s.duration_min for s in self.segments)
        return sum(s.duration_min for s in self.segments) + sum(s.gap_after_min for s in self.segments[:-1])


class Staff(Frozen):
    id: Slug
    name: str
    aliases: tuple[str, ...] = ()
    services: tuple[str, ...] = ("*",)
    hours: dict[str, tuple[TimeRange, ...]] | None = None
    absences: tuple[Absence, ...] = ()
    prices: dict[str, Decimal] = Field(default_factory=dict)

    @field_validator("hours")
    @classmethod
    def _week(cls, value: dict[str, tuple[TimeRange, ...]] | None) -> dict[str, tuple[TimeRange, ...]] | None:
        return None if value is None else check_week(value)

    def does(self, service_id: str) -> bool:
        return "*" in self.services or service_id in self.services
