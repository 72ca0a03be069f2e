"""Helpers of the booking-engine tests: a small tenant built for the cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import parse_tenant

BERLIN = ZoneInfo("Europe/Berlin")
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=zone)


def composite(sid: str, policy: str, gap_max: int | None = None) -> dict[str, Any]:
    a: dict[str, Any] = {"key": "A", "name": "Farbe auftragen", "duration_min": 30, "gap_after_min": 30}
    if gap_max is not None:
        a["gap_after_max"] = gap_max
    return {
        "id": sid,
        "name": f"Colour {policy}",
        "price": "60.00",
        "pause_policy": policy,
        "segments": [a, {"key": "B", "name": "Auswaschen", "duration_min": 30}],
    }


def tenant_doc(tenant_id: str = "t1", **overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": tenant_id,
        "name": "Test Salon",
        "timezone": "Europe/Berlin",
        "currency": "EUR",
        "holidays": {"country": "DE", "subdiv": "BE"},
        "opening_hours": {d: [["09:00", "18:00"]] for d in ALL_DAYS},
        "closures": [{"from": "2026-12-24", "to": "2026-12-26", "reason": "Weihnachten"}],
        "booking": {"slot_interval_min": 15, "min_notice_min": 60, "max_advance_days": 90, "hold_ttl_s": 300},
        "policies": {
            "cancel": {
                "notice_hours": 24,
                "fee_tiers": [{"min_hours": 48, "fee": "0"}, {"min_hours": 24, "fee": "10.00"}],
                "max_per_month": 2,
            },
            "reschedule": {"notice_hours": 12, "max_per_appointment": 2},
        },
        "services": [
            {"id": "cut", "name": "Haarschnitt", "duration_min": 30, "price": "30.00"},
            {
                "id": "cut-buffer",
                "name": "Schnitt mit Puffer",
                "duration_min": 30,
                "buffer_after_min": 15,
                "price": "30.00",
            },
            composite("colour-free", "free"),
            composite("colour-blocked", "blocked"),
            composite("colour-flex", "flexible", gap_max=60),
            composite("colour-never", "never"),
            {**composite("colour-split", "free"), "staff_per_segment": True},
        ],
        "staff": [
            {"id": "anna", "name": "Anna Müller", "services": ["*"], "prices": {"cut": "35.00"}},
            {"id": "ben", "name": "Ben Weiß", "services": ["cut", "cut-buffer", "colour-split"]},
            {
                "id": "cara",
                "name": "Cara Öztürk",
                "services": ["colour-free", "colour-split"],
                "hours": {d: [["10:00", "16:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                "absences": [
                    {"from": "2026-11-30", "to": "2026-12-02"},
                    {"date": "2026-11-25", "start": "12:00", "end": "14:00"},
                ],
            },
        ],
    }
    doc.update(overrides)
    return doc


def make_tenant(tenant_id: str = "t1", **overrides: Any) -> TenantConfig:
    return parse_tenant(tenant_doc(tenant_id, **overrides))
