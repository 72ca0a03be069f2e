"""Senders of messages to people: SMS over the provider's REST API (`sms`), email over SMTP (`email`).

Both send any outbox row of their target, whoever wrote it (the booking messages, a billing notice):
the row's payload carries everything (`to`, `text`, for email `subject` and `attachments`). Both retry
on the schedule of CONTRACT section 9 (attempts now, +5 min, +30 min, +2 h, then dead).
"""

# Seconds after failed attempt 1, 2, 3; after the 4th the message is dead (CONTRACT section 9).
MESSAGE_RETRY_DELAYS_S: tuple[float, ...] = (300.0, 1800.0, 7200.0)
