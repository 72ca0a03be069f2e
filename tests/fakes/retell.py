"""A fake Retell API: POST /v3/list-calls with Bearer auth, newest first, cursor pagination
(`{"items", "has_more", "pagination_key"}`), `limit` honoured."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.fakes.base import FakeServer


class FakeRetell(FakeServer):
    def __init__(self, api_key: str = "key_retell_test", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api_key = api_key
        self.calls_db: list[dict[str, Any]] = []

    def build_routes(self, app: web.Application) -> None:
        app.router.add_post("/v3/list-calls", self._list)

    async def _list(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return web.json_response({"error_message": "Unauthorized"}, status=401)
        raw = await request.read()
        body = json.loads(raw) if raw else {}
        limit = min(int(body.get("limit", 50)), 1000)
        newest_first = body.get("sort_order", "descending") == "descending"
        ordered = sorted(self.calls_db, key=lambda c: c["start_timestamp"], reverse=newest_first)
        agents = {a["agent_id"] for a in (body.get("filter_criteria") or {}).get("agent", [])}
        if agents:
            ordered = [c for c in ordered if c.get("agent_id") in agents]
        offset = int(body.get("pagination_key") or 0)
        page = ordered[offset : offset + limit]
        more = offset + limit < len(ordered)
        return web.json_response(
            {"items": page, "has_more": more, "pagination_key": str(offset + limit) if more else None}
        )
