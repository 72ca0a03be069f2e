"""The outside world over HTTP: Cal.com, Retell, ECB, outbound webhooks.

Nothing here runs while a caller waits: the booking core writes outbox rows, and the worker
(`integrations.worker`) pushes them out later with retries, backoff and a circuit breaker per
(tenant, integration). Each remote service is one small httpx client behind a narrow interface.
"""
