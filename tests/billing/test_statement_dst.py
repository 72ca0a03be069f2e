"""A statement over a month with a DST change (edge20): October 2026 in Berlin ends an hour later in
UTC than it began, and the night of 25 October has 02:30 twice; every row lands in the local month and
day it was written in (CONTRACT section 11), on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

from booking_core.billing.statements import monthly_statement
from booking_core.storage.db import Database
from tests.billing.helpers import move, prepaid_tenant


async def test_a_month_with_the_clocks_going_back_keeps_its_rows_in_their_local_days(db: Database) -> None:
    tenant = await prepaid_tenant(db)
    charges = {
        "sep_last": (datetime(2026, 9, 30, 21, 59, tzinfo=UTC), "-1"),  # 30.09. 23:59 CEST
        "oct_first": (datetime(2026, 9, 30, 22, 0, tzinfo=UTC), "-2"),  # 01.10. 00:00 CEST
        "first_0230": (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "-4"),  # 25.10. 02:30 CEST
        "second_0230": (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "-8"),  # 25.10. 02:30 CET
        "oct_last": (datetime(2026, 10, 31, 22, 59, tzinfo=UTC), "-16"),  # 31.10. 23:59 CET
        "nov_first": (datetime(2026, 10, 31, 23, 0, tzinfo=UTC), "-32"),  # 01.11. 00:00 CET
    }
    await move(db, tenant, "topup", "100", datetime(2026, 9, 1, tzinfo=UTC), ref="pi_sep")
    for call_id, (at, amount) in charges.items():
        await move(db, tenant, "call_charge", amount, at, call_id=call_id)
    october = await monthly_statement(db, tenant, "2026-10", datetime(2026, 12, 1, tzinfo=UTC))
    assert october.opening == D("99") and october.closing == D("69"), (october.opening, october.closing)
    days = {d.day: (d.calls, d.amount) for d in october.call_days}
    assert days == {
        date(2026, 10, 1): (1, D("2")),
        date(2026, 10, 25): (2, D("12")),
        date(2026, 10, 31): (1, D("16")),
    }, days
    march = await monthly_statement(db, tenant, "2027-03", datetime(2027, 4, 2, tzinfo=UTC))
    assert march.opening == march.closing == D("37")
