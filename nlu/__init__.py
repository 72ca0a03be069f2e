"""Spoken text -> intents: when (date/time/window), service, staff, customer name.

Pure: no database, no HTTP, no imports from booking_core or agent_functions. The edge
(agent_functions) passes what the voice agent heard through these functions and hands the
results to the core.
"""

from nlu.catalogue import CatalogueEntry, Match
from nlu.names import parse_customer_name
from nlu.repeat import Repeat, parse_repeat
from nlu.services import ServiceMatcher
from nlu.staff import StaffMatcher
from nlu.when import When, combine_when, parse_when

__all__ = [
    "CatalogueEntry",
    "Match",
    "Repeat",
    "ServiceMatcher",
    "StaffMatcher",
    "When",
    "combine_when",
    "parse_customer_name",
    "parse_repeat",
    "parse_when",
]
