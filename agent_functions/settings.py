"""Process settings from the environment (prefix SLOTLINE_) and an optional `.env` file (CONTRACT section 8)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from booking_core.storage.urls import SQLITE_DEFAULT


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SLOTLINE_", env_file=".env", extra="ignore")

    database_url: str = SQLITE_DEFAULT
    # Comma-separated; every key verifies incoming signatures (rotation), the first signs test requests.
    retell_api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    admin_token: str | None = None
    # PostgreSQL: seconds before the server gives up on connecting or on a statement (a hung database
    # must still leave time for the apology before the voice platform's own timeout).
    database_timeout_s: float = 5.0
    # Days the call log keeps each function call (arguments, answers); housekeeping deletes older ones.
    call_record_days: int = Field(default=90, ge=1)
    log_format: Literal["json", "console"] = "json"
    log_level: str = "INFO"
    # Development only: accept unsigned webhook requests (logged loudly at start).
    allow_unsigned: bool = False
    # Test clock: a server started with this serves a frozen clock movable via /_test/clock (replay --url).
    test_clock: bool = False
    # Freeze the startup heap and collect rarely (agent_functions/gc_tuning.py); off only to measure it.
    gc_freeze: bool = True
    # Parsed tenant configurations (and their calendars) kept per worker, least recently used dropped.
    tenant_cache_size: int = Field(256, ge=1)
    # Seconds a worker answers from a parsed tenant before asking the database for its revision again
    # (a `tenants load` in another process is seen within this; one round trip saved per request). 0: always.
    tenant_check_s: float = Field(1.0, ge=0)
    # Tenant billing (CONTRACT section 11): Stripe's API key, its base URL (a local fake in tests), the
    # webhook signing secret, and where Checkout sends the payer back (absolute URLs).
    stripe_api_key: str | None = None
    stripe_api_base: str = "https://api.stripe.com"
    stripe_webhook_secret: str | None = None
    billing_return_url: str = "http://127.0.0.1:8080/admin/billing/return"
    # Live balance stream: how often the balance row is read (seconds); changes are pushed when seen.
    billing_stream_poll_s: float = 1.0

    @field_validator("retell_api_keys", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value
