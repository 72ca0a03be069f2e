"""What one call cost, in USD, by component, and how sure we are of it.

Components (they never overlap, so they add up):
- `retell_usd`: Retell's bill for the call, `call_cost.combined_cost` (US cents) / 100. It already contains
  whatever Retell itself charged: TTS, STT, its LLM, and telephony for numbers bought through Retell.
- `telephony_usd`: telephony Retell did not bill (own Twilio/SIP numbers): the configured USD rate per
  started minute, until a real price is recorded for the call; 0 when Retell's product lines show it
  billed the telephony.
- `llm_usd`: a custom LLM's tokens priced with the configured per-model prices, only when Retell's product
  lines carry no LLM product (otherwise Retell charged it and it is inside `retell_usd`).

States: `estimated` (no Retell cost yet: Retell's part is estimated from the duration with a per-minute
rate, so a call never shows as free), `provisional` (cost from `call_ended`), `final` (cost from
`call_analyzed`, or the call was reconciled by hand).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from booking_core.costs import to_decimal

__all__ = [
    "DEFAULT_ESTIMATE_USD_PER_MIN",
    "CallCost",
    "CostInputs",
    "CostRates",
    "ProductKind",
    "ProductLine",
    "RetellCost",
    "State",
    "compute_cost",
    "parse_call_cost",
    "product_kind",
    "started_minutes",
    "token_count",
]

State = Literal["estimated", "provisional", "final"]
ProductKind = Literal["telephony", "llm", "other"]

HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)
# Retell's list price is about 0.07-0.10 USD a minute with a hosted LLM and voice; estimating high keeps
# an unreported call from looking cheap. Tenants override it with billing.estimate_usd_per_min.
DEFAULT_ESTIMATE_USD_PER_MIN = Decimal("0.10")
# What a webhook may claim for one call; beyond these a number is garbage and reads as unknown. Without
# bounds, "1e999999" cents is a finite Decimal that overflows arithmetic or rounding in every report.
MAX_CENTS = Decimal(10**7)  # 100,000 USD
MAX_SECONDS = Decimal(24 * 3600)
MAX_TOKENS = Decimal(10**9)


def _bounded(value: object, limit: Decimal, *, signed: bool = False) -> Decimal | None:
    number = to_decimal(value)
    if number is None or abs(number) > limit or (number < 0 and not signed):
        return None
    return number


# Product line names seen in Retell's call_cost: "elevenlabs_tts", "voice_engine", "gpt-4o-mini",
# "gemini_2_0_flash", "retell_llm", "llm_token_usage", "twilio_telephony", "background_voice_cancellation".
_TELEPHONY = re.compile(r"telephony|twilio|telnyx|vonage|plivo|sip|pstn|phone_number|carrier", re.I)
_LLM = re.compile(r"llm|gpt|claude|gemini|openai|anthropic|llama|mistral|deepseek|qwen|grok|^o\d(?:[-_]|$)|token", re.I)


def product_kind(product: str) -> ProductKind:
    if _TELEPHONY.search(product):
        return "telephony"
    if _LLM.search(product):
        return "llm"
    return "other"


@dataclass(frozen=True)
class ProductLine:
    """One line of Retell's `product_costs`, kept as received (cents; unit price in cents per second)."""

    product: str
    cost_cents: Decimal
    unit_price: Decimal | None
    kind: ProductKind

    @property
    def cost_usd(self) -> Decimal:
        return self.cost_cents / HUNDRED


@dataclass(frozen=True)
class RetellCost:
    combined_cents: Decimal
    lines: tuple[ProductLine, ...]
    total_duration_seconds: Decimal | None = None

    @property
    def usd(self) -> Decimal:
        return self.combined_cents / HUNDRED

    @property
    def bills_telephony(self) -> bool:
        return any(line.kind == "telephony" for line in self.lines)

    @property
    def bills_llm(self) -> bool:
        # A zero-cost LLM line (a custom LLM Retell only relays) is not Retell charging for it.
        return any(line.kind == "llm" and line.cost_cents > 0 for line in self.lines)


def parse_call_cost(raw: Any) -> RetellCost | None:
    """Retell's `call_cost` object, or None when it carries no usable amount.

    `combined_cost` is Retell's total; when it is missing, the product lines are summed.
    """
    if not isinstance(raw, Mapping):
        return None
    lines: list[ProductLine] = []
    products = raw.get("product_costs")
    if isinstance(products, list):
        for item in products:
            if not isinstance(item, Mapping):
                continue
            cost = _bounded(item.get("cost"), MAX_CENTS, signed=True)
            name = item.get("product")
            if cost is None or not isinstance(name, str):
                continue
            unit_price = _bounded(item.get("unit_price"), MAX_CENTS, signed=True)
            lines.append(ProductLine(name, cost, unit_price, product_kind(name)))
    combined = _bounded(raw.get("combined_cost"), MAX_CENTS, signed=True)
    if combined is None:
        if not lines:
            return None
        combined = sum((line.cost_cents for line in lines), Decimal(0))
    if combined < 0:
        return None
    return RetellCost(combined, tuple(lines), _bounded(raw.get("total_duration_seconds"), MAX_SECONDS))


def started_minutes(duration_ms: int | None) -> int:
    """Minutes begun: 1 ms..60 s is one minute; unknown or zero duration is none."""
    if not duration_ms or duration_ms <= 0:
        return 0
    return math.ceil(duration_ms / 60000)


def token_count(usage: Any) -> int | None:
    """Tokens in Retell's `llm_token_usage` ({"values": [per request], "average", "num_requests"}) or an
    OpenAI-style usage object ({"total_tokens"} or {"prompt_tokens", "completion_tokens"})."""
    if not isinstance(usage, Mapping):
        return None
    values = usage.get("values")
    if isinstance(values, list) and len(values) <= 10_000:
        numbers = [_bounded(v, MAX_TOKENS) for v in values]
        known = [n for n in numbers if n is not None]
        if known and len(known) == len(numbers):
            return int(sum(known, Decimal(0)))
    total = _bounded(usage.get("total_tokens"), MAX_TOKENS)
    if total is not None:
        return int(total)
    parts = [
        _bounded(usage.get(k), MAX_TOKENS)
        for k in ("prompt_tokens", "completion_tokens", "input_tokens", "output_tokens")
    ]
    if any(p is not None for p in parts):
        return int(sum((p for p in parts if p is not None), Decimal(0)))
    average, requests = _bounded(usage.get("average"), MAX_TOKENS), _bounded(usage.get("num_requests"), MAX_TOKENS)
    if average is not None and requests is not None:
        return int(average * requests)
    return None


@dataclass(frozen=True)
class CostRates:
    """The tenant's configured cost rates, resolved for one call."""

    telephony_usd_per_min: Decimal | None = None
    estimate_usd_per_min: Decimal = DEFAULT_ESTIMATE_USD_PER_MIN
    llm_usd_per_1k_tokens: Mapping[str, Decimal] | None = None
    llm_model: str | None = None


@dataclass(frozen=True)
class CostInputs:
    """What we know about one call's cost."""

    duration_ms: int | None = None
    retell: RetellCost | None = None
    retell_event: str | None = None  # the lifecycle event that carried `retell`
    token_usage: Any = None
    llm_model: str | None = None  # named by the event, if it did
    telephony_usd_recorded: Decimal | None = None  # a real price, replacing the estimate
    reconciled: bool = False


@dataclass(frozen=True)
class CallCost:
    retell_usd: Decimal
    telephony_usd: Decimal
    llm_usd: Decimal
    state: State
    minutes: int  # started minutes
    telephony_source: str  # retell | recorded | estimated | none
    llm_source: str  # retell | tokens | unpriced | none
    retell_source: str  # retell | estimated

    @property
    def total_usd(self) -> Decimal:
        return self.retell_usd + self.telephony_usd + self.llm_usd


def _llm_price(rates: CostRates, model: str | None) -> Decimal | None:
    prices = rates.llm_usd_per_1k_tokens or {}
    if model and model in prices:
        return prices[model]
    return prices.get("*")


def compute_cost(inputs: CostInputs, rates: CostRates) -> CallCost:
    minutes = started_minutes(inputs.duration_ms)
    retell = inputs.retell
    if retell is None:
        state: State = "estimated"
        retell_usd = rates.estimate_usd_per_min * max(1, minutes)
        retell_source = "estimated"
    else:
        state = "final" if inputs.retell_event == "call_analyzed" else "provisional"
        retell_usd = retell.usd
        retell_source = "retell"
    if inputs.reconciled:
        state = "final"

    if retell is not None and retell.bills_telephony:
        telephony_usd, telephony_source = Decimal(0), "retell"
    elif inputs.telephony_usd_recorded is not None:
        telephony_usd, telephony_source = inputs.telephony_usd_recorded, "recorded"
    elif rates.telephony_usd_per_min is not None:
        telephony_usd, telephony_source = rates.telephony_usd_per_min * minutes, "estimated"
    else:
        telephony_usd, telephony_source = Decimal(0), "none"

    if retell is not None and retell.bills_llm:
        llm_usd, llm_source = Decimal(0), "retell"
    else:
        tokens = token_count(inputs.token_usage)
        model = inputs.llm_model or rates.llm_model
        price = _llm_price(rates, model)
        if tokens is None or tokens == 0:
            llm_usd, llm_source = Decimal(0), "none"
        elif price is None:
            llm_usd, llm_source = Decimal(0), "unpriced"
        else:
            llm_usd, llm_source = price * tokens / THOUSAND, "tokens"

    return CallCost(retell_usd, telephony_usd, llm_usd, state, minutes, telephony_source, llm_source, retell_source)
