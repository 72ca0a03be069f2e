"""Which of the slots offered earlier in this call the caller has chosen."""

from __future__ import annotations

from typing import Any

from agent_functions.call_memory import Offer
from booking_core.domain import SlotRequest


def matching_offer(offers: list[Offer], wanted: SlotRequest | None, zone: Any) -> Offer | None:
    """The offered slot the caller chose, even when the AI re-sent the old day with the new time; never
    one with a staff member the caller has since refused (`wanted.not_staff`: "nicht Fabian" after
    Fabian was offered)."""
    if wanted is not None and wanted.not_staff:
        offers = [o for o in offers if o.staff_id not in wanted.not_staff]
    if not offers:
        return None
    if wanted is None:
        return offers[0] if len(offers) == 1 else None
    same = [o for o in offers if o.start == wanted.start and o.service_id == wanted.service_id]
    if same:
        return same[0]
    if wanted.exact:
        clock = wanted.start.astimezone(zone).time()
        by_time = [o for o in offers if o.start.astimezone(zone).time() == clock and o.service_id == wanted.service_id]
        if len(by_time) > 1 and wanted.staff_id:
            by_time = [o for o in by_time if o.staff_id == wanted.staff_id]
        if len(by_time) == 1:
            return by_time[0]
    return None
