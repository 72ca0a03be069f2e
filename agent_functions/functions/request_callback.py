"""request_callback: a note for the team to call the customer back."""

from __future__ import annotations

from typing import Any

from agent_functions.functions.base import FunctionContext, handler
from agent_functions.replies import Reply
from agent_functions.understanding import customer_name, customer_phone, text_arg


@handler("request_callback")
async def request_callback(ctx: FunctionContext, args: dict[str, Any]) -> Reply:
    phone = customer_phone(ctx, args)
    if phone is None:
        return Reply(
            "needs_clarification",
            ctx.say("Unter welcher Nummer können wir Sie zurückrufen?", "Which number can we call you back on?"),
            {"missing": ["customer_phone"]},
        )
    name = customer_name(args)
    details = {"function": "request_callback", "args": {k: str(v)[:200] for k, v in args.items()}}
    callback_id = await ctx.services.booking.create_callback(
        ctx.tenant,
        call_id=ctx.call.call_id,
        customer_name=name,
        phone=phone,
        reason=text_arg(args, "reason"),
        details=details,
    )
    greeting = f", {name}" if name else ""
    return Reply(
        "callback_requested",
        ctx.say(
            f"Ich habe Ihren Rückrufwunsch notiert{greeting}. Wir melden uns so bald wie möglich bei Ihnen.",
            f"I've noted your callback request{greeting}. We'll get back to you as soon as possible.",
        ),
        {"callback_id": callback_id},
    )
