"""ping: a function that does nothing, for liveness probes and as the benchmark's floor.

It travels the whole stack a real function does (signature, envelope, tenant lookup, dispatch,
response), so its latency is what the stack itself costs; it touches no booking data. It is not
exported as a tool: an agent has no reason to call it.
"""

from __future__ import annotations

from typing import Any

from agent_functions.functions.base import FunctionContext, handler
from agent_functions.replies import Reply


@handler("ping")
async def ping(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    return Reply("ok", ctx.say("Ja, ich bin da.", "Yes, I'm here."), {})
