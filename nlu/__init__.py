"""Spoken text -> intents: when (date/time/window), repeats, service, staff, customer name, booking reference.

Pure: no database, no HTTP, no imports from booking_core or agent_functions. The edge
(agent_functions) passes what the voice agent heard through these functions and hands the
results to the core.
"""

from nlu.catalogue import CatalogueEntry, Match, MatchKind
from nlu.names import parse_customer_name
from nlu.normalize import nfc, nfc_arguments
from nlu.references import parse_reference
from nlu.repeat import Repeat, parse_repeat
from nlu.services import ServiceMatcher
from nlu.spoken_digits import spoken_digits
from nlu.staff import StaffMatcher
from nlu.when import When, WhenKind, combine_when, parse_when

#: What the edges may import from this package (tests/test_layering.py): the names below, and the
#: evaluation tool behind `slotline nlu-eval`.
PUBLIC_MODULES: tuple[str, ...] = ("nlu", "nlu.evaluate")

__all__ = [
    "CatalogueEntry",
    "Match",
    "MatchKind",
    "Repeat",
    "ServiceMatcher",
    "StaffMatcher",
    "When",
    "WhenKind",
    "combine_when",
    "nfc",
    "nfc_arguments",
    "parse_customer_name",
    "parse_reference",
    "parse_repeat",
    "parse_when",
    "spoken_digits",
]
