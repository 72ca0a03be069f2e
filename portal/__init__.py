"""The staff portal (CONTRACT section 12): server-rendered pages for a tenant's owners and staff under
``/portal/``, a second edge over the same core as ``agent_functions``.

Modules: ``accounts`` (invitations, resets, logins, sessions: the rules), ``mail`` (their emails as
outbox rows), ``web`` (session, CSRF, rendering), ``routes_*`` (the pages), ``i18n`` (de/en words).
"""

from __future__ import annotations

from aiohttp import web

__all__ = ["add_portal_routes"]


def add_portal_routes(app: web.Application) -> None:
    """Mount every portal page on ``app`` (the app must carry ``agent_functions.context.SERVICES``)."""
    from portal.routes_appointment import add_appointment_routes
    from portal.routes_auth import add_auth_routes
    from portal.routes_balance import add_balance_routes
    from portal.routes_callbacks import add_callback_routes
    from portal.routes_calls import add_call_routes
    from portal.routes_costs import add_cost_routes
    from portal.routes_day import add_day_routes
    from portal.routes_users import add_user_routes

    add_auth_routes(app)
    add_day_routes(app)
    add_appointment_routes(app)
    add_callback_routes(app)
    add_call_routes(app)
    add_user_routes(app)
    add_cost_routes(app)
    add_balance_routes(app)
