"""A small Cal.com API v2 client (https://cal.com/docs/api-reference/v2).

Every request carries `Authorization: Bearer <key>` and the `cal-api-version` its endpoint family
expects (bookings 2024-08-13, event types 2024-06-14); responses are `{"status": "success", "data": ...}`.
Errors are classified by `integrations.errors` (429 with Retry-After, 5xx, timeouts: retryable).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from integrations.http import request_json

BOOKINGS_VERSION = "2024-08-13"
EVENT_TYPES_VERSION = "2024-06-14"


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class CalcomClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, api_key: str, *, timeout_s: float = 10.0) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._key = api_key
        self._timeout = timeout_s

    def __repr__(self) -> str:  # never show the key
        return f"CalcomClient({self._base!r})"

    async def _call(
        self, method: str, path: str, version: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        headers = {"Authorization": f"Bearer {self._key}", "cal-api-version": version}
        body = await request_json(
            self._http,
            method,
            f"{self._base}{path}",
            service="Cal.com",
            timeout_s=self._timeout,
            headers=headers,
            json=json,
            params=params,
        )
        if isinstance(body, dict) and "data" in body:
            return body["data"]
        return body

    # --- bookings ------------------------------------------------------------------------------

    async def create_booking(
        self,
        *,
        event_type_id: int,
        start: datetime,
        attendee: dict[str, Any],
        metadata: dict[str, str],
        length_min: int | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "eventTypeId": event_type_id,
            "start": iso_utc(start),
            "attendee": attendee,
            "metadata": metadata,
        }
        if length_min is not None:
            body["lengthInMinutes"] = length_min
        return await self._call("POST", "/v2/bookings", BOOKINGS_VERSION, json=body)

    async def reschedule_booking(self, uid: str, *, start: datetime, reason: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"start": iso_utc(start)}
        if reason:
            body["reschedulingReason"] = reason
        return await self._call("POST", f"/v2/bookings/{uid}/reschedule", BOOKINGS_VERSION, json=body)

    async def cancel_booking(self, uid: str, *, reason: str | None = None) -> dict[str, Any]:
        return await self._call(
            "POST",
            f"/v2/bookings/{uid}/cancel",
            BOOKINGS_VERSION,
            json={"cancellationReason": reason or "Cancelled in Slotline"},
        )

    async def get_booking(self, uid: str) -> dict[str, Any]:
        return await self._call("GET", f"/v2/bookings/{uid}", BOOKINGS_VERSION)

    async def list_bookings(
        self,
        *,
        event_type_id: int | None = None,
        after_start: datetime | None = None,
        before_end: datetime | None = None,
        take: int = 100,
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"take": take}
        if event_type_id is not None:
            params["eventTypeId"] = event_type_id
        if after_start is not None:
            params["afterStart"] = iso_utc(after_start)
        if before_end is not None:
            params["beforeEnd"] = iso_utc(before_end)
        data = await self._call("GET", "/v2/bookings", BOOKINGS_VERSION, params=params)
        return list(data or [])

    # --- event types ---------------------------------------------------------------------------

    async def list_event_types(self) -> list[dict[str, Any]]:
        data = await self._call("GET", "/v2/event-types", EVENT_TYPES_VERSION)
        return list(data or [])

    async def create_event_type(self, **fields: Any) -> dict[str, Any]:
        return await self._call("POST", "/v2/event-types", EVENT_TYPES_VERSION, json=fields)

    async def update_event_type(self, event_type_id: int, **fields: Any) -> dict[str, Any]:
        return await self._call("PATCH", f"/v2/event-types/{event_type_id}", EVENT_TYPES_VERSION, json=fields)
