"""Cal.com: the outbound mirror of our appointments, event-type provisioning, inbound webhooks."""
