"""Imports every module that defines tables, so `Base.metadata` is complete (migrations, tests)."""

from booking_core.storage import models  # noqa: F401
