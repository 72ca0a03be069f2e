"""Imports every module that defines tables, so `Base.metadata` is complete (migrations, tests)."""

from booking_core.storage import (
    billing_models,  # noqa: F401
    call_log_models,  # noqa: F401
    call_models,  # noqa: F401
    edge_models,  # noqa: F401
    integration_models,  # noqa: F401
    models,  # noqa: F401
    package_models,  # noqa: F401
    portal_models,  # noqa: F401
    waitlist_models,  # noqa: F401
)
