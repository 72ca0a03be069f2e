"""Pure policy decisions and lifecycle rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from booking_core import lifecycle
from booking_core.errors import InvalidTransition
from booking_core.policy import decide
from booking_core.tenant_config import ChangePolicy

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)
SALON = ChangePolicy.model_validate(
    {
        "notice_hours": 24,
        "max_per_month": 3,
        "fee_tiers": [
            {"min_hours": 48, "fee": "0"},
            {"min_hours": 24, "fee": "10.00"},
            {"min_hours": 0, "fee": "15.00"},
        ],
    }
)
STRICT = ChangePolicy.model_validate({"notice_hours": 24, "max_per_appointment": 2})


def d(policy, hours, **kw):
    kw.setdefault("status", "scheduled")
    return decide(policy, kw.pop("kind", "cancel"), start=NOW + timedelta(hours=hours), now=NOW, currency="EUR", **kw)


@pytest.mark.parametrize(
    ("hours", "fee", "rule"),
    [
        (72, "0", "cancel.free"),
        (30, "10.00", "cancel.fee_tier"),
        (5, "15.00", "cancel.fee_tier"),
        (48, "0", "cancel.free"),
    ],
)
def test_fee_tiers(hours, fee, rule):
    out = d(SALON, hours)
    assert out.allowed and out.fee == Decimal(fee) and out.rule == rule
    assert out.deadline == NOW + timedelta(hours=hours - 48)
    assert out.hours_before == Decimal(hours)


def test_notice_without_covering_tier():
    out = d(STRICT, 10, kind="reschedule")
    assert not out.allowed and out.rule == "reschedule.notice" and out.deadline == NOW - timedelta(hours=14)
    assert d(STRICT, 30, kind="reschedule").rule == "reschedule.free"


def test_limits_status_past():
    assert d(STRICT, 30, kind="reschedule", appointment_count=2).rule == "reschedule.max_per_appointment"
    assert d(SALON, 72, month_count=3).rule == "cancel.max_per_month"
    assert d(SALON, 72, month_count=2).allowed
    assert d(SALON, 72, status="completed").rule == "cancel.status"
    assert d(SALON, -1).rule == "cancel.past"
    none = d(ChangePolicy(), 1)
    assert none.allowed and none.deadline is None and none.fee == 0


def test_transitions():
    lifecycle.check("scheduled", "confirmed")
    lifecycle.check("paused", "in_progress")
    for old, new in [
        ("completed", "cancelled"),
        ("cancelled", "scheduled"),
        ("in_progress", "cancelled"),
        ("scheduled", "paused"),
        ("scheduled", "bogus"),
    ]:
        with pytest.raises(InvalidTransition):
            lifecycle.check(old, new)


def test_status_at_and_path():
    segs = [(0, 30), (60, 90)]
    assert [lifecycle.status_at(segs, t) for t in (-1, 0, 29, 30, 59, 60, 90)] == [
        None,
        "in_progress",
        "in_progress",
        "paused",
        "paused",
        "in_progress",
        "completed",
    ]
    assert lifecycle.path("scheduled", "paused") == ["in_progress", "paused"]
    assert lifecycle.path("confirmed", "completed") == ["in_progress", "completed"]
    assert lifecycle.path("paused", "paused") == []
    assert lifecycle.path("completed", "in_progress") == []
