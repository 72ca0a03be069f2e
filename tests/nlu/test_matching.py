"""Service and staff matching on the real salon catalogue (a copy in tests/nlu/data) and an
English physio practice; Kölner Phonetik; customer names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu import CatalogueEntry, ServiceMatcher, StaffMatcher, parse_customer_name
from nlu.phonetics import cologne

DATA = json.loads((Path(__file__).parent / "data" / "catalog.json").read_text(encoding="utf-8"))


def _entries(key: str) -> list[CatalogueEntry]:
    return [
        CatalogueEntry(e["id"], e["name"], tuple(e.get("aliases", ())), bool(e.get("composite"))) for e in DATA[key]
    ]


SALON = ServiceMatcher(_entries("services"))
PHYSIO = ServiceMatcher(_entries("physio_services"))
TEAM = StaffMatcher([*_entries("staff"), CatalogueEntry("anna", "Anna Schulz"), CatalogueEntry("anna-m", "Anna Maier")])


def test_catalogue_fixture_is_the_real_one() -> None:
    assert len(DATA["services"]) == 18


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ansatz färben", "ansatzfaerbung"),
        ("Ansatzfärbung", "ansatzfaerbung"),
        ("ansatzfaerbung", "ansatzfaerbung"),  # the LLM sends ids
        ("ANSATZ FÄRBUNG", "ansatzfaerbung"),
        ("Ansatz farben", "ansatzfaerbung"),
        ("Ansatz", "ansatzfaerbung"),
        ("ich hätte gern einen Termin zum Ansatz färben", "ansatzfaerbung"),
        ("Herrenschnitt", "herrenhaarschnitt"),
        ("Herren Haarschnitt", "herrenhaarschnitt"),
        ("Haarschnitt für Herren", "herrenhaarschnitt"),
        ("Männerhaarschnitt", "herrenhaarschnitt"),
        ("Maennerhaarschnitt", "herrenhaarschnitt"),
        ("Herrenhaarschnit", "herrenhaarschnitt"),  # a typo
        ("Damenschnitt", "damenhaarschnitt"),
        ("Kinderhaarschnitt", "kinderhaarschnitt"),
        ("WSF", "waschen-schneiden-foehnen"),
        ("Waschen, Schneiden und Föhnen", "waschen-schneiden-foehnen"),
        ("waschen-schneiden-foehnen", "waschen-schneiden-foehnen"),
        ("Strähnchen", "balayage-ombre"),
        ("Straehnchen", "balayage-ombre"),
        ("Ombre", "balayage-ombre"),
        ("Dauerwellen", "dauerwelle"),
        ("Perm", "dauerwelle"),
        ("Olaplex Behandlung", "rebuild-treatment-olaplex"),
        ("Glanz", "gloss"),
        ("Hair Detox", "hairdetox"),
        ("blond färben", "komplette-umfaerbung-blondierung"),
        ("Blondierung", "komplette-umfaerbung-blondierung"),
        ("Föhnen Damen", "foehnen-und-styling-damen"),
        ("Trockenschnitt", "trockenschnitt"),
        ("Haare spenden", "haarspende"),
        ("Intensivpflege", "intensiv-pflege-maria-nila"),
        ("Ansatz und Längen", "ansatz-laengenausgleich"),
    ],
)
def test_salon_matches(text: str, expected: str) -> None:
    m = SALON.match(text)
    assert m.kind == "match", (text, m)
    assert m.entry.id == expected
    assert m.candidates == (m.entry,)


def test_composite_services_are_recognised() -> None:
    assert SALON.match("Ansatz färben").composite
    assert SALON.match("Dauerwelle").composite
    assert not SALON.match("Herrenschnitt").composite


@pytest.mark.parametrize(
    ("text", "must_include"),
    [
        ("schneiden", {"herrenhaarschnitt", "damenhaarschnitt"}),
        ("Haare schneiden", {"herrenhaarschnitt", "damenhaarschnitt"}),
        ("Haarschnitt", {"herrenhaarschnitt", "damenhaarschnitt", "kinderhaarschnitt"}),
        ("färben", {"ansatzfaerbung"}),
        ("Föhnen", {"foehnen-und-styling-herren", "foehnen-und-styling-damen"}),
        ("waschen", {"waschen-schneiden-foehnen"}),
    ],
)
def test_partial_phrases_are_ambiguous(text: str, must_include: set[str]) -> None:
    m = SALON.match(text)
    assert m.kind == "ambiguous", (text, m)
    assert m.entry is None and 2 <= len(m.candidates) <= 3
    assert must_include & {c.id for c in m.candidates}


@pytest.mark.parametrize(
    "text", ["Haare", "Termin", "einen Termin bitte", "", "Pizza", "xyz", None, "Maniküre", "ich möchte", "Wa"]
)
def test_generic_or_unknown_is_not_a_match(text: str | None) -> None:
    assert SALON.match(text).kind in ("none", "ambiguous")
    assert SALON.match(text).entry is None


def test_short_aliases_only_as_whole_words() -> None:
    # "WaSch" is an alias of Waschen-schneiden-föhnen; "waschen" must not hit it
    assert SALON.match("waschen").kind == "ambiguous"
    assert SALON.match("wasch").entry.id == "waschen-schneiden-foehnen"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Initial assessment", "initial-assessment"),
        ("first appointment", "initial-assessment"),
        ("I'm a new patient", "initial-assessment"),
        ("follow up", "follow-up"),
        ("followup", "follow-up"),
        ("Follow-up treatment", "follow-up"),
        ("treatment", "follow-up"),  # a tenant's own alias wins over the generic-word rule
        ("sports massage", "sports-massage"),
        ("a massage please", "sports-massage"),
        ("deep tissue massage", "sports-massage"),
        ("shock wave", "shockwave"),
    ],
)
def test_physio_matches(text: str, expected: str) -> None:
    m = PHYSIO.match(text)
    assert m.kind == "match" and m.entry.id == expected, (text, m)


def test_physio_generic_words() -> None:
    assert PHYSIO.match("appointment").kind == "none"
    assert PHYSIO.match("physio").kind == "none"


# --- staff -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bei Fabian", "fabian"),
        ("zu Emma", "emma"),
        ("mit Emma Becker", "emma"),
        ("Fabian Schulz", "fabian"),
        ("Fabi", "fabian"),  # alias
        ("Fabien", "fabian"),  # ASR spelling
        ("bei der Sarah bitte", "sarah"),
        ("Sara", "sarah"),
        ("Mikael", "michael"),
        ("Micha", "michael"),
        ("Frau Maier", "anna-m"),
        ("Anna Schulz", "anna"),
        ("david", "david"),
        ("gerne wieder bei Davide", "david"),
    ],
)
def test_staff_matches(text: str, expected: str) -> None:
    m = TEAM.match(text)
    assert m.kind == "match" and m.entry.id == expected, (text, m)


@pytest.mark.parametrize(
    "text",
    [
        "egal",
        "ist mir egal",
        "irgendwer",
        "anyone",
        "whoever is free",
        "keine Präferenz",
        "",
        "   ",
        None,
        "None",
        "null",
        "no preference",
        "doesn't matter",
        "wer gerade Zeit hat",
        "bei wem auch immer",
    ],
)
def test_staff_no_preference(text: str | None) -> None:
    assert TEAM.match(text).kind == "any"


def test_staff_ambiguous() -> None:
    m = TEAM.match("mit Frau Schulz")  # Fabian Schulz and Anna Schulz
    assert m.kind == "ambiguous" and {c.id for c in m.candidates} == {"fabian", "anna"}
    assert TEAM.match("Anna").kind == "ambiguous"
    # sounds like two people (Meier, Maier): ask, do not guess
    m = TEAM.match("Frau Meyer")
    assert m.kind == "ambiguous" and {c.id for c in m.candidates} >= {"anna-m"}


def test_staff_unknown() -> None:
    assert TEAM.match("bei Bob").kind == "none"
    assert TEAM.match("bei").kind == "none"


def test_phonetics_only_breaks_ties() -> None:
    team = StaffMatcher([CatalogueEntry("a", "Meier"), CatalogueEntry("b", "Mayer")])
    assert team.match("Maier").kind == "ambiguous"  # both sound alike: no winner
    team = StaffMatcher([CatalogueEntry("a", "Jana Kraus"), CatalogueEntry("b", "Jona Kaiser")])
    assert team.match("Jona").entry.id == "b"  # exact beats sound


# --- Kölner Phonetik ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("Müller-Lüdenscheidt", "65752682"),
        ("Wikipedia", "3412"),
        ("Meier", "67"),
        ("Mayer", "67"),
        ("Schulz", "858"),
        ("Schultz", "858"),
        ("Fabian", "316"),
        ("Christoph", "47823"),
        ("", ""),
    ],
)
def test_cologne(word: str, code: str) -> None:
    assert cologne(word) == code


# --- customer names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mein Name ist Anna Schmidt", "Anna Schmidt"),
        ("ich bin der Thomas", "Thomas"),
        ("hier ist Müller", "Müller"),
        ("ich heiße Jürgen Groß", "Jürgen Groß"),
        ("Ja hallo, mein Name ist Schmidt, hier", "Schmidt"),
        ("my name is John Smith", "John Smith"),
        ("this is Sarah", "Sarah"),
        ("it's Kate", "Kate"),
        ("anna schmidt", "Anna Schmidt"),
        ("ANNA SCHMIDT", "Anna Schmidt"),
        ("Anna von der Heide", "Anna von der Heide"),
        ("hans-peter müller", "Hans-Peter Müller"),
        ("McDonald", "McDonald"),
        ("O'Brien", "O'Brien"),
        ("Peter Müller am Apparat", "Peter Müller"),
        ("ähm ich bin Lisa Becker und ich wollte einen Termin", "Lisa Becker"),
        ("Frau Anna Klein", "Anna Klein"),
    ],
)
def test_customer_names(text: str, expected: str) -> None:
    assert parse_customer_name(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "User",
        "Unbekannt",
        "None",
        "null",
        "Kunde",
        "Customer",
        "Anrufer",
        "caller",
        "unknown",
        "n/a",
        "test",
        "",
        "   ",
        None,
        "12345",
        "foo@bar.de",
        "Max Mustermann",
        "der Kunde",
        "mein Name ist Kunde",
        "x" * 300,
    ],
)
def test_placeholders_are_unknown(text: str | None) -> None:
    assert parse_customer_name(text) is None
