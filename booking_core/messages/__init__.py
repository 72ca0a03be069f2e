"""Messages after the call (CONTRACT section 9): what to tell whom, when, in which words.

Pure planning only: `planner` turns a booking change (or a callback request) and the tenant's
`notifications` settings into planned messages and the subject whose pending messages no longer
apply; `texts` words them (de/en), `timing` keeps reminders out of quiet hours, `channels` decides
who can get an SMS or an email, `ics` builds the calendar file. Writing them as outbox rows in the
change's transaction is `store`'s one job; sending is the outbox worker's (integrations/).
"""

from booking_core.messages.channels import email_ascii, sms_number, valid_email
from booking_core.messages.planner import Plan, Planned, plan_callback, plan_change
from booking_core.messages.timing import HeldBack, held_back

__all__ = [
    "HeldBack",
    "Plan",
    "Planned",
    "email_ascii",
    "held_back",
    "plan_callback",
    "plan_change",
    "sms_number",
    "valid_email",
]
