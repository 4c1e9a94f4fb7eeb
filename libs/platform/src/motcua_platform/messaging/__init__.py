"""Kafka plumbing: broker construction, the outbox relay, idempotent ordered consumption and
dead letters."""
