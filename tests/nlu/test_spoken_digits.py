"""Phone numbers said as words (break20): speech-to-text leaves "null eins fünf eins ..." or "oh seven
seven double nine" as words; the booking must carry the number said, not the caller ID instead."""

from __future__ import annotations

import pytest

from nlu import spoken_digits


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("null eins sechs null, zwo drei vier, fünf sechs sieben acht", "01602345678"),
        ("null eins sieben doppel drei, vierundfünfzig, zweiundzwanzig, elf", "01733542211"),
        ("plus vier neun eins fünf eins", "+49151"),
        ("oh seven seven double nine, four five six triple one", "07799456111"),
        ("zero two zero seven one two three four five six seven", "02071234567"),
        ("0151 2345678", "0151 2345678"),  # already digits: left as it is
        ("+49 151 2345678", "+49 151 2345678"),
        ("meine Nummer ist null eins fünf eins eins zwei drei", "0151123"),
    ],
)
def test_spoken_digits(said: str, digits: str) -> None:
    assert spoken_digits(said) == digits


@pytest.mark.parametrize("said", ["die Nummer, von der ich anrufe", "the one I'm calling from", "", None, 42])
def test_no_digits_said_is_left_alone(said: object) -> None:
    out = spoken_digits(said)
    assert out is None or not any(ch.isdigit() for ch in out) or out == "42"
