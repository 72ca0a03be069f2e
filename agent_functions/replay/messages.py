"""`expect_final.messages`: the messages a call left in the outbox (planned, not sent: a replay runs
no worker), oldest first, each `{"kind", "channel", "to", "text", "subject", "status", "due_at",
"reference"}` with `due_at` in the tenant's zone and `status` queued | sent | dead |
withdrawn. Fixtures match them with the usual matchers (`$includes`, `$contains` on text)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent_functions.context import AppServices
from booking_core.messages.store import list_messages
from booking_core.tenant_config import TenantConfig


async def message_state(services: AppServices, tenant: TenantConfig) -> list[dict[str, Any]]:
    rows = await list_messages(services.db, tenant.id, limit=1000)
    out = []
    for row in reversed(rows):
        due = row["due_at"]
        out.append(
            {
                "kind": row["kind"],
                "channel": row["channel"],
                "to": row["to"],
                "text": row["text"],
                "subject": row["subject"],
                "status": row["status"],
                "reference": row["reference"],
                "due_at": datetime.fromisoformat(due).astimezone(tenant.zone).isoformat(),
            }
        )
    return out
