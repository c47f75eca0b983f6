"""Kafka plumbing: topic set-up, a publisher, and a consume loop that commits only after success."""
