"""Admin over HTTP: `routes` (authentication, queries, cost reports), `pages` (HTML and SVG), `messages`
(callback inbox, messages, staff status changes)."""

from agent_functions.admin.messages import add_message_routes
from agent_functions.admin.pages import BILLED_COLOUR, COST_COLOUR, render_chart, render_page
from agent_functions.admin.routes import add_admin_routes

__all__ = ["BILLED_COLOUR", "COST_COLOUR", "add_admin_routes", "add_message_routes", "render_chart", "render_page"]
