"""One place for outbound requests: timeouts and error classification the same for every client."""

from __future__ import annotations

from typing import Any

import httpx

from integrations.errors import raise_for_response, transport_error


async def request_json(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    service: str,
    timeout_s: float,
    headers: dict[str, str] | None = None,
    json: Any = None,
    params: dict[str, Any] | None = None,
) -> Any:
    """Send a request, raise the matching IntegrationError on failure, return the decoded JSON body."""
    try:
        response = await http.request(
            method,
            url,
            headers=headers,
            json=json,
            params=params,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
        )
    except httpx.HTTPError as exc:
        raise transport_error(exc, service) from None
    raise_for_response(response, service)
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        from integrations.errors import RetryableError

        raise RetryableError(f"{service} answered {response.status_code} with a body that is not JSON") from None
