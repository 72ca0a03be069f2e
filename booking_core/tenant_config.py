"""The tenant file as validated configuration (CONTRACT section 4).

A tenant file is what a salon owner (or we, for them) writes; these models are the single source of
truth for its shape. They are immutable after validation, so the booking engine can cache one per
tenant and share it between requests without copying.

Validation collects *every* problem (pydantic does this for field errors; cross-field rules live in
model validators that raise one error listing all their findings), so `slotline tenants check` can
show the whole list at once instead of making the owner fix one line at a time.
"""

from __future__ import annotations

import datetime as _dt
import re
from datetime import date, time
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_serializer, model_validator

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")

PausePolicy = Literal["free", "blocked", "flexible", "never"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _parse_hhmm(value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML reads 09:00 unquoted as sexagesimal minutes (540)
        if 0 <= value < 24 * 60:
            return time(value // 60, value % 60)
        raise ValueError(f"time {value!r} out of range")
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}(:00)?", value.strip()):
        h, m = (int(p) for p in value.strip().split(":")[:2])
        if h == 24 and m == 0:
            return time.max
        if 0 <= h < 24 and 0 <= m < 60:
            return time(h, m)
    raise ValueError(f"expected a time as HH:MM, got {value!r}")


class TimeRange(_Frozen):
    """One opening interval of a day, local wall-clock time. 24:00 is allowed as an end."""

    start: time
    end: time

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: object) -> object:
        if isinstance(value, (list, tuple)):
            if len(value) != 2:
                raise ValueError("an interval is [start, end]")
            return {"start": _parse_hhmm(value[0]), "end": _parse_hhmm(value[1])}
        if isinstance(value, dict):
            return {k: _parse_hhmm(v) for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.end <= self.start:
            raise ValueError(f"interval ends ({self.end:%H:%M}) before it starts ({self.start:%H:%M})")
        return self

    @model_serializer
    def as_pair(self) -> list[str]:
        end = "24:00" if self.end == time.max else self.end.strftime("%H:%M")
        return [self.start.strftime("%H:%M"), end]


WeekHours = dict[str, tuple[TimeRange, ...]]


def _check_week(hours: dict[str, tuple[TimeRange, ...]]) -> dict[str, tuple[TimeRange, ...]]:
    unknown = [k for k in hours if k not in WEEKDAYS]
    if unknown:
        raise ValueError(f"unknown weekday(s) {unknown}; use {', '.join(WEEKDAYS)}")
    for day, ranges in hours.items():
        ordered = sorted(ranges, key=lambda r: r.start)
        for a, b in zip(ordered, ordered[1:]):
            if b.start < a.end:
                raise ValueError(f"{day}: intervals overlap")
    return hours


class Holidays(_Frozen):
    country: str
    subdiv: str | None = None

    @model_validator(mode="after")
    def _known(self) -> Holidays:
        import holidays as holidays_lib

        try:
            holidays_lib.country_holidays(self.country, subdiv=self.subdiv, years=2026)
        except NotImplementedError as exc:
            raise ValueError(f"unknown holiday country {self.country!r}") from exc
        except Exception as exc:  # noqa: BLE001 - the library raises plain errors for bad subdivisions
            raise ValueError(str(exc)) from exc
        return self


class Closure(_Frozen):
    """Whole days the business is closed (inclusive range)."""

    from_: date = Field(alias="from")
    to: date
    reason: str | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> Closure:
        if self.to < self.from_:
            raise ValueError("closure ends before it starts")
        return self


class Absence(_Frozen):
    """A staff absence: a range of whole days (`from`/`to`), or part of one day (`date`, `start`, `end`)."""

    from_: _dt.date | None = Field(default=None, alias="from")
    to: _dt.date | None = None
    date: _dt.date | None = None
    start: time | None = None
    end: time | None = None
    reason: str | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _time(cls, value: object) -> object:
        return None if value is None else _parse_hhmm(value)

    @model_validator(mode="after")
    def _shape(self) -> Absence:
        if self.date is not None:
            if self.from_ is not None or self.to is not None:
                raise ValueError("use either date (+start/end) or from/to, not both")
            if (self.start is None) != (self.end is None):
                raise ValueError("a partial absence needs both start and end")
            if self.start is not None and self.end is not None and self.end <= self.start:
                raise ValueError("absence ends before it starts")
        else:
            if self.from_ is None:
                raise ValueError("an absence needs `date` or `from`")
            if self.start is not None or self.end is not None:
                raise ValueError("start/end go with `date`, not with from/to")
        return self

    @property
    def first_day(self) -> _dt.date:
        return self.date if self.date is not None else self.from_  # type: ignore[return-value]

    @property
    def last_day(self) -> _dt.date:
        if self.date is not None:
            return self.date
        return self.to if self.to is not None else self.from_  # type: ignore[return-value]

    @property
    def whole_day(self) -> bool:
        return self.start is None


class BookingRules(_Frozen):
    slot_interval_min: int = Field(15, ge=5, le=240)
    min_notice_min: int = Field(60, ge=0)
    max_advance_days: int = Field(90, ge=1, le=730)
    hold_ttl_s: int = Field(300, ge=30, le=3600)


class FeeTier(_Frozen):
    """A fee that applies when the change happens at least `min_hours` before the start."""

    min_hours: Decimal = Field(ge=0)
    fee: Decimal = Field(ge=0)


class ChangePolicy(_Frozen):
    """Rules for cancelling or moving an appointment.

    `notice_hours`: changes closer to the start than this are refused (unless a fee tier covers them;
    see booking_core.policy for the exact decision). `fee_tiers`: the first tier (highest min_hours
    first) the change qualifies for sets the fee.
    """

    notice_hours: Decimal = Field(Decimal("0"), ge=0)
    fee_tiers: tuple[FeeTier, ...] = ()
    max_per_month: int | None = Field(None, ge=0)
    max_per_appointment: int | None = Field(None, ge=0)


class Policies(_Frozen):
    cancel: ChangePolicy = ChangePolicy()
    reschedule: ChangePolicy = ChangePolicy()


class Billing(_Frozen):
    """What the reseller charges the tenant: markup on cost, or a tariff (per started minute, per call)."""

    markup_pct: Decimal | None = Field(None, ge=0)
    price_per_minute: Decimal | None = Field(None, ge=0)
    price_per_call: Decimal | None = Field(None, ge=0)
    telephony_usd_per_min: Decimal | None = Field(None, ge=0)
    fx_fallback: Decimal | None = Field(None, gt=0)
    # Call costs (booking_core.costs): per-number telephony rates (USD per started minute) for numbers
    # not billed through Retell, overriding telephony_usd_per_min; the USD per minute used to estimate
    # a call's Retell cost before Retell reports it; prices of a custom LLM per 1,000 tokens by model
    # ("*" = any model), and the model this tenant's custom LLM runs when an event does not name one.
    telephony_usd_per_min_by_number: dict[str, Decimal] = {}
    estimate_usd_per_min: Decimal | None = Field(None, ge=0)
    llm_usd_per_1k_tokens: dict[str, Decimal] = {}
    llm_model: str | None = None


class Segment(_Frozen):
    """One step of a composite service. The gap after it is processing time (colour develops)."""

    key: str
    name: str
    duration_min: int = Field(gt=0, le=24 * 60)
    gap_after_min: int = Field(0, ge=0)
    gap_after_max: int | None = Field(None, ge=0)
    staff_busy: bool = True

    @model_validator(mode="after")
    def _gap_bounds(self) -> Segment:
        if self.gap_after_max is not None and self.gap_after_max < self.gap_after_min:
            raise ValueError(f"segment {self.key}: gap_after_max ({self.gap_after_max}) < gap_after_min ({self.gap_after_min})")
        return self


class PolicyOverride(_Frozen):
    cancel: ChangePolicy | None = None
    reschedule: ChangePolicy | None = None


class Service(_Frozen):
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    duration_min: int | None = Field(None, gt=0, le=24 * 60)
    buffer_after_min: int = Field(0, ge=0)
    price: Decimal = Field(Decimal("0"), ge=0)
    pause_policy: PausePolicy = "free"
    segments: tuple[Segment, ...] = ()
    staff_per_segment: bool = False
    policies: PolicyOverride | None = None
    description: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(f"id {value!r} is not a slug (a-z, 0-9, - and _)")
        return value

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


class Staff(_Frozen):
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    services: tuple[str, ...] = ("*",)
    hours: dict[str, tuple[TimeRange, ...]] | None = None
    absences: tuple[Absence, ...] = ()
    prices: dict[str, Decimal] = {}

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(f"id {value!r} is not a slug (a-z, 0-9, - and _)")
        return value

    @field_validator("hours")
    @classmethod
    def _week(cls, value: dict[str, tuple[TimeRange, ...]] | None) -> dict[str, tuple[TimeRange, ...]] | None:
        return None if value is None else _check_week(value)

    def does(self, service_id: str) -> bool:
        return "*" in self.services or service_id in self.services


class CalcomConfig(_Frozen):
    """Cal.com mirror settings; the API key comes from the environment variable named here.

    `event_types`: manual mapping "service" or "service/segment" -> Cal.com event type id; it wins over
    what `slotline calcom sync-event-types` stored. `staff`: staff id -> the Cal.com organizer's email
    or username, so inbound Cal.com bookings block the right person (unmapped ones block everyone).
    `attendee_email`: Cal.com requires an attendee email and callers give none; `{reference}` and
    `{appointment_id}` are filled in.
    """

    enabled: bool = True
    base_url: str = "https://api.cal.com"
    api_key_env: str = "SLOTLINE_CALCOM_API_KEY"
    webhook_secret_env: str = "SLOTLINE_CALCOM_WEBHOOK_SECRET"
    event_types: dict[str, int] = {}
    staff: dict[str, str] = {}
    attendee_email: str = "booking-{reference}@noreply.slotline.example"
    timeout_s: float = Field(10.0, gt=0, le=120)


class RetellApiConfig(_Frozen):
    """Retell API access for `slotline calls reconcile`; the key comes from the environment."""

    base_url: str = "https://api.retellai.com"
    api_key_env: str = "SLOTLINE_RETELL_API_KEY"
    agent_ids: tuple[str, ...] = ()  # restrict the listing to these agents (default: the tenant's agent_ids)
    timeout_s: float = Field(15.0, gt=0, le=120)


class Integrations(_Frozen):
    calcom: CalcomConfig | None = None
    webhooks: tuple[str, ...] = ()
    # Outbound webhooks are signed with HMAC-SHA256 using the secret in this environment variable.
    webhook_secret_env: str = "SLOTLINE_WEBHOOK_SECRET"
    retell: RetellApiConfig | None = None


class TenantConfig(_Frozen):
    id: str
    name: str
    timezone: str = "Europe/Berlin"
    language: Literal["de", "en"] = "de"
    currency: str = "EUR"
    phone_numbers: tuple[str, ...] = ()
    agent_ids: tuple[str, ...] = ()
    holidays: Holidays | None = None
    opening_hours: dict[str, tuple[TimeRange, ...]] = {}
    closures: tuple[Closure, ...] = ()
    booking: BookingRules = BookingRules()
    policies: Policies = Policies()
    billing: Billing = Billing()
    services: tuple[Service, ...] = ()
    staff: tuple[Staff, ...] = ()
    integrations: Integrations = Integrations()

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(f"id {value!r} is not a slug (a-z, 0-9, - and _)")
        return value

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
        return _check_week(value)

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

    def staff_member(self, staff_id: str) -> Staff | None:
        return next((s for s in self.staff if s.id == staff_id), None)

    def staff_hours(self, member: Staff) -> dict[str, tuple[TimeRange, ...]]:
        """A staff member's week: their own `hours`, else the business's opening hours."""
        return member.hours if member.hours is not None else self.opening_hours

    def policy_for(self, kind: Literal["cancel", "reschedule"], service_id: str | None) -> ChangePolicy:
        service = self.service(service_id) if service_id else None
        if service is not None and service.policies is not None:
            override = getattr(service.policies, kind)
            if override is not None:
                return override
        return getattr(self.policies, kind)
