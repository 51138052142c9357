"""Events: webhook subscriptions, the transactional outbox, signed at-least-once delivery."""
