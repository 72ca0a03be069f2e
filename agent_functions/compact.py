"""Making an answer's lists compact enough for the voice platform's size limit, without dropping options.

Three options of a composite service with four segments each are about 2,400 characters of JSON,
over the 2,000-character cap (replies.MAX_RESPONSE_CHARS); the agent needs each option's start, end,
person and price, not every segment three times over. Steps, each taken only while the answer is
still too long (`data["compact"]` names the last one taken):
1. `segments`: segments as {"key", "start", "end"}, with `staff` and `staff_busy` only where they
   differ from the option's person and from busy; no empty `hold_expires_at`;
2. `no_segments`: options without segments (the slot held by the next check carries them in full);
3. `repeats`: no `service` in an option when it is `data.request.service` (said once there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Where answers carry lists of slots or appointments, as paths into `data`.
OPTION_LISTS: tuple[tuple[str, ...], ...] = (
    ("slots",),
    ("alternatives",),
    ("appointments",),
    ("context", "caller", "appointments"),
)


def list_at(data: dict[str, Any], path: tuple[str, ...]) -> list[Any] | None:
    """The list at `path` inside `data`, None when there is none."""
    node: Any = data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, list) else None


def compact_lists(data: dict[str, Any], too_long: Callable[[], bool]) -> None:
    """Compact `data`'s option lists in place, step by step, while `too_long()` says so."""
    for name, step in (("segments", _short_segments), ("no_segments", _no_segments), ("repeats", _drop_repeats)):
        if not too_long():
            return
        touched = False
        for path in OPTION_LISTS:
            for item in list_at(data, path) or []:
                if isinstance(item, dict):
                    touched = step(item, data) or touched
        if touched:
            data["compact"] = name


def _drop_repeats(item: dict[str, Any], data: dict[str, Any]) -> bool:
    request = data.get("request") if isinstance(data.get("request"), dict) else {}
    changed = False
    service = item.get("service")
    if isinstance(service, dict) and request and service.get("id") == (request.get("service") or {}).get("id"):
        del item["service"]
        changed = True
    return changed


def _short_segments(item: dict[str, Any], data: dict[str, Any]) -> bool:
    changed = "hold_expires_at" in item and item["hold_expires_at"] is None
    if changed:
        del item["hold_expires_at"]
    segments = item.get("segments")
    if not isinstance(segments, list) or not segments:
        return changed
    staff_id = (item.get("staff") or {}).get("id")
    short = []
    for seg in segments:
        if not isinstance(seg, dict):
            return changed
        one = {k: seg[k] for k in ("key", "start", "end") if k in seg}
        if (seg.get("staff") or {}).get("id") not in (None, staff_id):
            one["staff"] = seg["staff"]
        if seg.get("staff_busy") is False:
            one["staff_busy"] = False
        short.append(one)
    item["segments"] = short
    return True


def _no_segments(item: dict[str, Any], data: dict[str, Any]) -> bool:
    if "segments" not in item:
        return False
    del item["segments"]
    return True
