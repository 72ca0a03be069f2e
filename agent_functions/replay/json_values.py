"""Walking a parsed JSON document: its leaf values, and a copy with every string changed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


def leaves(value: Any) -> Iterator[Any]:
    """Every value in `value` that is neither an object nor a list, depth first."""
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    else:
        yield value


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """A copy of `value` with `change` applied to every string value (object keys stay)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {k: map_strings(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [map_strings(v, change) for v in value]
    return value
