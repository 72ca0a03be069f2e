"""A tenant's accounts with the outside world, as the tenant file says it: what the reseller bills
(CONTRACT section 7), the Cal.com mirror, outbound webhooks and the Retell API (section 8). Secrets
are never in the file: only the names of the environment variables holding them."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from booking_core.tenant_base import Frozen

__all__ = ["Billing", "CalcomConfig", "Integrations", "RetellApiConfig"]


class Billing(Frozen):
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
    telephony_usd_per_min_by_number: dict[str, Decimal] = Field(default_factory=dict)
    estimate_usd_per_min: Decimal | None = Field(None, ge=0)
    llm_usd_per_1k_tokens: dict[str, Decimal] = Field(default_factory=dict)
    llm_model: str | None = None


class CalcomConfig(Frozen):
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
    event_types: dict[str, int] = Field(default_factory=dict)
    staff: dict[str, str] = Field(default_factory=dict)
    attendee_email: str = "booking-{reference}@noreply.slotline.example"
    timeout_s: float = Field(10.0, gt=0, le=120)


class RetellApiConfig(Frozen):
    """Retell API access for `slotline calls reconcile`; the key comes from the environment."""

    base_url: str = "https://api.retellai.com"
    api_key_env: str = "SLOTLINE_RETELL_API_KEY"
    agent_ids: tuple[str, ...] = ()  # restrict the listing to these agents (default: the tenant's agent_ids)
    timeout_s: float = Field(15.0, gt=0, le=120)


class Integrations(Frozen):
    calcom: CalcomConfig | None = None
    webhooks: tuple[str, ...] = ()
    # Outbound webhooks are signed with HMAC-SHA256 using the secret in this environment variable.
    webhook_secret_env: str = "SLOTLINE_WEBHOOK_SECRET"
    retell: RetellApiConfig | None = None
