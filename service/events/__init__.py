"""The event store: append-only streams, one per episode, chained by SHA-256."""
