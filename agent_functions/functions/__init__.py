"""One module per agent function; importing this package registers them all in HANDLERS."""

from agent_functions.functions import (  # noqa: F401  (registration)
    book_appointment,
    changes,
    check_availability,
    find_appointments,
    get_context,
    list_services,
    ping,
    request_callback,
    waitlist,
    waitlist_leave,
)
from agent_functions.functions.base import HANDLERS

__all__ = ["HANDLERS"]
