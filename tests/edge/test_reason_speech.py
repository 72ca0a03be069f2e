"""Every reason a time cannot be had is spoken, in German and in English (speech.UNAVAILABLE_SENTENCES)."""

from __future__ import annotations

import string
from typing import get_args

import pytest

from agent_functions.replies import STATUSES, Reply, ResponseStatus
from agent_functions.speech import (
    NOTHING_FREE_THAT_DAY,
    UNAVAILABLE_SENTENCES,
    UnavailableReason,
    is_unavailable_reason,
    unavailable_sentence,
)

PLACEHOLDERS = {"when", "staff"}


def placeholders(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None}


def test_every_reason_has_a_sentence_in_both_languages() -> None:
    assert set(UNAVAILABLE_SENTENCES) == set(get_args(UnavailableReason))
    for reason in get_args(UnavailableReason):
        de, en = UNAVAILABLE_SENTENCES[reason]
        assert de.strip() and en.strip() and de != en, reason
        assert placeholders(de) <= PLACEHOLDERS and placeholders(de) == placeholders(en), reason
        for text in (de.format(when="Um 10 Uhr", staff="Emma"), en.format(when="At 10 am", staff="Emma")):
            assert "{" not in text and text.endswith("."), (reason, text)


@pytest.mark.parametrize("reason", get_args(UnavailableReason))
def test_a_specific_time_is_refused_with_its_own_reason(reason: str) -> None:
    assert unavailable_sentence(reason, exact=True) == UNAVAILABLE_SENTENCES[reason]  # type: ignore[index]


def test_a_day_with_nothing_free_is_said_as_such_and_other_reasons_as_they_are() -> None:
    assert unavailable_sentence("taken", exact=False) == NOTHING_FREE_THAT_DAY
    assert unavailable_sentence(None, exact=False) == NOTHING_FREE_THAT_DAY
    assert unavailable_sentence("closed", exact=False) == UNAVAILABLE_SENTENCES["closed"]


def test_an_unknown_or_missing_reason_is_spoken_as_taken_never_as_a_wrong_excuse() -> None:
    assert not is_unavailable_reason("maintenance") and not is_unavailable_reason(None)
    assert unavailable_sentence("maintenance", exact=True) == UNAVAILABLE_SENTENCES["taken"]
    assert unavailable_sentence(None, exact=True) == UNAVAILABLE_SENTENCES["taken"]


def test_a_reply_takes_only_the_contract_statuses() -> None:
    assert set(get_args(ResponseStatus)) == STATUSES and len(STATUSES) == 12
    assert Reply("needs_clarification", "Welcher Tag?").status == "needs_clarification"
    with pytest.raises(ValueError, match="unknown status"):
        Reply("maybe", "…")  # type: ignore[arg-type]
