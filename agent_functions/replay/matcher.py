"""Subset matching of responses against fixture expectations (CONTRACT section 5).

Objects match when every listed key matches; lists must have the same length and match element by
element; `$`-matchers test a value in another way. The result is the list of mismatches, each with
the JSON path where it happened, so a failing fixture says exactly what differed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

MATCHERS = frozenset({"$len", "$includes", "$contains", "$absent", "$any", "$regex", "$approx"})


def is_matcher(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and next(iter(value)) in MATCHERS


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def match(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Every way `actual` fails `expected`; empty when it matches."""
    if is_matcher(expected):
        return _match_operator(expected, actual, path)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {_short(actual)}"]
        problems: list[str] = []
        for key, want in expected.items():
            if is_matcher(want) and "$absent" in want:
                if want["$absent"] and actual.get(key) is not None:
                    problems.append(f"{path}.{key}: expected absent, got {_short(actual[key])}")
                elif not want["$absent"] and key not in actual:
                    problems.append(f"{path}.{key}: expected present")
                continue
            if key not in actual:
                problems.append(f"{path}.{key}: missing (expected {_short(want)})")
                continue
            problems.extend(match(want, actual[key], f"{path}.{key}"))
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: expected a list, got {_short(actual)}"]
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} items, got {len(actual)}"]
        return [p for i, (w, a) in enumerate(zip(expected, actual)) for p in match(w, a, f"{path}[{i}]")]
    if isinstance(expected, bool) or isinstance(actual, bool):
        return [] if expected is actual else [f"{path}: expected {_short(expected)}, got {_short(actual)}"]
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return [] if expected == actual else [f"{path}: expected {expected}, got {actual}"]
    return [] if expected == actual else [f"{path}: expected {_short(expected)}, got {_short(actual)}"]


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _match_operator(spec: dict[str, Any], actual: Any, path: str) -> list[str]:
    if "$len" in spec:
        size = len(actual) if isinstance(actual, (list, dict, str)) else None
        return [] if size == spec["$len"] else [f"{path}: expected length {spec['$len']}, got {size}"]
    if "$includes" in spec:
        if not isinstance(actual, list):
            return [f"{path}: expected a list, got {_short(actual)}"]
        missing = [w for w in spec["$includes"] if not any(not match(w, a) for a in actual)]
        return [f"{path}: no element matches {_short(w)}" for w in missing]
    if "$contains" in spec:
        ok = isinstance(actual, str) and str(spec["$contains"]).lower() in actual.lower()
        return [] if ok else [f"{path}: expected text containing {spec['$contains']!r}, got {_short(actual)}"]
    if "$absent" in spec:
        return (
            []
            if (actual is None) == bool(spec["$absent"])
            else [f"{path}: $absent={spec['$absent']} but got {_short(actual)}"]
        )
    if "$any" in spec:
        if any(not match(alt, actual, path) for alt in spec["$any"]):
            return []
        return [f"{path}: matches none of {_short(spec['$any'])}, got {_short(actual)}"]
    if "$regex" in spec:
        ok = isinstance(actual, str) and re.search(spec["$regex"], actual) is not None
        return [] if ok else [f"{path}: expected /{spec['$regex']}/, got {_short(actual)}"]
    want, got, tol = _decimal(spec["$approx"]), _decimal(actual), _decimal(spec.get("tol", "0"))
    if want is None or got is None or tol is None:
        return [f"{path}: expected about {spec['$approx']}, got {_short(actual)}"]
    return [] if abs(want - got) <= tol else [f"{path}: expected {want} ± {tol}, got {got}"]
