"""The booking domain and its storage: tenants, catalogue, availability, holds, bookings, policies, audit, costs.

Knows nothing of HTTP, Retell or spoken language: the edges (agent_functions, the portal) and the
integrations pass in resolved values. They import only the public modules below, and from each only
the names in its `__all__` (tests/test_layering.py checks it); every other module is the core's own.

Where to look first:
- `service.BookingService`: every booking use case behind one facade; `domain` its plain values,
  `errors` what it raises, `vocabulary` the domain's words (statuses, reasons) as types;
- `tenant_config`, `tenant_file`, `tenant_store`: the tenant file, validated, loaded, looked up;
- `calls`: call records and their costs (`costs`: the pure cost arithmetic);
- `storage`: the database, its models and migrations.
Inside: `search`, `holds`, `changes/` (book, move, cancel, status) are the use cases; `slots`,
`layout`, `availability`, `reasons`, `policy`, `lifecycle` the pure rules they apply.
"""

PUBLIC_MODULES: tuple[str, ...] = (
    # the facade and its values
    "booking_core.service",
    "booking_core.domain",
    "booking_core.errors",
    "booking_core.refusals",
    "booking_core.vocabulary",
    "booking_core.clock",
    # series (CONTRACT section 10): the rule and planner, the check's outcome
    "booking_core.series",
    "booking_core.series_search",
    "booking_core.visits",
    # packages, multi-session cards (CONTRACT section 10): sell, balances, expiry; the rules of validity
    "booking_core.packages",
    "booking_core.package_rules",
    # the waitlist (CONTRACT section 10): join, list, expire; offers are made inside the changes
    "booking_core.waitlist",
    # tenants
    "booking_core.tenant_config",
    "booking_core.tenant_file",
    "booking_core.tenant_store",
    "booking_core.customers",
    "booking_core.history",
    "booking_core.opening",
    # after the call: messages to callers and the team, the callback inbox, statuses by staff and by the clock
    "booking_core.messages",
    "booking_core.messages.store",
    "booking_core.callback_inbox",
    "booking_core.staff_status",
    "booking_core.lifecycle_clock",
    # calls and costs
    "booking_core.calls",
    "booking_core.calls.merge",
    "booking_core.call_outcomes",
    # the reseller's billing of its tenants: prepaid ledger, top-ups, statements, the cross-tenant report
    "booking_core.billing.reseller",
    "booking_core.billing.statements",
    "booking_core.billing.topups",
    "booking_core.billing.ledger",
    "booking_core.billing.documents",
    "booking_core.billing.stripe_events",
    "booking_core.costs",
    "booking_core.costs.billing",
    "booking_core.costs.csv_export",
    "booking_core.costs.fx",
    "booking_core.costs.ledger",
    "booking_core.costs.report",
    # storage: the database, the models the edges and integrations keep their own rows in, migrations
    "booking_core.storage.db",
    "booking_core.storage.models",
    "booking_core.storage.call_models",
    "booking_core.storage.edge_models",
    "booking_core.storage.call_log_models",
    "booking_core.storage.billing_models",
    "booking_core.storage.portal_models",
    "booking_core.storage.integration_models",
    "booking_core.storage.migrate",
    "booking_core.storage.urls",
    # building blocks for writing a calendar as given (fixture setup: agent_functions/replay/seed.py,
    # the benchmark's generated calendar: agent_functions/bench/generate.py)
    "booking_core.request",
    "booking_core.appointment_rows",
    "booking_core.booking_store",
    "booking_core.records",
    "booking_core.layout",
    "booking_core.lifecycle",
    "booking_core.availability",
    "booking_core.intervals",
)

__all__ = ["PUBLIC_MODULES"]
