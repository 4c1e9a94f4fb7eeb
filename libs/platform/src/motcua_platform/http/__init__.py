"""HTTP plumbing shared by the services: the app factory, auth dependencies, idempotency."""
