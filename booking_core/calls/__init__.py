"""Call records and their costs (CONTRACT section 7), one module per job:

- `merge`: the pure part: cleaning webhook payloads, merging deliveries, deriving the record;
- `events`: writing lifecycle events and reconciled telephony prices;
- `fx_rates`: ECB exchange rates in storage;
- `records`: call records as read, each costed;
- `reports`: cost reports over a period.

The names the edges use are importable from here.
"""

from __future__ import annotations

from booking_core.calls.events import EventOutcome, record_event, set_telephony_price
from booking_core.calls.fx_rates import load_fx_table, store_fx_rates
from booking_core.calls.merge import EVENTS, RANK, CallEventError
from booking_core.calls.records import call_record, call_records
from booking_core.calls.reports import call_lines, cost_report

__all__ = [
    "EVENTS",
    "RANK",
    "CallEventError",
    "EventOutcome",
    "call_lines",
    "call_record",
    "call_records",
    "cost_report",
    "load_fx_table",
    "record_event",
    "set_telephony_price",
    "store_fx_rates",
]
