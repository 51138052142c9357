"""MQTT 5 as a transport of the event bus: every committed pet, order and payment change is
published to a broker, from the outbox, in order, acknowledged before it counts as sent."""
