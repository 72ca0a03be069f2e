"""Cancel and reschedule decisions, pure: the same function answers the dry run and guards the change.

The rules, in order (the first that refuses decides):
1. only scheduled or confirmed appointments change (`<kind>.status`); not after the start (`<kind>.past`);
2. `max_per_appointment` against the appointment's earlier changes (`<kind>.max_per_appointment`);
3. `max_per_month` against the customer's changes of this kind in the current month (`<kind>.max_per_month`);
4. fee tiers, highest `min_hours` first: the first tier the change is at least `min_hours` ahead of
   sets the fee. Inside `notice_hours` a change is refused (`<kind>.notice`) unless a fee tier covers
   it (then it costs that tier's fee: `<kind>.fee_tier`). A free change is `<kind>.free`.
`deadline`: the last moment the change is free (no tiers: the last moment it is allowed), None when
there is no such moment rule (no notice, no tiers).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from booking_core.domain import PolicyDecision
from booking_core.tenant_config import ChangePolicy
from booking_core.vocabulary import AppointmentStatus, ChangeKind

__all__ = ["CHANGEABLE", "decide"]

CHANGEABLE = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)


def _hours(delta: timedelta) -> Decimal:
    return (Decimal(int(delta.total_seconds())) / Decimal(3600)).quantize(Decimal("0.01"))


def _deadline(policy: ChangePolicy, start: datetime) -> datetime | None:
    free = [t.min_hours for t in policy.fee_tiers if t.fee == 0]
    if free:
        return start - timedelta(hours=float(min(free)))
    if policy.notice_hours > 0:
        return start - timedelta(hours=float(policy.notice_hours))
    return None


def decide(
    policy: ChangePolicy,
    kind: ChangeKind,
    *,
    start: datetime,
    now: datetime,
    status: str,
    currency: str,
    month_count: int = 0,
    appointment_count: int = 0,
) -> PolicyDecision:
    """The decision on changing an appointment starting at `start` (in `status`) at `now`; the rules
    in order as above. `month_count`: the customer's changes of this kind this month;
    `appointment_count`: this appointment's earlier changes of this kind. The fee is in `currency`."""
    hours_before = _hours(start - now)
    deadline = _deadline(policy, start)

    def no(rule: str, fee: Decimal = Decimal("0")) -> PolicyDecision:
        return PolicyDecision(False, fee, currency, hours_before, deadline, f"{kind}.{rule}")

    if status not in CHANGEABLE:
        return no("status")
    if start <= now:
        return no("past")
    if policy.max_per_appointment is not None and appointment_count >= policy.max_per_appointment:
        return no("max_per_appointment")
    if policy.max_per_month is not None and month_count >= policy.max_per_month:
        return no("max_per_month")
    tiers = sorted(policy.fee_tiers, key=lambda t: t.min_hours, reverse=True)
    tier = next((t for t in tiers if hours_before >= t.min_hours), None)
    if hours_before < policy.notice_hours:
        if tier is None:
            return no("notice")
        rule = f"{kind}.fee_tier" if tier.fee > 0 else f"{kind}.free"
        return PolicyDecision(True, tier.fee, currency, hours_before, deadline, rule)
    fee = tier.fee if tier is not None else Decimal("0")
    rule = f"{kind}.fee_tier" if fee > 0 else f"{kind}.free"
    return PolicyDecision(True, fee, currency, hours_before, deadline, rule)
