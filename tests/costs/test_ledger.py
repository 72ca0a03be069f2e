"""Cost components and states (pure)."""

from decimal import Decimal as D

from booking_core.costs import money, to_decimal
from booking_core.costs.ledger import (
    CostInputs,
    CostRates,
    compute_cost,
    parse_call_cost,
    product_kind,
    started_minutes,
    token_count,
)


def test_combined_cost_is_us_cents_not_dollars():
    cost = parse_call_cost({"product_costs": [], "combined_cost": 11.59, "total_duration_seconds": 94})
    assert cost is not None
    assert cost.usd == D("0.1159")
    result = compute_cost(CostInputs(duration_ms=94000, retell=cost, retell_event="call_ended"), CostRates())
    assert result.total_usd == D("0.1159")
    assert result.state == "provisional"


def test_product_lines_kept_as_received_and_combined_cost_is_the_total():
    raw = {
        "product_costs": [
            {"product": "elevenlabs_tts", "unit_price": 0.0117, "cost": 1.1},
            {"product": "gpt-4o", "unit_price": 0.0083, "cost": 0.78},
        ],
        "combined_cost": 11.59,
    }
    cost = parse_call_cost(raw)
    assert [(line.product, line.cost_cents, line.unit_price) for line in cost.lines] == [
        ("elevenlabs_tts", D("1.1"), D("0.0117")),
        ("gpt-4o", D("0.78"), D("0.0083")),
    ]
    assert cost.usd == D("0.1159")  # the total is Retell's, not the sum of the lines


def test_lines_summed_only_when_combined_cost_is_missing():
    cost = parse_call_cost(
        {"product_costs": [{"product": "elevenlabs_tts", "cost": 6.5}, {"product": "voice_engine", "cost": 3}]}
    )
    assert cost.combined_cents == D("9.5")
    assert parse_call_cost({"product_costs": []}) is None
    assert parse_call_cost(None) is None
    assert parse_call_cost({"combined_cost": "junk"}) is None


def test_product_kinds():
    assert product_kind("twilio_telephony") == "telephony"
    assert product_kind("retell_telephony") == "telephony"
    for llm in (
        "gpt-4o-mini",
        "gemini_2_0_flash",
        "claude-3.5-haiku",
        "retell_llm",
        "llm_token_usage",
        "gpt_5_nano_text_testing",
    ):
        assert product_kind(llm) == "llm", llm
    for other in ("elevenlabs_tts", "voice_engine", "background_voice_cancellation", "deepgram_asr"):
        assert product_kind(other) == "other", other


def test_started_minutes():
    assert started_minutes(None) == 0
    assert started_minutes(0) == 0
    assert started_minutes(1) == 1
    assert started_minutes(60000) == 1
    assert started_minutes(60001) == 2
    assert started_minutes(94000) == 2


def test_own_telephony_added_per_started_minute_until_a_real_price():
    retell = parse_call_cost({"product_costs": [{"product": "elevenlabs_tts", "cost": 5}], "combined_cost": 11.59})
    rates = CostRates(telephony_usd_per_min=D("0.014"))
    est = compute_cost(CostInputs(duration_ms=94000, retell=retell, retell_event="call_ended"), rates)
    assert est.telephony_usd == D("0.028") and est.telephony_source == "estimated"
    assert est.total_usd == D("0.1439")
    real = compute_cost(
        CostInputs(duration_ms=94000, retell=retell, retell_event="call_ended", telephony_usd_recorded=D("0.0213")),
        rates,
    )
    assert real.telephony_usd == D("0.0213") and real.telephony_source == "recorded"


def test_telephony_billed_through_retell_is_not_added_again():
    retell = parse_call_cost({"product_costs": [{"product": "twilio_telephony", "cost": 2}], "combined_cost": 12})
    result = compute_cost(
        CostInputs(duration_ms=94000, retell=retell, retell_event="call_ended"),
        CostRates(telephony_usd_per_min=D("0.014")),
    )
    assert result.telephony_usd == 0 and result.telephony_source == "retell"
    assert result.total_usd == D("0.12")


def test_llm_tokens_priced_only_where_retell_did_not_charge_the_llm():
    usage = {"values": [1200, 1800], "average": 1500, "num_requests": 2}
    rates = CostRates(llm_usd_per_1k_tokens={"gpt-4o": D("0.005"), "*": D("0.001")}, llm_model="gpt-4o")
    custom = parse_call_cost({"product_costs": [{"product": "elevenlabs_tts", "cost": 5}], "combined_cost": 5})
    priced = compute_cost(
        CostInputs(duration_ms=60000, retell=custom, retell_event="call_ended", token_usage=usage), rates
    )
    assert priced.llm_usd == D("0.015") and priced.llm_source == "tokens"  # 3000 tokens x 0.005 / 1000
    other_model = compute_cost(
        CostInputs(duration_ms=60000, retell=custom, token_usage=usage, llm_model="mistral-small"), rates
    )
    assert other_model.llm_usd == D("0.003")  # the "*" price
    hosted = parse_call_cost({"product_costs": [{"product": "gpt-4o-mini", "cost": 0.6}], "combined_cost": 5.6})
    by_retell = compute_cost(
        CostInputs(duration_ms=60000, retell=hosted, retell_event="call_ended", token_usage=usage), rates
    )
    assert by_retell.llm_usd == 0 and by_retell.llm_source == "retell"
    unpriced = compute_cost(CostInputs(duration_ms=60000, retell=custom, token_usage=usage), CostRates())
    assert unpriced.llm_usd == 0 and unpriced.llm_source == "unpriced"


def test_token_counts():
    assert token_count({"values": [100, 150], "average": 125, "num_requests": 2}) == 250
    assert token_count({"average": 125, "num_requests": 4}) == 500
    assert token_count({"prompt_tokens": 10, "completion_tokens": 5}) == 15
    assert token_count({"total_tokens": 42}) == 42
    assert token_count("nonsense") is None


def test_no_cost_data_is_estimated_from_duration_never_zero():
    rates = CostRates(estimate_usd_per_min=D("0.09"))
    result = compute_cost(CostInputs(duration_ms=150000), rates)
    assert result.state == "estimated" and result.retell_source == "estimated"
    assert result.retell_usd == D("0.27")  # 3 started minutes
    unknown_duration = compute_cost(CostInputs(duration_ms=None), rates)
    assert unknown_duration.total_usd == D("0.09") > 0  # at least one minute


def test_states():
    retell = parse_call_cost({"combined_cost": 7})
    assert compute_cost(CostInputs(retell=retell, retell_event="call_ended"), CostRates()).state == "provisional"
    assert compute_cost(CostInputs(retell=retell, retell_event="call_analyzed"), CostRates()).state == "final"
    assert (
        compute_cost(CostInputs(retell=retell, retell_event="call_ended", reconciled=True), CostRates()).state
        == "final"
    )


def test_decimals_from_json_floats_are_exact():
    assert to_decimal(0.1) == D("0.1")
    assert to_decimal(11.59) == D("11.59")
    assert to_decimal(True) is None and to_decimal(float("nan")) is None
    assert money(D("0.005")) == D("0.01") and money(D("0.0049")) == D("0.00") and money(D("-0.005")) == D("-0.01")
