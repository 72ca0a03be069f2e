"""The shared ground of the tenant file's models (CONTRACT section 4): immutable, unknown keys
refused, ids as slugs, times of day as HH:MM."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

__all__ = ["E164", "SLUG", "WEEKDAYS", "Frozen", "Slug", "parse_hhmm"]

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


class Frozen(BaseModel):
    """Immutable after validation (configs are cached and shared); unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"id {value!r} is not a slug (a-z, 0-9, - and _)")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
"""An id as tenant files use it: a-z and 0-9 first, then also - and _, at most 64 characters."""


def parse_hhmm(value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML reads 09:00 unquoted as sexagesimal minutes (540)
        if 0 <= value < 24 * 60:
            return time(value // 60, value % 60)
        raise ValueError(f"time {value!r} out of range")
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}(:00)?", value.strip()):
        h, m = (int(p) for p in value.strip().split(":")[:2])
        if h == 24 and m == 0:
            return time.max
        if 0 <= h < 24 and 0 <= m < 60:
            return time(h, m)
    raise ValueError(f"expected a time as HH:MM, got {value!r}")
