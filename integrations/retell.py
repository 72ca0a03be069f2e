"""Retell API: list a day's calls and fill missing or provisional call costs (`slotline calls reconcile`).

POST {base}/v3/list-calls, `Authorization: Bearer <key>`, body `{"filter_criteria": {...},
"sort_order": "descending", "limit": n, "pagination_key": cursor}`; answer `{"items": [call...],
"has_more": bool, "pagination_key": cursor}` (https://docs.retellai.com/api-references/list-calls).
The time window is also checked on our side, so a server that ignores a filter cannot pull in calls
from other days. Each call object is the same shape the lifecycle webhooks carry, so it is recorded
through `booking_core.calls.record_event` (idempotent, highest lifecycle stage wins): a call we never
heard about is created, one with only an estimate gets Retell's final cost, a final one is unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import httpx

from booking_core.calls import record_event
from booking_core.storage.db import Database
from booking_core.tenant_config import RetellApiConfig, TenantConfig
from integrations.errors import NotConfigured, RetryableError
from integrations.http import request_json


class RetellClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, api_key: str, *, timeout_s: float = 15.0) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._key = api_key
        self._timeout = timeout_s

    def __repr__(self) -> str:
        return f"RetellClient({self._base!r})"

    async def list_calls(
        self, *, start_ms: int, end_ms: int, agent_ids: tuple[str, ...] = (), page_size: int = 200
    ) -> AsyncIterator[dict[str, Any]]:
        """Calls that started in [start_ms, end_ms). Newest first (Retell's default order), stopping at
        the first call older than the window, so no filter operator semantics are relied upon."""
        criteria: dict[str, Any] = {}
        if agent_ids:
            criteria["agent"] = [{"agent_id": a} for a in agent_ids]
        cursor: str | None = None
        while True:
            body: dict[str, Any] = {"sort_order": "descending", "limit": page_size}
            if criteria:
                body["filter_criteria"] = criteria
            if cursor:
                body["pagination_key"] = cursor
            page = await request_json(
                self._http,
                "POST",
                f"{self._base}/v3/list-calls",
                service="Retell",
                timeout_s=self._timeout,
                headers={"Authorization": f"Bearer {self._key}"},
                json=body,
            )
            items = page.get("items", []) if isinstance(page, dict) else list(page or [])
            for call in items:
                started = call.get("start_timestamp")
                if not isinstance(started, (int, float)) or started >= end_ms:
                    continue
                if started < start_ms:
                    return  # sorted newest first: everything after this is older still
                yield call
            previous, cursor = cursor, (page.get("pagination_key") if isinstance(page, dict) else None)
            if cursor is not None and cursor == previous:
                raise RetryableError("Retell returned the same pagination_key twice; stopping")
            if not items or not (isinstance(page, dict) and page.get("has_more")) or not cursor:
                return


@dataclass
class ReconcileReport:
    tenant: str
    date: str
    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "date": self.date,
            "seen": self.seen,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


def _stage(call: dict[str, Any]) -> str:
    if call.get("call_analysis") is not None:
        return "call_analyzed"
    if call.get("call_status") in ("ended", "error") or call.get("end_timestamp"):
        return "call_ended"
    return "call_started"


def day_window_ms(day: date, tenant: TenantConfig) -> tuple[int, int]:
    start = datetime.combine(day, time(0), tenant.zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tenant.zone)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


async def reconcile_day(
    db: Database, tenant: TenantConfig, day: date, *, now: datetime, env: Any, http: httpx.AsyncClient
) -> ReconcileReport:
    cfg = tenant.integrations.retell or RetellApiConfig()
    key = env.get(cfg.api_key_env)
    if not key:
        raise NotConfigured(f"Retell API key missing: environment variable {cfg.api_key_env} is not set")
    client = RetellClient(http, cfg.base_url, key, timeout_s=cfg.timeout_s)
    agents = cfg.agent_ids or tenant.agent_ids
    numbers = set(tenant.phone_numbers)
    start_ms, end_ms = day_window_ms(day, tenant)
    report = ReconcileReport(tenant.id, day.isoformat())
    async for call in client.list_calls(start_ms=start_ms, end_ms=end_ms, agent_ids=agents):
        report.seen += 1
        ours = (
            (agents and call.get("agent_id") in agents)
            or (call.get("to_number") in numbers)
            or (call.get("from_number") in numbers)
            or ((call.get("metadata") or {}).get("tenant") == tenant.id)
        )
        if not ours or not call.get("call_id"):
            report.skipped.append(str(call.get("call_id")))
            continue
        outcome = await record_event(db, tenant.id, _stage(call), call, now)
        if outcome.created:
            report.created += 1
        elif outcome.changed:
            report.updated += 1
        else:
            report.unchanged += 1
    return report
