"""Admin reports over HTTP: `routes` (authentication, queries, responses) and `pages` (HTML and SVG)."""

from agent_functions.admin.pages import BILLED_COLOUR, COST_COLOUR, render_chart, render_page
from agent_functions.admin.routes import add_admin_routes

__all__ = ["BILLED_COLOUR", "COST_COLOUR", "add_admin_routes", "render_chart", "render_page"]
