"""A real call as a replay fixture (CONTRACT sections 5 and 13): `slotline fixtures capture CALL_ID`.

The fixture replays the call against the state before it:
- the tenant inline (its current document), the frozen clock at the call's first request (`now`);
- `setup.appointments`: the tenant's appointments on the days the call looked at, and the caller's
  own (upcoming, and the last past one, so the caller is known as before), as they were at that first
  request, rebuilt from the audit log: what the call booked is absent, what it moved or cancelled is
  back where it was;
- the call's function calls in order, each with its arguments as sent, and its lifecycle events,
  with `advance_s` for the time between them;
- `expect` on each function call's status and key data: slot start and staff, appointment status,
  start and staff, and the reference of appointments that existed before the call (new ones get a
  new random reference on every run); an unavailability reason, missing arguments.

Not reproduced: holds other calls had at that moment, calls running at the same time (their bookings
during this call are not in the setup), and a tenant reloaded since the call (the capture says so).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from agent_functions.call_log.timeline import call_view
from agent_functions.replay.json_values import leaves
from booking_core.history import AppointmentHistory, histories
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig

# A response's days are filled from its first to its last (a search that offered Thursday for a wish
# on Monday went through Tuesday and Wednesday), unless they lie further apart than this.
MAX_SPAN_DAYS = 31


class CaptureError(Exception):
    """The call cannot become a fixture; the message says why."""


def _instant(text: Any) -> datetime | None:
    """An aware datetime from an ISO 8601 string with a time and an offset, else None."""
    if not isinstance(text, str) or "T" not in text or len(text) < 16:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def looked_at_days(responses: Iterable[dict[str, Any]], tenant: TenantConfig) -> set[date]:
    """The local days each response's data names (slots, alternatives, appointments, the understood
    request), with the days between the first and the last of one response."""
    days: set[date] = set()
    for response in responses:
        data = response.get("data") if isinstance(response, dict) else None
        named = {moment.astimezone(tenant.zone).date() for moment in map(_instant, leaves(data)) if moment}
        if not named:
            continue
        first, last = min(named), max(named)
        if (last - first).days <= MAX_SPAN_DAYS:
            named = {first + timedelta(days=n) for n in range((last - first).days + 1)}
        days |= named
    return days


def _slot(slot: Any) -> dict[str, Any]:
    if not isinstance(slot, dict):
        return {}
    out: dict[str, Any] = {}
    if "start" in slot:
        out["start"] = slot["start"]
    if isinstance(slot.get("staff"), dict) and "id" in slot["staff"]:
        out["staff"] = {"id": slot["staff"]["id"]}
    return out


def _appointment(appointment: Any, references: set[str]) -> dict[str, Any]:
    out = _slot(appointment)
    if isinstance(appointment, dict):
        if "status" in appointment:
            out["status"] = appointment["status"]
        if appointment.get("reference") in references:
            out["reference"] = appointment["reference"]
    return out


def expectation(response: dict[str, Any], references: set[str]) -> dict[str, Any]:
    """`expect` for one recorded answer: its status and key data (see the module docstring)."""
    expect: dict[str, Any] = {"status": response.get("status")}
    data: dict[str, Any] = response["data"] if isinstance(response.get("data"), dict) else {}
    want: dict[str, Any] = {}
    if isinstance(data.get("slot"), dict):
        want["slot"] = _slot(data["slot"])
    for key in ("slots", "alternatives"):
        if isinstance(data.get(key), list):
            want[key] = [_slot(s) for s in data[key]]
    if isinstance(data.get("appointment"), dict):
        want["appointment"] = _appointment(data["appointment"], references)
    if isinstance(data.get("appointments"), list):
        want["appointments"] = [_appointment(a, references) for a in data["appointments"]]
    for key in ("reason", "error", "missing"):
        if isinstance(data.get(key), (str, list)):
            want[key] = data[key]
    caller = (data.get("context") or {}).get("caller") if isinstance(data.get("context"), dict) else None
    if isinstance(caller, dict) and "known" in caller:
        want["context"] = {"caller": {"known": caller["known"]}}
    if want:
        expect["data"] = want
    return expect


def _local_bounds(days: set[date], tenant: TenantConfig) -> tuple[datetime, datetime] | None:
    if not days:
        return None
    start = datetime.combine(min(days), datetime.min.time(), tenant.zone)
    end = datetime.combine(max(days) + timedelta(days=1), datetime.min.time(), tenant.zone)
    return start, end


def setup_appointments(
    found: list[AppointmentHistory],
    first: datetime,
    call_id: str,
    days: set[date],
    caller: str | None,
    tenant: TenantConfig,
) -> list[dict[str, Any]]:
    """`setup.appointments`: each appointment as it was at `first` without the call's own changes,
    when it lay on one of `days` or was the caller's (upcoming, or the caller's last past one)."""
    states = [s for s in (h.at(first, without_call=call_id) for h in found) if s is not None]
    keep = [s for s in states if datetime.fromisoformat(s["start"]).astimezone(tenant.zone).date() in days]
    mine = [s for s in states if caller and (s.get("customer") or {}).get("phone") == caller and s not in keep]
    past = [s for s in mine if datetime.fromisoformat(s["end"]) <= first]
    keep += [s for s in mine if datetime.fromisoformat(s["end"]) > first]
    keep += sorted(past, key=lambda s: s["start"])[-1:]
    return [_setup_entry(s, tenant) for s in sorted(keep, key=lambda s: (datetime.fromisoformat(s["start"]), s["id"]))]


def _setup_entry(state: dict[str, Any], tenant: TenantConfig) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "service": state["service"]["id"],
        "staff": state["staff"]["id"],
        "start": datetime.fromisoformat(state["start"]).astimezone(tenant.zone).isoformat(),
    }
    customer = {k: v for k, v in (state.get("customer") or {}).items() if v}
    if customer:
        entry["customer"] = customer
    if state.get("status", "scheduled") != "scheduled":
        entry["status"] = state["status"]
    if state.get("reference"):
        entry["reference"] = state["reference"]
    return entry


def _steps(view: dict[str, Any], call: dict[str, Any], references: set[str]) -> list[dict[str, Any]]:
    timeline: list[tuple[datetime, int, dict[str, Any]]] = []
    for order, f in enumerate(view["functions"]):
        step: dict[str, Any] = {"function": f["name"] or "", "args": f["args"]}
        extra = {k: v for k, v in (f["call"] or {}).items() if call.get(k) != v}
        if extra:
            step["call"] = extra
        step["expect"] = expectation(f["response"] or {}, references)
        timeline.append((datetime.fromisoformat(f["at"]), order, step))
    for order, e in enumerate(view["events"], start=len(timeline)):
        if e["at"] is None:
            continue
        payload = {k: v for k, v in (e["call"] or {}).items() if call.get(k) != v}
        timeline.append((datetime.fromisoformat(e["at"]), order, {"event": e["event"], "call": payload}))
    timeline.sort(key=lambda item: (item[0], item[1]))
    steps: list[dict[str, Any]] = []
    previous = timeline[0][0]
    for at, _order, step in timeline:
        gap = round((at - previous).total_seconds(), 3)
        if gap > 0:
            steps.append({"advance_s": gap})
        steps.append(step)
        previous = at
    return steps


async def capture(
    db: Database, tenant: TenantConfig, call_id: str, *, tenant_loaded_at: datetime | None = None
) -> dict[str, Any]:
    """The fixture of call `call_id` of `tenant`; CaptureError when there is no such call or it made no
    function call. `tenant_loaded_at` (when the tenant was last loaded) adds a note when it is later
    than the call: the capture replays against today's tenant."""
    view = await call_view(db, tenant, call_id)
    if view is None:
        raise CaptureError(f"no call {call_id!r} for tenant {tenant.id!r}")
    if not view["functions"]:
        raise CaptureError(f"call {call_id!r} made no function call: there is nothing to replay")
    moments = [datetime.fromisoformat(x["at"]) for x in (*view["functions"], *view["events"]) if x["at"]]
    first = min(moments)
    call = dict(view["functions"][0]["call"] or {})
    days = looked_at_days((f["response"] or {} for f in view["functions"]), tenant)
    found = await histories(
        db,
        tenant.id,
        since=first,
        call_id=call_id,
        starting=_local_bounds(days, tenant),
        customer_phone=call.get("from_number"),
    )
    for history in found:  # the days of what the call changed, before and after
        for change in history.changed_by(call_id):
            days |= {
                datetime.fromisoformat(s["start"]).astimezone(tenant.zone).date()
                for s in (change.old, change.new)
                if s and "start" in s
            }
    setup = setup_appointments(found, first, call_id, days, call.get("from_number"), tenant)
    references = {a["reference"] for a in setup if "reference" in a}
    fixture: dict[str, Any] = {
        "name": f"captured call {call_id}",
        "tenant": tenant.model_dump(mode="json", by_alias=True, exclude_none=True),
        "now": first.astimezone(tenant.zone).isoformat(),
        "setup": {"appointments": setup},
        "call": call,
        "steps": _steps(view, call, references),
    }
    if tenant_loaded_at is not None and tenant_loaded_at > first:
        fixture["note"] = (
            f"the tenant was loaded again at {tenant_loaded_at.astimezone(tenant.zone).isoformat()}, "
            "after this call: the fixture uses the tenant as it is now"
        )
    return fixture
