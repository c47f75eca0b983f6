"""The four backend services, each a separate process with its own database."""
