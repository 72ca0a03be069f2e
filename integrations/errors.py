"""How a remote call failed, which decides what the outbox does next.

- `RetryableError`: the service is down, slow, overloaded or rate-limiting (connect errors, timeouts,
  408, 425, 429, 5xx). Retried with backoff; counts against the circuit breaker (except 429, which
  pauses the integration until Retry-After without counting as a failure).
- `PermanentError`: the request itself is wrong (other 4xx) or can never succeed; dead-lettered at once.
- `NotConfigured`: the tenant's configuration or environment is missing something (API key, event-type
  mapping). Retried slowly, because an operator can fix it, and dead-lettered after the maximum attempts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx


class IntegrationError(Exception):
    retryable: bool = True
    counts_for_breaker: bool = True

    def __init__(self, message: str, *, status: int | None = None, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after_s = retry_after_s


class RetryableError(IntegrationError):
    pass


class RateLimited(RetryableError):
    counts_for_breaker = False


class PermanentError(IntegrationError):
    retryable = False
    counts_for_breaker = False


class NotConfigured(IntegrationError):
    counts_for_breaker = False


RETRYABLE_STATUS = {408, 425, 429}


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def raise_for_response(response: httpx.Response, service: str) -> None:
    """Turn a non-2xx response into the matching IntegrationError (bodies are trimmed, never secrets)."""
    status = response.status_code
    if 200 <= status < 300:
        return
    detail = f"{service} HTTP {status}: {_short(response.text)}"
    if status == 429:
        raise RateLimited(detail, status=status, retry_after_s=parse_retry_after(response.headers.get("retry-after")))
    if status >= 500 or status in RETRYABLE_STATUS:
        raise RetryableError(
            detail, status=status, retry_after_s=parse_retry_after(response.headers.get("retry-after"))
        )
    raise PermanentError(detail, status=status)


def transport_error(exc: httpx.HTTPError, service: str) -> RetryableError:
    """Connect errors, timeouts, dropped connections: the service is unreachable right now."""
    kind = type(exc).__name__
    return RetryableError(f"{service} unreachable ({kind})")
