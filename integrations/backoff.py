"""Exponential backoff with jitter for outbox retries.

delay(n) = min(cap, base * 2**(n-1)), then "equal jitter": a uniform draw in [delay/2, delay], so
retries from many rows spread out instead of arriving together, yet never come back sooner than half
the nominal delay. A Retry-After from the server is a floor: we never retry before it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    base_s: float = 5.0
    cap_s: float = 3600.0

    def delay(self, attempt: int, *, retry_after_s: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        nominal = min(self.cap_s, self.base_s * (2 ** max(0, attempt - 1)))
        draw = (rng or random).uniform(nominal / 2, nominal)
        if retry_after_s is not None:
            return max(draw, retry_after_s)
        return draw
