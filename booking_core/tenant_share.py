"""One copy of each equal part of the parsed tenant configurations a process holds.

A parsed 30-staff configuration is about 210 KB, most of it small immutable pieces that repeat: the
same opening hours as `TimeRange` objects and `time`s for every staff member and weekday, the same
segments, fee tiers and policies, and across tenants of one chain the same services and staff
entirely. Configurations are frozen after validation (`tenant_base.Frozen`), so equal pieces can be
one object: `share_parts` replaces every piece of a freshly parsed configuration by the equal one
already held, bottom-up, and keeps the new ones for the next configuration. Nothing changes for
readers (the pieces are equal, and `model_dump` gives the same document); only memory shrinks.

Pieces are kept in a process-wide pool keyed by value (children by the identity of their shared
copy, which the pool keeps alive). The pool is bounded: past `MAX_POOL` pieces it is emptied and
starts again (configurations already parsed keep their pieces; only future sharing restarts).
"""

from __future__ import annotations

import threading
from datetime import date, time
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from booking_core.tenant_config import TenantConfig

__all__ = ["MAX_POOL", "pool_size", "share_parts"]

MAX_POOL = 200_000  # pieces; a 30-staff tenant brings ~1,500, most of them shared with the tenants before it

_POOL: dict[Any, Any] = {}
_LOCK = threading.Lock()
_SCALARS = (str, int, bool, float, Decimal, time, date, type(None))

Key = Any
"""The value identity of a piece: scalars by type and exact text, shared pieces by their object id."""


def share_parts(config: TenantConfig) -> TenantConfig:
    """Replace the parts of `config` (not yet handed to anyone) by equal shared ones; returns it."""
    with _LOCK:
        if len(_POOL) > MAX_POOL:
            _POOL.clear()
        _share_fields(config)
    return config


def pool_size() -> int:
    """How many distinct pieces the pool holds."""
    return len(_POOL)


def _share(value: Any) -> tuple[Any, Key | None]:
    """(the shared equal of `value`, its key); key None when it cannot be shared (then neither can
    anything holding it)."""
    key: Key
    if isinstance(value, _SCALARS):
        key = (type(value), repr(value))  # repr: Decimal("28.00") and Decimal("28.0") stay apart
        return _POOL.setdefault(key, value), key
    if isinstance(value, tuple):
        parts = [_share(v) for v in value]
        if any(k is None for _, k in parts):
            return tuple(v for v, _ in parts), None
        key = ("tuple", tuple(k for _, k in parts))
        return _pooled(key, lambda: tuple(v for v, _ in parts))
    if isinstance(value, dict) and type(value) is dict:
        items = [(_share(k), _share(v)) for k, v in value.items()]
        if any(kk is None or vk is None for (_, kk), (_, vk) in items):
            return {k: v for (k, _), (v, _) in items}, None
        key = ("dict", tuple((kk, vk) for (_, kk), (_, vk) in items))  # order kept: dumps stay identical
        return _pooled(key, lambda: {k: v for (k, _), (v, _) in items})
    if isinstance(value, BaseModel) and value.model_config.get("frozen"):
        keys = _share_fields(value)
        if keys is None or value.__pydantic_private__ or value.__pydantic_extra__:
            return value, None
        key = (type(value), keys, tuple(sorted(value.__pydantic_fields_set__)))
        return _pooled(key, lambda: value)
    return value, None


def _pooled(key: Key, make: Any) -> tuple[Any, Key]:
    hit = _POOL.get(key)
    if hit is None:
        hit = make()
        _POOL[key] = hit
    return hit, ("id", id(hit))


def _share_fields(model: BaseModel) -> tuple[Key, ...] | None:
    """Share every field of `model` in place (its own fields, so a frozen model stays valid);
    returns the fields' keys, None when one of them cannot be shared."""
    keys: list[Key] = []
    shareable = True
    for name in type(model).model_fields:
        shared, key = _share(model.__dict__[name])
        model.__dict__[name] = shared
        shareable = shareable and key is not None
        keys.append(key)
    return tuple(keys) if shareable else None
