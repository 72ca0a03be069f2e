"""Imports every module that defines tables, so `Base.metadata` is complete (migrations, tests)."""

from booking_core.storage import models  # noqa: F401
from booking_core.storage import integration_models  # noqa: F401
from booking_core.storage import call_models  # noqa: F401
from booking_core.storage import edge_models  # noqa: F401
from booking_core.storage import call_log_models  # noqa: F401
from booking_core.storage import portal_models  # noqa: F401
