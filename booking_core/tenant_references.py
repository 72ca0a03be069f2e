"""Cross-references inside a tenant file: ids that must name something defined elsewhere in it.

Checked on the raw document (the parsed YAML), tolerantly, so that `slotline tenants check` lists
these problems together with the field errors in one run (CONTRACT section 4: every problem, with its
path); pydantic runs model validators only once every field is valid, which would hide them until the
next run. `TenantConfig` runs the same check on a valid file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["REFERENCES_PREFIX", "reference_problems"]

REFERENCES_PREFIX = "cross-references: "


def _items(doc: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    value = doc.get(key)
    if not isinstance(value, (list, tuple)):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, Mapping)]


def _ids(items: list[tuple[int, Mapping[str, Any]]]) -> list[str]:
    return [str(item["id"]) for _, item in items if isinstance(item.get("id"), (str, int))]


def reference_problems(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(path, reason) for every broken reference: repeated service or staff ids, a staff member offering
    or pricing an unknown service, a service nobody on the staff does, and Cal.com mappings naming an
    unknown service, segment or staff member, and packages for a service the tenant does not have
    (or with repeated ids). Shapes that are wrong are the field check's business and
    are skipped here."""
    problems: list[tuple[str, str]] = []
    services, staff = _items(doc, "services"), _items(doc, "staff")
    for kind, items in (("services", services), ("staff", staff)):
        ids = _ids(items)
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append((kind, f"ids repeat: {dupes}"))
    known = set(_ids(services))
    offered: set[str] = set()
    everything = False
    for i, member in staff:
        does = member.get("services", ["*"])
        does = does if isinstance(does, (list, tuple)) else []
        for sid in does:
            if sid == "*":
                everything = True
            elif isinstance(sid, str):
                offered.add(sid)
                if sid not in known:
                    problems.append((f"staff.{i}.services", f"unknown service {sid!r}"))
        prices = member.get("prices")
        for sid in prices if isinstance(prices, Mapping) else ():
            if sid not in known:
                problems.append((f"staff.{i}.prices", f"unknown service {sid!r}"))
    for i, service in services:
        sid = service.get("id")
        if isinstance(sid, str) and not everything and sid not in offered:
            problems.append((f"services.{i}", f"nobody on staff does {sid!r}"))
    problems.extend(_calcom_problems(doc, services, set(_ids(staff))))
    problems.extend(_package_problems(doc, known))
    return problems


def _package_problems(doc: Mapping[str, Any], services: set[str]) -> list[tuple[str, str]]:
    """A package (multi-session card) for a service the tenant does not have, and repeated package ids."""
    packages = _items(doc, "packages")
    ids = _ids(packages)
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    problems = [("packages", f"ids repeat: {dupes}")] if dupes else []
    for i, package in packages:
        sid = package.get("service")
        if isinstance(sid, str) and sid not in services:
            problems.append(
                (
                    f"packages.{i}.service",
                    f"unknown service {sid!r}: a package must be for one of the tenant's services",
                )
            )
    return problems


def _calcom_problems(
    doc: Mapping[str, Any], services: list[tuple[int, Mapping[str, Any]]], staff_ids: set[str]
) -> list[tuple[str, str]]:
    integrations = doc.get("integrations")
    calcom = integrations.get("calcom") if isinstance(integrations, Mapping) else None
    if not isinstance(calcom, Mapping):
        return []
    segments: dict[str, set[str]] = {}
    for _, service in services:
        parts = service.get("segments")
        listed = parts if isinstance(parts, (list, tuple)) else []
        keys = {str(s.get("key")) for s in listed if isinstance(s, Mapping)}
        segments[str(service.get("id"))] = keys
    problems = []
    event_types = calcom.get("event_types")
    for key in event_types if isinstance(event_types, Mapping) else ():
        service_id, _, segment = str(key).partition("/")
        if service_id not in segments:
            problems.append(("integrations.calcom.event_types", f"unknown service {service_id!r} in {key!r}"))
        elif segment and segment not in segments[service_id]:
            problems.append(("integrations.calcom.event_types", f"service {service_id!r} has no segment {segment!r}"))
    mapped = calcom.get("staff")
    for sid in mapped if isinstance(mapped, Mapping) else ():
        if sid not in staff_ids:
            problems.append(("integrations.calcom.staff", f"unknown staff {sid!r}"))
    return problems
