"""A fake Cal.com API v2 that behaves like the real one where Slotline depends on it.

- `Authorization: Bearer <api_key>` required (401 otherwise); `cal-api-version` required per family:
  bookings 2024-08-13, event types 2024-06-14 (400 otherwise).
- `{"status": "success", "data": ...}` envelopes; errors `{"status": "error", "error": {code, message}}`.
- POST /v2/bookings (end from the event type's length; unknown event type 404; attendee name, email,
  timeZone required 400), GET /v2/bookings (eventTypeId, afterStart, beforeEnd filters),
  GET /v2/bookings/{uid}, POST /v2/bookings/{uid}/cancel (already cancelled 400, unknown 404),
  POST /v2/bookings/{uid}/reschedule (a new booking with a new uid; the old one is cancelled with
  rescheduledToUid; rescheduling a cancelled booking 400).
- GET/POST /v2/event-types, PATCH /v2/event-types/{id} (duplicate slug 400).
"""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from tests.fakes.base import FakeServer

BOOKINGS_VERSION = "2024-08-13"
EVENT_TYPES_VERSION = "2024-06-14"


def _err(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"status": "error", "error": {"code": code, "message": message}}, status=status)


def _ok(data: Any, status: int = 200) -> web.Response:
    return web.json_response({"status": "success", "data": data}, status=status)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class FakeCalcom(FakeServer):
    def __init__(self, api_key: str = "cal_test_key", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api_key = api_key
        self.bookings: dict[str, dict[str, Any]] = {}
        self.event_types: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1001)
        self._et_ids = itertools.count(501)

    # --- helpers for tests ---------------------------------------------------------------------

    def add_event_type(self, slug: str, length: int, **extra: Any) -> int:
        et_id = next(self._et_ids)
        self.event_types[et_id] = {
            "id": et_id,
            "slug": slug,
            "title": slug,
            "lengthInMinutes": length,
            "hidden": True,
            "afterEventBuffer": 0,
            **extra,
        }
        return et_id

    def active_bookings(self) -> list[dict[str, Any]]:
        return [b for b in self.bookings.values() if b["status"] == "accepted"]

    # --- server --------------------------------------------------------------------------------

    def build_routes(self, app: web.Application) -> None:
        app.router.add_post("/v2/bookings", self._create_booking)
        app.router.add_get("/v2/bookings", self._list_bookings)
        app.router.add_get("/v2/bookings/{uid}", self._get_booking)
        app.router.add_post("/v2/bookings/{uid}/cancel", self._cancel_booking)
        app.router.add_post("/v2/bookings/{uid}/reschedule", self._reschedule_booking)
        app.router.add_get("/v2/event-types", self._list_event_types)
        app.router.add_post("/v2/event-types", self._create_event_type)
        app.router.add_patch("/v2/event-types/{id}", self._update_event_type)

    def _check(self, request: web.Request, version: str) -> web.Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _err(401, "UNAUTHORIZED", "Invalid Access Token.")
        if request.headers.get("cal-api-version") != version:
            return _err(400, "BAD_REQUEST", f"cal-api-version must be {version}")
        return None

    async def _create_booking(self, request: web.Request) -> web.Response:
        if (bad := self._check(request, BOOKINGS_VERSION)) is not None:
            return bad
        body = await request.json()
        et = self.event_types.get(body.get("eventTypeId"))
        if et is None:
            return _err(404, "NOT_FOUND", f"Event type with id={body.get('eventTypeId')} not found")
        attendee = body.get("attendee") or {}
        missing = [k for k in ("name", "email", "timeZone") if not attendee.get(k)]
        if missing or not body.get("start"):
            return _err(400, "BAD_REQUEST", f"missing {missing or ['start']}")
        start = _parse(body["start"])
        booking = self._new_booking(et, start, attendee, body.get("metadata") or {})
        return _ok(booking, 201)

    def _new_booking(
        self, et: dict[str, Any], start: datetime, attendee: dict[str, Any], metadata: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        booking_id = next(self._ids)
        booking = {
            "id": booking_id,
            "uid": uuid.uuid4().hex[:22],
            "title": et["title"],
            "status": "accepted",
            "start": _iso(start),
            "end": _iso(start + timedelta(minutes=et["lengthInMinutes"])),
            "duration": et["lengthInMinutes"],
            "eventTypeId": et["id"],
            "eventType": {"id": et["id"], "slug": et["slug"]},
            "attendees": [attendee],
            "hosts": [{"id": 1, "name": "Owner", "email": "owner@example.com"}],
            "metadata": dict(metadata),
            "createdAt": _iso(datetime.now(UTC)),
            **extra,
        }
        self.bookings[booking["uid"]] = booking
        return booking

    async def _list_bookings(self, request: web.Request) -> web.Response:
        if (bad := self._check(request, BOOKINGS_VERSION)) is not None:
            return bad
        q = request.query
        out = list(self.bookings.values())
        if "eventTypeId" in q:
            out = [b for b in out if str(b["eventTypeId"]) == q["eventTypeId"]]
        if "afterStart" in q:
            out = [b for b in out if _parse(b["start"]) >= _parse(q["afterStart"])]
        if "beforeEnd" in q:
            out = [b for b in out if _parse(b["end"]) <= _parse(q["beforeEnd"])]
        return _ok(out[: int(q.get("take", 100))])

    async def _get_booking(self, request: web.Request) -> web.Response:
        if (bad := self._check(request, BOOKINGS_VERSION)) is not None:
            return bad
        booking = self.bookings.get(request.match_info["uid"])
        return _ok(booking) if booking else _err(404, "NOT_FOUND", "Booking not found")

    async def _cancel_booking(self, request: web.Request) -> web.Response:
        if (bad := self._check(request, BOOKINGS_VERSION)) is not None:
            return bad
        booking = self.bookings.get(request.match_info["uid"])
        if booking is None:
            return _err(404, "NOT_FOUND", "Booking not found")
        if booking["status"] == "cancelled":
            return _err(400, "BAD_REQUEST", "This booking has already been cancelled.")
        raw = await request.read()
        body = json.loads(raw) if raw else {}
        booking["status"] = "cancelled"
        booking["cancellationReason"] = (body or {}).get("cancellationReason")
        return _ok(booking)

    async def _reschedule_booking(self, request: web.Request) -> web.Response:
        if (bad := self._check(request, BOOKINGS_VERSION)) is not None:
            return bad
        old = self.bookings.get(request.match_info["uid"])
        if old is None:
            return _err(404, "NOT_FOUND", "Booking not found")
        if old["status"] == "cancelled":
            return _err(400, "BAD_REQUEST", "Can't reschedule a cancelled booking.")
        body = await request.json()
        et = self.event_types[old["eventTypeId"]]
        new = self._new_booking(
            et, _parse(body["start"]), old["attendees"][0], old["metadata"], rescheduledFromUid=old["uid"]
        )
        old["status"] = "cancelled"
        old["rescheduledToUid"] = new["uid"]
        return _ok(new, 201)

    async def _list_event_types(self, request: web.Request) -> web.Response:
        if (bad := self._check(request, EVENT_TYPES_VERSION)) is not None:
            return bad
        return _ok(list(self.event_types.values()))

    async def _create_event_type(self, request: web.Request) -> web.Response:
        if (bad := self._check(request, EVENT_TYPES_VERSION)) is not None:
            return bad
        body = await request.json()
        if not body.get("title") or not body.get("slug") or not body.get("lengthInMinutes"):
            return _err(400, "BAD_REQUEST", "title, slug and lengthInMinutes are required")
        if any(et["slug"] == body["slug"] for et in self.event_types.values()):
            return _err(400, "BAD_REQUEST", f"User already has an event type with slug {body['slug']}")
        et_id = next(self._et_ids)
        self.event_types[et_id] = {"id": et_id, "hidden": False, "afterEventBuffer": 0, **body}
        return _ok(self.event_types[et_id], 201)

    async def _update_event_type(self, request: web.Request) -> web.Response:
        if (bad := self._check(request, EVENT_TYPES_VERSION)) is not None:
            return bad
        et = self.event_types.get(int(request.match_info["id"]))
        if et is None:
            return _err(404, "NOT_FOUND", "Event type not found")
        et.update(await request.json())
        return _ok(et)
