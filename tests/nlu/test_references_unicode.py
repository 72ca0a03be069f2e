"""Issue 14 items 8 and 9 in the words layer: references read out in any spelling, and text in any
Unicode normal form (NFC at the edge, and inside NLU whoever calls it); a lone first name is a name."""

from __future__ import annotations

import unicodedata

import pytest

from nlu import nfc, nfc_arguments, parse_customer_name, parse_reference
from nlu.normalize import fold
from nlu.references import SPELLED


@pytest.mark.parametrize(
    "said",
    [
        "K7M2",
        "k7m2",
        "K-7-M-2",
        "K-7-M-2.",
        "K7M2.",
        "k 7 m 2",
        "K 7 M 2!",
        "K.7.M.2",
        "  k7-m2 ",
        "K7 M2?",
        "K wie Konrad, sieben, M wie Martha, zwei",
        "Ka sieben Em zwei",
        "Kilo Sieben Mike Zwei",
        "kilo seven mike two",
        "K as in Kilo, 7, M as in Mike, 2",
        "K for Kilo 7 M for Mike 2",
        "Köln sieben München zwo",
        "Kaufmann 7 Martha 2",
        "Buchungsnummer K7M2",
        "meine Buchungsnummer ist K-7-M-2",
        "my reference is k7m2",
    ],
)
def test_every_spelling_of_a_reference_is_the_reference(said: str) -> None:
    assert parse_reference(said) == "K7M2"


def test_each_alphabet_spells_every_letter() -> None:
    alphabets = {
        "nato": "alfa bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa "
        "quebec romeo sierra tango uniform victor whiskey x-ray yankee zulu",
        "din5009": "Aachen Berlin Chemnitz Düsseldorf Essen Frankfurt Goslar Hamburg Ingelheim Jena Köln Leipzig "
        "München Nürnberg Offenbach Potsdam Quickborn Rostock Salzwedel Tübingen Unna Völklingen Wuppertal "
        "Xanten Ypsilon Zwickau",
        "traditional": "Anton Berta Cäsar Dora Emil Friedrich Gustav Heinrich Ida Julius Kaufmann Ludwig Martha "
        "Nordpol Otto Paula Quelle Richard Samuel Theodor Ulrich Viktor Wilhelm Xanthippe Ypsilon Zacharias",
    }
    for name, words in alphabets.items():
        assert parse_reference(words) == "ABCDEFGHIJKLMNOPQRSTUVWXYZ", name
    assert all(len(letter) == 1 and letter.isupper() for letter in SPELLED.values())


def test_numbers_doubles_and_letter_names() -> None:
    assert parse_reference("H X vier P") == "HX4P"
    assert parse_reference("Ha wie Heinrich, Ix, vier, Pe") == "HX4P"
    assert parse_reference("aitch ex four pee") == "HX4P"
    assert parse_reference("K 7 doppel M 2") == "K7MM2"
    assert parse_reference("double seven A") == "77A"
    assert parse_reference("null eins zwo") == "012"


@pytest.mark.parametrize("said", [None, "", "  ", "ja bitte", "...", 42])
def test_nothing_readable_is_none(said: object) -> None:
    assert parse_reference(said) is None  # type: ignore[arg-type]


# --- Unicode ------------------------------------------------------------------------------------

DECOMPOSED = unicodedata.normalize("NFD", "Jörg Müller färbt Strähnen, Ombré")


def test_nfc_composes_and_leaves_ascii_alone() -> None:
    assert DECOMPOSED != "Jörg Müller färbt Strähnen, Ombré"
    assert nfc(DECOMPOSED) == "Jörg Müller färbt Strähnen, Ombré"
    assert nfc("plain") == "plain"


def test_arguments_are_normalised_all_the_way_down() -> None:
    args = {
        "customer_name": "Jo\u0308rg",
        "service": ["Fa\u0308rben", {"x": "U\u0308"}],
        "n": 3,
        "ok": True,
        "Gru\u0308n": None,
    }
    assert nfc_arguments(args) == {
        "customer_name": "Jörg",
        "service": ["Färben", {"x": "Ü"}],
        "n": 3,
        "ok": True,
        "Grün": None,
    }


def test_folding_is_the_same_for_both_forms() -> None:
    for word in ("Färben", "Strähnen", "Müller", "Öl", "Ombré", "ÄRGER"):
        assert fold(unicodedata.normalize("NFD", word)) == fold(word)


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("Jo\u0308rg Mu\u0308ller", "Jörg Müller"),
        ("mein Name ist Jo\u0308rg Mu\u0308ller", "Jörg Müller"),
        ("Max", "Max"),
        ("John", "John"),
        ("Jane", "Jane"),
        ("ich bin Max", "Max"),
        ("Max Vogel", "Max Vogel"),
        ("Zoe\u0308", "Zoë"),
    ],
)
def test_decomposed_and_lone_first_names_are_names(said: str, name: str) -> None:
    assert parse_customer_name(said) == name


@pytest.mark.parametrize("placeholder", ["Max Mustermann", "John Doe", "Jane Doe", "Erika Mustermann", "None", "Kunde"])
def test_stock_placeholders_are_still_no_names(placeholder: str) -> None:
    assert parse_customer_name(placeholder) is None
