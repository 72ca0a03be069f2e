"""The booking domain and its storage: tenants, catalogue, availability, holds, bookings, policies, audit, costs.

Knows nothing of HTTP, Retell or spoken language: the edge (agent_functions) passes in resolved values.
"""
